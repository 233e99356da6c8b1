// kube-scheduler extender wire messages (k8s.io/kube-scheduler/extender/v1).
//
// The Go structs carry no json tags, so the JSON keys are the Go field names in PascalCase
// ("Pod", "NodeNames", "FailedNodes", ...). Go's decoder matches keys case-insensitively and so does
// ReadJson here; WriteJson emits the exact PascalCase names and, like Go, every field (an absent
// optional becomes `null`, an empty map `{}`).
//
// With `nodeCacheCapable: true` the scheduler sends NodeNames and expects NodeNames back; otherwise
// it sends and expects Nodes (a full NodeList).
//
// Thread safety: plain value types.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/internal/json_fwd.h"
#include "api/k8s/core_v1.h"

namespace allot::api {

inline constexpr int64_t kMinExtenderPriority = 0;
inline constexpr int64_t kMaxExtenderPriority = 10;

// Filter and prioritize request.
struct ExtenderArgs {
  Pod pod;                                            // "Pod"
  std::optional<NodeList> nodes;                      // "Nodes": non-cache mode only
  std::optional<std::vector<std::string>> node_names;  // "NodeNames": cache mode only
  bool operator==(const ExtenderArgs&) const = default;
};

// Filter response. A non-empty `error` makes the scheduler treat the whole call as failed.
struct ExtenderFilterResult {
  std::optional<NodeList> nodes;                       // "Nodes"
  std::optional<std::vector<std::string>> node_names;  // "NodeNames"
  std::map<std::string, std::string> failed_nodes;     // "FailedNodes": node -> reason
  std::map<std::string, std::string> failed_and_unresolvable_nodes;  // "FailedAndUnresolvableNodes"
  std::string error;                                                 // "Error"
  bool operator==(const ExtenderFilterResult&) const = default;
};

struct HostPriority {
  std::string host;   // "Host"
  int64_t score = 0;  // "Score", expected in [kMinExtenderPriority, kMaxExtenderPriority]
  bool operator==(const HostPriority&) const = default;
};
// Prioritize response: a JSON array of HostPriority.
using HostPriorityList = std::vector<HostPriority>;

// Bind request.
struct ExtenderBindingArgs {
  std::string pod_name;       // "PodName"
  std::string pod_namespace;  // "PodNamespace"
  std::string pod_uid;        // "PodUID"
  std::string node;           // "Node"
  bool operator==(const ExtenderBindingArgs&) const = default;
};

// Bind response; empty error = success.
struct ExtenderBindingResult {
  std::string error;  // "Error"
  bool operator==(const ExtenderBindingResult&) const = default;
};

struct MetaPod {
  std::string uid;  // "UID"
  bool operator==(const MetaPod&) const = default;
};

struct MetaVictims {
  std::vector<MetaPod> pods;       // "Pods"
  int64_t num_pdb_violations = 0;  // "NumPDBViolations"
  bool operator==(const MetaVictims&) const = default;
};

struct Victims {
  std::vector<Pod> pods;           // "Pods"
  int64_t num_pdb_violations = 0;  // "NumPDBViolations"
  bool operator==(const Victims&) const = default;
};

// Preempt request.
struct ExtenderPreemptionArgs {
  Pod pod;                                                                  // "Pod"
  std::optional<std::map<std::string, Victims>> node_name_to_victims;      // non-cache mode
  std::optional<std::map<std::string, MetaVictims>> node_name_to_meta_victims;  // cache mode
  bool operator==(const ExtenderPreemptionArgs&) const = default;
};

// Preempt response (always the meta form).
struct ExtenderPreemptionResult {
  std::map<std::string, MetaVictims> node_name_to_meta_victims;  // "NodeNameToMetaVictims"
  bool operator==(const ExtenderPreemptionResult&) const = default;
};

ALLOT_API_DECLARE_JSON(ExtenderArgs);
ALLOT_API_DECLARE_JSON(ExtenderFilterResult);
ALLOT_API_DECLARE_JSON(HostPriority);
ALLOT_API_DECLARE_JSON(ExtenderBindingArgs);
ALLOT_API_DECLARE_JSON(ExtenderBindingResult);
ALLOT_API_DECLARE_JSON(MetaPod);
ALLOT_API_DECLARE_JSON(MetaVictims);
ALLOT_API_DECLARE_JSON(Victims);
ALLOT_API_DECLARE_JSON(ExtenderPreemptionArgs);
ALLOT_API_DECLARE_JSON(ExtenderPreemptionResult);

}  // namespace allot::api
