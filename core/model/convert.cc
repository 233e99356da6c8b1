#include "core/model/convert.h"

#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>

#include "base/status_macros.h"

namespace allot::model {
namespace {

NodeSelectorRequirement RequirementToModel(const api::NodeSelectorRequirement& r) {
  return NodeSelectorRequirement{r.key, r.operator_, r.values};
}

api::NodeSelectorRequirement RequirementToApi(const NodeSelectorRequirement& r) {
  api::NodeSelectorRequirement out;
  out.key = r.key;
  out.operator_ = r.op;
  out.values = r.values;
  return out;
}

std::optional<cel::AttributeValue> ToAttributeValue(const api::DeviceAttribute& a) {
  if (a.int_value) return cel::AttributeValue(*a.int_value);
  if (a.bool_value) return cel::AttributeValue(*a.bool_value);
  if (a.string_value) return cel::AttributeValue(*a.string_value);
  if (a.version_value) return cel::AttributeValue(cel::Version{*a.version_value});
  if (a.ints && !a.ints->empty()) return cel::AttributeValue(*a.ints);
  if (a.bools && !a.bools->empty()) return cel::AttributeValue(*a.bools);
  if (a.strings && !a.strings->empty()) return cel::AttributeValue(*a.strings);
  if (a.versions && !a.versions->empty()) {
    std::vector<cel::Version> v;
    v.reserve(a.versions->size());
    for (const auto& s : *a.versions) v.push_back(cel::Version{s});
    return cel::AttributeValue(std::move(v));
  }
  return std::nullopt;
}

StatusOr<std::vector<Counter>> ToCounters(const std::map<std::string, api::Counter>& in) {
  std::vector<Counter> out;
  out.reserve(in.size());
  for (const auto& [name, c] : in) {
    ALLOT_ASSIGN_OR_RETURN(Quantity q, ToQuantity(c.value));
    out.push_back(Counter{name, std::move(q)});
  }
  return out;
}

// Appends `s` length-prefixed, so that concatenated fields cannot run into each other.
void AppendKeyField(std::string* key, std::string_view s) {
  key->append(std::to_string(s.size()));
  key->push_back(':');
  key->append(s);
}

void AppendAttributeValue(std::string* key, const cel::AttributeValue& v) {
  key->push_back(static_cast<char>('0' + v.index()));
  std::visit(
      [key](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, bool>) {
          AppendKeyField(key, std::to_string(x));
        } else if constexpr (std::is_same_v<T, std::string>) {
          AppendKeyField(key, x);
        } else if constexpr (std::is_same_v<T, cel::Version>) {
          AppendKeyField(key, x.text);
        } else {
          key->append(std::to_string(x.size()));
          key->push_back('[');
          for (const auto& e : x) {
            using E = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<E, std::string>) {
              AppendKeyField(key, e);
            } else if constexpr (std::is_same_v<E, cel::Version>) {
              AppendKeyField(key, e.text);
            } else {
              AppendKeyField(key, std::to_string(static_cast<int64_t>(e)));
            }
          }
        }
      },
      v);
}

// Prepared CEL views of the devices of one slice, by the identity of their input (CelKey). Devices of a
// partitionable GPU repeat the same attributes and capacities for every placement of a profile (an 8×H100
// DynamicMIG slice has 26 devices and a handful of distinct views), and a view is about 5 KB, so equal views
// are prepared once and shared. A cel::Device is immutable and carries no device name, so sharing it cannot
// change an evaluation.
using CelDeviceCache = std::unordered_map<std::string, std::shared_ptr<const cel::Device>>;

