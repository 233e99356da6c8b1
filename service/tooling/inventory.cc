#include "service/tooling/inventory.h"

#include <array>
#include <vector>

#include "core/alloc/inventory.h"
#include "core/alloc/pool_views.h"

namespace allot::svc {
namespace {

std::string CheckValue(const std::string& value) {
  if (value.empty()) return "must not be empty";
  if (value.size() > 253) return "longer than 253 bytes";
  for (unsigned char c : value) {
    if (c <= ' ' || c == 0x7f) return "contains whitespace or control characters";
  }
  return "";
}

Json QuantityJson(const alloc::QuantityUsage& u) {
  return {{"name", u.name}, {"total", u.total.ToString()}, {"consumed", u.consumed.ToString()},
          {"available", u.available.ToString()}};
}

Json PoolJson(const alloc::PoolInventory& p) {
  Json out = {{"driver", p.driver}, {"pool", p.pool}};
  if (p.node) out["node"] = *p.node;
  out["generation"] = p.generation;
  if (p.counts) {
    out["resourceSliceCount"] = p.counts->resource_slice_count;
    out["totalDevices"] = p.counts->total_devices;
    out["allocatedDevices"] = p.counts->allocated_devices;
    out["availableDevices"] = p.counts->available_devices;
    out["unavailableDevices"] = p.counts->unavailable_devices;
  }
  if (p.validation_error) out["validationError"] = *p.validation_error;
  if (!p.counter_sets.empty()) {
    Json sets = Json::array();
    for (const auto& cs : p.counter_sets) {
      Json counters = Json::array();
      for (const auto& c : cs.counters) counters.push_back(QuantityJson(c));
      sets.push_back({{"name", cs.name}, {"counters", counters}});
    }
    out["counterSets"] = sets;
  }
  if (!p.shared_devices.empty()) {
    Json devices = Json::array();
    for (const auto& d : p.shared_devices) {
      Json capacity = Json::array();
      for (const auto& c : d.capacity) capacity.push_back(QuantityJson(c));
      devices.push_back({{"device", d.device}, {"inUse", d.in_use}, {"capacity", capacity}});
    }
    out["sharedDevices"] = devices;
  }
  if (!p.partition_summary.empty()) {
    Json types = Json::array();
    for (const auto& t : p.partition_summary) {
      types.push_back({{"attribute", t.attribute}, {"type", t.type}, {"total", t.total}, {"allocatable", t.allocatable}});
    }
    out["partitionSummary"] = types;
  }
  if (p.shareable_summary) {
    Json capacity = Json::array();
    for (const auto& c : p.shareable_summary->capacity) {
      capacity.push_back({{"name", c.name}, {"total", c.total.ToString()}, {"consumed", c.consumed.ToString()},
                          {"available", c.available.ToString()}});
    }
    out["shareableSummary"] = {{"fullyAvailableDevices", p.shareable_summary->fully_available_devices},
                               {"partiallyAvailableDevices", p.shareable_summary->partially_available_devices},
                               {"capacity", capacity}};
  }
  return out;
}

Json ClassJson(const alloc::ClassNodeInventory& c) {
  Json row = {{"class", c.device_class}, {"node", c.node}, {"devices", c.devices}, {"free", c.free}};
  if (!c.error.empty()) row["error"] = c.error;
  if (!c.partitions.empty()) {
    Json parts = Json::array();
    for (const auto& p : c.partitions) {
      parts.push_back({{"attribute", p.attribute}, {"type", p.type}, {"devices", p.devices}, {"free", p.free},
                       {"allocatable", p.allocatable}});
    }
    row["partitions"] = parts;
  }
  return row;
}



}  // namespace

VerbReply Inventory(const VerbContext& ctx, const QueryParams& params) {
  static constexpr std::array<const char*, 5> kKnown = {"driver", "pool", "node", "class", "partitionTypeAttribute"};
  alloc::InventoryFilter filter;
  filter.default_partition_type_attribute = ctx.options.partition_type_attribute;  // the query overrides it
  for (const auto& [name, value] : params) {
    std::string* field = name == "driver" ? &filter.driver
                         : name == "pool" ? &filter.pool
                         : name == "node" ? &filter.node
                         : name == "class" ? &filter.device_class
                         : name == "partitionTypeAttribute" ? &filter.default_partition_type_attribute
                                                            : nullptr;
    if (field == nullptr) {
      std::string known;
      for (const char* k : kKnown) known += std::string(known.empty() ? "" : ", ") + k;
      return JsonErrorReply(400, "query parameter " + name + ": unknown (known: " + known + ")");
    }
    if (params.count(name) > 1) return JsonErrorReply(400, "query parameter " + name + ": given more than once");
    if (std::string problem = CheckValue(value); !problem.empty()) {
      return JsonErrorReply(400, "query parameter " + name + ": " + problem);
    }
    if (name == "partitionTypeAttribute" && !alloc::IsQualifiedAttributeName(value)) {
      return JsonErrorReply(400, "query parameter " + name +
                                     ": must be a fully qualified attribute name, <domain>/<name> (e.g. "
                                     "gpu.nvidia.com/profile)");
    }
    *field = value;
  }

  StatusOr<RequestState> state = LoadRequestState(ctx);
  if (!state.ok()) {
    return JsonErrorReply(state.status().code() == StatusCode::kUnavailable ? 503 : 500, std::string(state.status().message()));
  }
  const ClusterView& view = *state->view;
  if (!filter.node.empty() && view.FindNode(filter.node) == nullptr) {
    return JsonErrorReply(400, "query parameter node: node \"" + filter.node + "\" not found");
  }
  if (!filter.device_class.empty() && view.devices->FindClass(filter.device_class) == nullptr) {
    return JsonErrorReply(400, "query parameter class: device class \"" + filter.device_class + "\" not found");
  }
  std::vector<const model::Node*> nodes;
  nodes.reserve(view.nodes->size());
  for (const auto& [name, node] : *view.nodes) nodes.push_back(&node);
  std::vector<std::string> classes;
  for (const auto& [key, object] : view.store->of(ObjectKind::kDeviceClass)) {
    if (view.devices->FindClass(key) != nullptr) classes.push_back(key);  // cluster-scoped: the key is the name
  }
  alloc::Options options;
  options.cel_cache = &ctx.cel_cache;  // the shared cache: selector results come from the index's memo
  StatusOr<alloc::Inventory> inv =
      alloc::ComputeInventory(*view.devices, *state->allocated, nodes, classes, filter, ctx.options.features, options);
  if (!inv.ok()) return JsonErrorReply(500, std::string(inv.status().message()));

  Json pools = Json::array();
  for (const auto& p : inv->pools) pools.push_back(PoolJson(p));
  Json rows = Json::array();
  for (const auto& c : inv->classes) rows.push_back(ClassJson(c));
  size_t in_flight = 0;
  for (const auto& r : state->reservations) {
    if (view.allocated->keys.count(r.claim_key) == 0) ++in_flight;
  }
  return {200, DumpJson(Json{{"pools", pools}, {"classes", rows}, {"inFlightReservations", in_flight}})};
}

}  // namespace allot::svc
