// libFuzzer target for the api/ decoders (built with ALLOT_BUILD_FUZZERS=ON and clang).
//
// Invariants checked on arbitrary input: Decode never throws or crashes; a failure is InvalidArgument;
// a success re-encodes to JSON that decodes to an equal value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/codec.h"
#include "api/scenario.h"

namespace {

template <class T>
void Check(const nlohmann::json& json) {
  allot::StatusOr<T> value = allot::api::Decode<T>(json);
  if (!value.ok()) {
    if (value.status().code() != allot::StatusCode::kInvalidArgument) std::abort();
    return;
  }
  allot::StatusOr<T> again = allot::api::Decode<T>(allot::api::Encode(*value));
  if (!again.ok() || !(*again == *value)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  allot::StatusOr<nlohmann::json> json = allot::api::ParseJson(text);
  if (!json.ok()) {
    if (json.status().code() != allot::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  Check<allot::api::ExtenderArgs>(*json);
  Check<allot::api::ExtenderFilterResult>(*json);
  Check<allot::api::ExtenderBindingArgs>(*json);
  Check<allot::api::ResourceSlice>(*json);
  Check<allot::api::ResourceClaim>(*json);
  Check<allot::api::WatchEvent>(*json);
  Check<allot::api::Scenario>(*json);
  return 0;
}
