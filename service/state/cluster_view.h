// ClusterView: everything the extender verbs (and the tooling routes) read, at one store revision.
//
//   store snapshot ──ClusterViewBuilder──▶ ClusterView { devices, nodes, claims, allocated }
//
// A view is immutable and shared: a request loads one shared_ptr<const ClusterView> (ClusterViewPublisher::
// Current) and reads it for its whole life. Nothing on the request path decodes JSON or rebuilds state: the
// device index, the node map, every ResourceClaim's decoding and the allocated state of the allocated claims
// are built when the watched objects change, and each part is shared with the previous view when its inputs
// did not change.
//
// Names, so that "snapshot" means one thing per layer:
//   StoreSnapshot    (service/store)  the watched objects at one revision, as JSON (slices converted)
//   index::Snapshot  (core/index)     the allocator's device index: pools, devices, classes, memos
//   ClusterView      (service/state)  a StoreSnapshot plus what was derived from it for the verbs
//
// Thread safety: immutable after construction; the memos inside `devices` are internally synchronised.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api/k8s/resource_v1.h"
#include "base/status.h"
#include "core/index/allocated_state.h"
#include "core/index/snapshot.h"
#include "core/model/node_selector.h"
#include "service/store/cluster_store.h"

namespace allot::svc {

using NodeMap = std::unordered_map<std::string, model::Node>;  // by node name

// One ResourceClaim of the store with its decoding.
struct DecodedClaim {
  std::shared_ptr<const Json> object;               // as stored (bind's writes start from it)
  std::shared_ptr<const api::ResourceClaim> claim;  // nullptr when the object does not decode
  Status status;                                    // why `claim` is nullptr
};
using ClaimTable = std::map<std::string, std::shared_ptr<const DecodedClaim>>;  // by "ns/name", in key order

// The claims with status.allocation and what they hold.
struct AllocatedClaims {
  std::vector<std::shared_ptr<const api::ResourceClaim>> claims;
  std::unordered_set<std::string> keys;                   // "ns/name" of every claim in `claims`
  std::shared_ptr<const index::AllocatedState> state;     // built against the view's `devices`
};

struct ClusterView {
  std::shared_ptr<const StoreSnapshot> store;  // what the view was built from
  std::shared_ptr<const index::Snapshot> devices;
  std::shared_ptr<const NodeMap> nodes;
  std::shared_ptr<const ClaimTable> claims;
  std::shared_ptr<const AllocatedClaims> allocated;
  // Objects left out of `devices` because they did not decode or convert ("ResourceSlice KEY: message").
  std::shared_ptr<const std::vector<std::string>> problems;

  // nullptr if absent.
  const model::Node* FindNode(const std::string& name) const;
  const DecodedClaim* FindClaim(const std::string& key) const;
};

}  // namespace allot::svc
