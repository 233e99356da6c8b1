#include "tests/testutil/cluster.h"

#include <fstream>
#include <sstream>

#include "api/codec.h"
#include "core/index/from_api.h"

namespace allot::testutil {
namespace {

template <class T>
Status Add(const nlohmann::json& j, std::vector<T>& out) {
  StatusOr<T> v = api::Decode<T>(j);
  if (!v.ok()) return v.status();
  out.push_back(std::move(v).value());
  return OkStatus();
}

Status AddItem(const nlohmann::json& item, Objects& out) {
  const std::string kind = item.value("kind", "");
  if (kind == "ResourceSlice") return Add(item, out.slices);
  if (kind == "DeviceClass") return Add(item, out.classes);
  if (kind == "ResourceClaim") return Add(item, out.claims);
  if (kind == "Node") return Add(item, out.nodes);
  if (kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0 && item.contains("items")) {
    for (const auto& sub : item["items"]) {
      nlohmann::json copy = sub;
      if (!copy.contains("kind") && kind != "List") copy["kind"] = kind.substr(0, kind.size() - 4);
      Status st = AddItem(copy, out);
      if (!st.ok()) return st;
    }
  }
  return OkStatus();
}

}  // namespace

Status LoadObjects(const std::string& path, Objects& out) {
  std::ifstream in(path);
  if (!in) return NotFoundError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  StatusOr<nlohmann::json> j = api::ParseJson(ss.str());
  if (!j.ok()) return j.status().WithPrefix(path);
  return AddItem(*j, out);
}

std::shared_ptr<const index::Snapshot> BuildSnapshot(const std::vector<api::ResourceSlice>& slices,
                                                     const std::vector<api::DeviceClass>& classes) {
  return index::BuildSnapshot(slices, classes).snapshot;  // unconvertible slices are left out
}

index::AllocatedState BuildState(const index::Snapshot& snapshot, const std::vector<api::ResourceClaim>& allocated,
                                 bool consumable_capacity) {
  return index::BuildAllocatedState(snapshot, allocated, consumable_capacity).state;  // problems ignored
}

api::ResourceClaim MakeClaim(const std::string& name, const std::string& device_class, int64_t count,
                             const std::string& selector) {
  api::ResourceClaim c;
  c.metadata.name = name;
  c.metadata.namespace_ = "default";
  api::DeviceRequest r;
  r.name = "req-0";
  api::ExactDeviceRequest ex;
  ex.device_class_name = device_class;
  ex.allocation_mode = "ExactCount";
  ex.count = count;
  if (!selector.empty()) ex.selectors.push_back(api::DeviceSelector{api::CelDeviceSelector{selector}});
  r.exactly = ex;
  c.spec.devices.requests.push_back(r);
  return c;
}

api::DeviceClass MakeClass(const std::string& name, const std::string& selector) {
  api::DeviceClass c;
  c.metadata.name = name;
  if (!selector.empty()) c.spec.selectors.push_back(api::DeviceSelector{api::CelDeviceSelector{selector}});
  return c;
}

SliceBuilder::SliceBuilder(std::string name, std::string driver, std::string pool, std::string node) {
  slice_.metadata.name = std::move(name);
  slice_.spec.driver = std::move(driver);
  slice_.spec.pool.name = std::move(pool);
  slice_.spec.pool.generation = 1;
  slice_.spec.pool.resource_slice_count = 1;
  slice_.spec.node_name = std::move(node);
}

SliceBuilder& SliceBuilder::Generation(int64_t generation, int64_t count) {
  slice_.spec.pool.generation = generation;
  slice_.spec.pool.resource_slice_count = count;
  return *this;
}

SliceBuilder& SliceBuilder::Device(const std::string& name) {
  api::Device d;
  d.name = name;
  slice_.spec.devices.push_back(d);
  return *this;
}

SliceBuilder& SliceBuilder::IntAttr(const std::string& key, int64_t value) {
  slice_.spec.devices.back().attributes[key].int_value = value;
  return *this;
}

SliceBuilder& SliceBuilder::StringAttr(const std::string& key, const std::string& value) {
  slice_.spec.devices.back().attributes[key].string_value = value;
  return *this;
}

SliceBuilder& SliceBuilder::Capacity(const std::string& key, const std::string& quantity) {
  slice_.spec.devices.back().capacity[key].value = api::Quantity(quantity);
  return *this;
}

SliceBuilder& SliceBuilder::Consumes(const std::string& counter_set, const std::string& counter,
                                     const std::string& quantity) {
  auto& cc = slice_.spec.devices.back().consumes_counters;
  if (cc.empty() || cc.back().counter_set != counter_set) {
    api::DeviceCounterConsumption c;
    c.counter_set = counter_set;
    cc.push_back(c);
  }
  cc.back().counters[counter].value = api::Quantity(quantity);
  return *this;
}

SliceBuilder& SliceBuilder::CounterSet(const std::string& set, const std::string& counter,
                                       const std::string& quantity) {
  auto& sets = slice_.spec.shared_counters;
  if (sets.empty() || sets.back().name != set) {
    api::CounterSet s;
    s.name = set;
    sets.push_back(s);
  }
  sets.back().counters[counter].value = api::Quantity(quantity);
  return *this;
}

SliceBuilder& SliceBuilder::Taint(const std::string& key, const std::string& value, const std::string& effect) {
  api::DeviceTaint t;
  t.key = key;
  t.value = value;
  t.effect = effect;
  slice_.spec.devices.back().taints.push_back(t);
  return *this;
}

}  // namespace allot::testutil
