// Object and list metadata (k8s.io/apimachinery meta/v1) as allot sees it on the wire.
//
// Only the fields allot reads or must round-trip are modelled; unknown fields (managedFields, ...)
// are dropped on decode. Timestamps stay RFC 3339 strings. Strings and integers tagged `omitempty` in
// Go are omitted on encode when empty/zero; std::optional marks Go pointer fields (absent != zero).
//
// Thread safety: plain value types.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/internal/json_fwd.h"

namespace allot::api {

using StringMap = std::map<std::string, std::string>;

struct OwnerReference {
  std::string api_version;  // required
  std::string kind;         // required
  std::string name;         // required
  std::string uid;          // required
  std::optional<bool> controller;
  std::optional<bool> block_owner_deletion;
  bool operator==(const OwnerReference&) const = default;
};

struct ObjectMeta {
  std::string name;
  std::string generate_name;
  std::string namespace_;  // JSON "namespace"
  std::string uid;
  std::string resource_version;
  int64_t generation = 0;
  std::string creation_timestamp;                 // RFC 3339; empty = unset
  std::optional<std::string> deletion_timestamp;  // set = object is being deleted
  std::optional<int64_t> deletion_grace_period_seconds;
  StringMap labels;
  StringMap annotations;
  std::vector<std::string> finalizers;
  std::vector<OwnerReference> owner_references;
  bool operator==(const ObjectMeta&) const = default;
};

struct ListMeta {
  // Optional so that `"resourceVersion": ""` (as kubectl prints it) round-trips.
  std::optional<std::string> resource_version;
  std::string continue_token;  // JSON "continue"
  std::optional<int64_t> remaining_item_count;
  bool operator==(const ListMeta&) const = default;
};

// A list object: {"apiVersion", "kind", "metadata", "items"}. `metadata` and `items` are always
// encoded (Go does not omit them); api_version/kind are omitted when empty.
template <class T>
struct List {
  std::string api_version;
  std::string kind;
  ListMeta metadata;
  std::vector<T> items;
  bool operator==(const List&) const = default;
};

// meta/v1 Condition (used in ResourceClaim device status).
struct Condition {
  std::string type;
  std::string status;
  int64_t observed_generation = 0;
  std::string last_transition_time;
  std::string reason;
  std::string message;
  bool operator==(const Condition&) const = default;
};

// meta/v1 Status: the object of a watch ERROR event and of failed API calls (e.g. 410 Gone).
struct ApiStatus {
  std::string api_version;
  std::string kind;
  std::string status;  // "Success" | "Failure"
  std::string message;
  std::string reason;  // e.g. "Expired", "Conflict", "NotFound"
  int64_t code = 0;    // HTTP status code
  bool operator==(const ApiStatus&) const = default;
};

ALLOT_API_DECLARE_JSON(OwnerReference);
ALLOT_API_DECLARE_JSON(ObjectMeta);
ALLOT_API_DECLARE_JSON(ListMeta);
ALLOT_API_DECLARE_JSON(Condition);
ALLOT_API_DECLARE_JSON(ApiStatus);

}  // namespace allot::api
