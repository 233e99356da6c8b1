// One event of a Kubernetes watch stream: {"type": "...", "object": {...}}.
//
// The object is kept as raw JSON so the watcher can decode it into the kind it watches
// (Decode<ResourceSlice>(event.object)) or, for ERROR events, into ApiStatus (410 Gone etc.).
//
// Thread safety: plain value type.
#pragma once

#include <string>

#include "api/internal/json_fwd.h"

namespace allot::api {

inline constexpr char kWatchAdded[] = "ADDED";
inline constexpr char kWatchModified[] = "MODIFIED";
inline constexpr char kWatchDeleted[] = "DELETED";
inline constexpr char kWatchBookmark[] = "BOOKMARK";
inline constexpr char kWatchError[] = "ERROR";

struct WatchEvent {
  std::string type;       // required: ADDED | MODIFIED | DELETED | BOOKMARK | ERROR
  nlohmann::json object;  // required: the object, undecoded
  bool operator==(const WatchEvent&) const = default;
};

ALLOT_API_DECLARE_JSON(WatchEvent);

}  // namespace allot::api
