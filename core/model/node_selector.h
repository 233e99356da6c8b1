// Node selection as the allocator sees it: core/v1 NodeSelector (terms ORed, requirements ANDed)
// and the three ways a slice or device names where it is usable (nodeName, nodeSelector, allNodes).
//
// Matching follows the Kubernetes node-affinity rules: matchExpressions on labels (In, NotIn,
// Exists, DoesNotExist, Gt, Lt), matchFields on `metadata.name` (In, NotIn). A selector that
// cannot be parsed (unknown operator, wrong number of values, non-integer Gt/Lt) is an error,
// which the allocator treats as fatal, as the reference does.
//
// Thread safety: value types; immutable after construction.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace allot::model {

struct Node {
  std::string name;
  std::map<std::string, std::string> labels;
};

struct NodeSelectorRequirement {
  std::string key;
  std::string op;  // "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"
  std::vector<std::string> values;

  // Same key, operator and value *set* (order and duplicates ignored).
  bool SameAs(const NodeSelectorRequirement& other) const;
};

struct NodeSelectorTerm {
  std::vector<NodeSelectorRequirement> match_expressions;
  std::vector<NodeSelectorRequirement> match_fields;
  bool empty() const { return match_expressions.empty() && match_fields.empty(); }
};

struct NodeSelector {
  std::vector<NodeSelectorTerm> terms;
};

// Where a slice's (or, with perDeviceNodeSelection, a device's) devices are usable.
struct NodeSelection {
  std::optional<std::string> node_name;      // set and non-empty = node-local
  std::optional<NodeSelector> node_selector;
  bool all_nodes = false;
  bool any_set() const { return (node_name && !node_name->empty()) || node_selector || all_nodes; }
};

// Standard node-affinity match: terms ORed; an empty term matches nothing (as in
// k8s.io/component-helpers nodeaffinity). Errors describe the unparsable requirement.
StatusOr<bool> Matches(const NodeSelector& selector, const Node& node);

// nodeName → equal to node.name; allNodes → true; nodeSelector → Matches(); nothing → false.
StatusOr<bool> Matches(const NodeSelection& selection, const Node& node);

}  // namespace allot::model
