#include "api/internal/json_reader.h"

#include <string>

namespace allot::api::internal {
namespace {

bool IsPlainKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-';
    if (!plain) return false;
  }
  return true;
}

}  // namespace

JsonReader::Segment JsonReader::Key(std::string_view key) {
  const std::size_t old = path_.size();
  if (IsPlainKey(key)) {
    if (!path_.empty()) path_ += '.';
    path_ += key;
  } else {
    path_ += "[\"";
    for (char c : key) {
      if (c == '"' || c == '\\') path_ += '\\';
      path_ += c;
    }
    path_ += "\"]";
  }
  return Segment(*this, old);
}

JsonReader::Segment JsonReader::Index(std::size_t index) {
  const std::size_t old = path_.size();
  path_ += '[';
  path_ += std::to_string(index);
  path_ += ']';
  return Segment(*this, old);
}

void JsonReader::Fail(std::string_view problem) {
  if (failed_) return;
  failed_ = true;
  if (path_.empty()) {
    error_ = std::string(problem);
  } else {
    error_.reserve(path_.size() + 2 + problem.size());
    error_ = path_;
    error_ += ": ";
    error_ += problem;
  }
}

Status JsonReader::status() const { return failed_ ? InvalidArgumentError(error_) : OkStatus(); }

}  // namespace allot::api::internal
