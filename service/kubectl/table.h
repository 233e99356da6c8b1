// kubectl-style tables for the plugin's default output: upper-case headers, left-aligned columns separated
// by at least three spaces (kubectl's tabwriter: minimum cell width 6, padding 3), no trailing spaces.
// Empty cells print as "<none>".
//
// Thread safety: not thread-safe (a value being filled); Render is const.
#pragma once

#include <string>
#include <vector>

namespace allot::svc::kubectl {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

  // Adds a row; missing cells are empty, extra cells are dropped.
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace allot::svc::kubectl
