// core/v1 subset: NodeSelector, Node and Pod fields that allot reads.
//
// NodeSelector is used by ResourceSlices and allocation results. Node and Pod are partial: the
// extender receives full Pods and Nodes, and everything not modelled here is dropped on decode.
//
// Thread safety: plain value types.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/internal/json_fwd.h"
#include "api/k8s/meta.h"
#include "api/k8s/quantity.h"

namespace allot::api {

// ---- NodeSelector -----------------------------------------------------------------------------

struct NodeSelectorRequirement {
  std::string key;       // required
  std::string operator_;  // required; JSON "operator": In, NotIn, Exists, DoesNotExist, Gt, Lt
  std::vector<std::string> values;
  bool operator==(const NodeSelectorRequirement&) const = default;
};

struct NodeSelectorTerm {
  std::vector<NodeSelectorRequirement> match_expressions;  // on node labels
  std::vector<NodeSelectorRequirement> match_fields;       // on node fields (metadata.name)
  bool operator==(const NodeSelectorTerm&) const = default;
};

// The terms are ORed. `nodeSelectorTerms` is always encoded (it is not omitempty in Go).
struct NodeSelector {
  std::vector<NodeSelectorTerm> node_selector_terms;
  bool operator==(const NodeSelector&) const = default;
};

// ---- Node -------------------------------------------------------------------------------------

struct Taint {
  std::string key;
  std::string value;
  std::string effect;
  std::string time_added;
  bool operator==(const Taint&) const = default;
};

struct NodeSpec {
  bool unschedulable = false;
  std::vector<Taint> taints;
  bool operator==(const NodeSpec&) const = default;
};

struct NodeCondition {
  std::string type;    // e.g. "Ready"
  std::string status;  // "True" | "False" | "Unknown"
  std::string last_heartbeat_time;
  std::string last_transition_time;
  std::string reason;
  std::string message;
  bool operator==(const NodeCondition&) const = default;
};

struct NodeStatus {
  std::map<std::string, Quantity> capacity;
  std::map<std::string, Quantity> allocatable;
  std::vector<NodeCondition> conditions;
  bool operator==(const NodeStatus&) const = default;
};

struct Node {
  std::string api_version;
  std::string kind;
  ObjectMeta metadata;
  NodeSpec spec;
  NodeStatus status;
  bool operator==(const Node&) const = default;
};
using NodeList = List<Node>;

// ---- Pod --------------------------------------------------------------------------------------

// spec.resourceClaims[]: exactly one of the two references should be set.
struct PodResourceClaim {
  std::string name;  // required
  std::optional<std::string> resource_claim_name;
  std::optional<std::string> resource_claim_template_name;
  bool operator==(const PodResourceClaim&) const = default;
};

// containers[].resources.claims[]: empty `request` = the whole claim.
struct ResourceClaimReference {
  std::string name;  // required
  std::string request;
  bool operator==(const ResourceClaimReference&) const = default;
};

struct ResourceRequirements {
  std::map<std::string, Quantity> limits;
  std::map<std::string, Quantity> requests;
  std::vector<ResourceClaimReference> claims;
  bool operator==(const ResourceRequirements&) const = default;
};

struct Container {
  std::string name;
  std::string image;
  ResourceRequirements resources;  // omitted on encode when empty
  bool operator==(const Container&) const = default;
};

struct PodSpec {
  std::string node_name;
  std::map<std::string, std::string> node_selector;  // labels a node must have (kube-scheduler's NodeAffinity)
  std::string scheduler_name;
  std::vector<PodResourceClaim> resource_claims;
  std::vector<Container> init_containers;
  std::vector<Container> containers;
  bool operator==(const PodSpec&) const = default;
};

// status.resourceClaimStatuses[]: absent resource_claim_name = intentionally no claim.
struct PodResourceClaimStatus {
  std::string name;  // required
  std::optional<std::string> resource_claim_name;
  bool operator==(const PodResourceClaimStatus&) const = default;
};

struct ContainerExtendedResourceRequest {
  std::string container_name;
  std::string resource_name;
  std::string request_name;
  bool operator==(const ContainerExtendedResourceRequest&) const = default;
};

struct PodExtendedResourceClaimStatus {
  std::vector<ContainerExtendedResourceRequest> request_mappings;
  std::string resource_claim_name;
  bool operator==(const PodExtendedResourceClaimStatus&) const = default;
};

struct PodStatus {
  std::string phase;  // Pending, Running, Succeeded, Failed, Unknown
  std::vector<PodResourceClaimStatus> resource_claim_statuses;
  std::optional<PodExtendedResourceClaimStatus> extended_resource_claim_status;
  bool operator==(const PodStatus&) const = default;
};

struct Pod {
  std::string api_version;
  std::string kind;
  ObjectMeta metadata;
  PodSpec spec;
  PodStatus status;
  bool operator==(const Pod&) const = default;
};
using PodList = List<Pod>;

ALLOT_API_DECLARE_JSON(NodeSelectorRequirement);
ALLOT_API_DECLARE_JSON(NodeSelectorTerm);
ALLOT_API_DECLARE_JSON(NodeSelector);
ALLOT_API_DECLARE_JSON(Taint);
ALLOT_API_DECLARE_JSON(NodeSpec);
ALLOT_API_DECLARE_JSON(NodeCondition);
ALLOT_API_DECLARE_JSON(NodeStatus);
ALLOT_API_DECLARE_JSON(Node);
ALLOT_API_DECLARE_JSON(NodeList);
ALLOT_API_DECLARE_JSON(PodResourceClaim);
ALLOT_API_DECLARE_JSON(ResourceClaimReference);
ALLOT_API_DECLARE_JSON(ResourceRequirements);
ALLOT_API_DECLARE_JSON(Container);
ALLOT_API_DECLARE_JSON(PodSpec);
ALLOT_API_DECLARE_JSON(PodResourceClaimStatus);
ALLOT_API_DECLARE_JSON(ContainerExtendedResourceRequest);
ALLOT_API_DECLARE_JSON(PodExtendedResourceClaimStatus);
ALLOT_API_DECLARE_JSON(PodStatus);
ALLOT_API_DECLARE_JSON(Pod);
ALLOT_API_DECLARE_JSON(PodList);

}  // namespace allot::api