StatusOr<Device> DeviceToModel(const api::Device& d, const std::string& driver, CelDeviceCache* cel_cache) {
  Device out;
  out.name = d.name;
  cel::DeviceInput input;
  input.driver = driver;
  // Every field of `input`, values as written (a quantity's text determines the parsed Quantity, its
  // representation included, so equal keys mean equal inputs).
  std::string cel_key;
  AppendKeyField(&cel_key, driver);
  out.attributes.reserve(d.attributes.size());
  for (const auto& [key, attr] : d.attributes) {
    Attribute a{key, ToAttributeValue(attr)};
    if (!a.value) {
      out.has_unsupported_attribute = true;
    } else {
      if (a.value->index() >= 4) out.has_list_attribute = true;
      input.attributes.emplace_back(key, *a.value);
      cel_key.push_back('a');
      AppendKeyField(&cel_key, key);
      AppendAttributeValue(&cel_key, *a.value);
    }
    out.attributes.push_back(std::move(a));
  }
  out.capacity.reserve(d.capacity.size());
  for (const auto& [name, cap] : d.capacity) {
    Capacity c;
    c.name = name;
    ALLOT_ASSIGN_OR_RETURN(c.value, ToQuantity(cap.value));
    if (cap.request_policy) {
      CapacityRequestPolicy p;
      if (cap.request_policy->default_value) {
        ALLOT_ASSIGN_OR_RETURN(p.default_value, ToQuantity(*cap.request_policy->default_value));
      }
      for (const auto& v : cap.request_policy->valid_values) {
        ALLOT_ASSIGN_OR_RETURN(Quantity q, ToQuantity(v));
        p.valid_values.push_back(std::move(q));
      }
      if (cap.request_policy->valid_range && cap.request_policy->valid_range->min) {
        const auto& r = *cap.request_policy->valid_range;
        CapacityRange range;
        ALLOT_ASSIGN_OR_RETURN(range.min, ToQuantity(*r.min));
        if (r.max) {
          ALLOT_ASSIGN_OR_RETURN(range.max, ToQuantity(*r.max));
        }
        if (r.step) {
          ALLOT_ASSIGN_OR_RETURN(range.step, ToQuantity(*r.step));
        }
        p.valid_range = std::move(range);
      }
      c.request_policy = std::make_shared<const CapacityRequestPolicy>(std::move(p));
    }
    input.capacity.emplace_back(name, c.value);
    cel_key.push_back('c');
    AppendKeyField(&cel_key, name);
    AppendKeyField(&cel_key, cap.value.text);
    out.capacity.push_back(std::move(c));
  }
  out.consumes_counters.reserve(d.consumes_counters.size());
  for (const auto& cc : d.consumes_counters) {
    CounterConsumption m;
    m.counter_set = cc.counter_set;
    ALLOT_ASSIGN_OR_RETURN(m.counters, ToCounters(cc.counters));
    out.consumes_counters.push_back(std::move(m));
  }
  for (const auto& t : d.taints) out.taints.push_back(Taint{t.key, t.value, t.effect, nullptr});
  out.node_selection.node_name = d.node_name;
  if (d.node_selector) out.node_selection.node_selector = model::ToModel(*d.node_selector);
  out.node_selection.all_nodes = d.all_nodes.value_or(false);
  out.binds_to_node = d.binds_to_node.value_or(false);
  out.binding_conditions = d.binding_conditions;
  out.binding_failure_conditions = d.binding_failure_conditions;
  out.has_binding_conditions = !d.binding_conditions.empty();
  out.allow_multiple_allocations = d.allow_multiple_allocations.value_or(false);
  input.allow_multiple_allocations = d.allow_multiple_allocations;
  cel_key.push_back(d.allow_multiple_allocations ? (*d.allow_multiple_allocations ? 'T' : 'F') : '-');
  std::shared_ptr<const cel::Device>& cel = (*cel_cache)[std::move(cel_key)];
  if (cel == nullptr) cel = cel::Device::Prepare(std::move(input));
  out.cel = cel;
  return out;
}

}  // namespace

StatusOr<Quantity> ToQuantity(const api::Quantity& q) { return Quantity::Parse(q.text); }

api::Quantity ToApi(const Quantity& q) { return api::Quantity(q.ToString()); }

