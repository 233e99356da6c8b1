#include "service/state/cluster_view.h"

namespace allot::svc {

const model::Node* ClusterView::FindNode(const std::string& name) const {
  auto it = nodes->find(name);
  return it == nodes->end() ? nullptr : &it->second;
}

const DecodedClaim* ClusterView::FindClaim(const std::string& key) const {
  auto it = claims->find(key);
  return it == claims->end() ? nullptr : it->second.get();
}

}  // namespace allot::svc
