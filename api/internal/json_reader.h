// JsonReader: decoding state shared by every ReadJson overload (internal to api/).
//
// It tracks the JSON path of the value being read ("spec.devices[3].capacity.memory.value") and keeps
// the first error as "<path>: <problem>". Readers keep going after an error is recorded but results
// are discarded; callers check ok() at the end. The path is a single string grown and shrunk by RAII
// segments, so reading is linear in the input size.
//
// Thread safety: not thread-safe; one reader per Decode call.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"

namespace allot::api::internal {

class JsonReader {
 public:
  // Restores the path to its previous length when destroyed.
  class [[nodiscard]] Segment {
   public:
    Segment(JsonReader& reader, std::size_t restore_to) : reader_(reader), restore_to_(restore_to) {}
    ~Segment() { reader_.path_.resize(restore_to_); }
    Segment(const Segment&) = delete;
    Segment& operator=(const Segment&) = delete;

   private:
    JsonReader& reader_;
    std::size_t restore_to_;
  };

  JsonReader() = default;
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  // Appends ".key" (or `["key"]` when the key is not a plain identifier-like word).
  Segment Key(std::string_view key);
  // Appends "[index]".
  Segment Index(std::size_t index);

  // Records "<path>: <problem>" (just "<problem>" at the root) unless an error is already recorded.
  void Fail(std::string_view problem);

  bool ok() const { return !failed_; }
  // OK, or InvalidArgument with the first recorded error.
  Status status() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool failed_ = false;
  std::string error_;
};

}  // namespace allot::api::internal