NodeSelector ToModel(const api::NodeSelector& s) {
  NodeSelector out;
  for (const auto& t : s.node_selector_terms) {
    NodeSelectorTerm term;
    for (const auto& r : t.match_expressions) term.match_expressions.push_back(RequirementToModel(r));
    for (const auto& r : t.match_fields) term.match_fields.push_back(RequirementToModel(r));
    out.terms.push_back(std::move(term));
  }
  return out;
}

api::NodeSelector ToApi(const NodeSelector& s) {
  api::NodeSelector out;
  for (const auto& t : s.terms) {
    api::NodeSelectorTerm term;
    for (const auto& r : t.match_expressions) term.match_expressions.push_back(RequirementToApi(r));
    for (const auto& r : t.match_fields) term.match_fields.push_back(RequirementToApi(r));
    out.node_selector_terms.push_back(std::move(term));
  }
  return out;
}

Node ToModel(const api::Node& node) {
  Node out;
  out.name = node.metadata.name;
  out.labels = node.metadata.labels;
  return out;
}

StatusOr<std::shared_ptr<const Slice>> ToModel(const api::ResourceSlice& slice) {
  auto out = std::make_shared<Slice>();
  out->name = slice.metadata.name;
  const auto& spec = slice.spec;
  out->driver = spec.driver;
  out->pool = spec.pool.name;
  out->generation = spec.pool.generation;
  out->resource_slice_count = spec.pool.resource_slice_count;
  out->node_selection.node_name = spec.node_name;
  if (spec.node_selector) out->node_selection.node_selector = ToModel(*spec.node_selector);
  out->node_selection.all_nodes = spec.all_nodes.value_or(false);
  out->has_per_device_node_selection_field = spec.per_device_node_selection.has_value();
  out->per_device_node_selection = spec.per_device_node_selection.value_or(false);
  out->devices.reserve(spec.devices.size());
  CelDeviceCache cel_cache;
  for (const auto& d : spec.devices) {
    StatusOr<Device> dev = DeviceToModel(d, spec.driver, &cel_cache);
    if (!dev.ok()) {
      return dev.status().WithPrefix("resourceslice " + slice.metadata.name + ", device " + d.name);
    }
    out->devices.push_back(std::move(dev).value());
  }
  out->partition_type_attribute = spec.partition_type_attribute.value_or("");
  out->shared_counters.reserve(spec.shared_counters.size());
  for (const auto& cs : spec.shared_counters) {
    CounterSet set;
    set.name = cs.name;
    StatusOr<std::vector<Counter>> counters = ToCounters(cs.counters);
    if (!counters.ok()) return counters.status().WithPrefix("resourceslice " + slice.metadata.name);
    set.counters = std::move(counters).value();
    out->shared_counters.push_back(std::move(set));
  }
  return std::shared_ptr<const Slice>(std::move(out));
}

std::shared_ptr<const DeviceClass> ToModel(const api::DeviceClass& device_class) {
  auto out = std::make_shared<DeviceClass>();
  out->name = device_class.metadata.name;
  out->source = device_class;
  return out;
}

api::DeviceAttribute ToApi(const Attribute& attribute) {
  api::DeviceAttribute out;
  if (!attribute.value) return out;
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int64_t>) {
          out.int_value = v;
        } else if constexpr (std::is_same_v<T, bool>) {
          out.bool_value = v;
        } else if constexpr (std::is_same_v<T, std::string>) {
          out.string_value = v;
        } else if constexpr (std::is_same_v<T, cel::Version>) {
          out.version_value = v.text;
        } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
          out.ints = v;
        } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
          out.bools = v;
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          out.strings = v;
        } else {
          std::vector<std::string> texts;
          for (const cel::Version& version : v) texts.push_back(version.text);
          out.versions = std::move(texts);
        }
      },
      *attribute.value);
  return out;
}

}  // namespace allot::model
