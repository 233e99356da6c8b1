#include "api/codec.h"

#include <string>

namespace allot::api {

StatusOr<nlohmann::json> ParseJson(std::string_view text) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix; keep "parse error at line ...".
    std::string_view what = e.what();
    if (auto pos = what.find("] "); pos != std::string_view::npos) what.remove_prefix(pos + 2);
    return InvalidArgumentError("invalid JSON: " + std::string(what));
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(std::string("invalid JSON: ") + e.what());
  }
}

namespace internal {
Status CodecExceptionStatus(const char* what) {
  return InternalError(std::string("unexpected JSON exception while decoding: ") + what);
}
}  // namespace internal

}  // namespace allot::api
