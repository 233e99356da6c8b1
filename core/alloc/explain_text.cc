// Message helpers of the explain stages (explain_text.h).
#include "core/alloc/explain_text.h"

#include <algorithm>
#include <regex>
#include <utility>
#include <variant>

namespace allot::alloc::internal {
namespace {

struct ValueVisitor {
  std::string operator()(int64_t v) const { return std::to_string(v); }
  std::string operator()(bool v) const { return v ? "true" : "false"; }
  std::string operator()(const std::string& v) const { return v; }
  std::string operator()(const cel::Version& v) const { return v.text; }
  template <class T>
  std::string operator()(const std::vector<T>& list) const {
    std::string out = "[";
    for (size_t i = 0; i < list.size(); ++i) out += (i > 0 ? ", " : "") + (*this)(static_cast<T>(list[i]));
    return out + "]";
  }
};

std::string ValueText(const cel::AttributeValue& value) { return std::visit(ValueVisitor{}, value); }

}  // namespace


// "a (3), b (1), …" from counts, most frequent first, at most kListed entries.
std::string CountList(const std::map<std::string, size_t>& counts) {
  std::vector<std::pair<std::string, size_t>> v(counts.begin(), counts.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (size_t i = 0; i < v.size() && i < kListed; ++i) {
    if (i > 0) out += ", ";
    out += v[i].first + " (" + std::to_string(v[i].second) + ")";
  }
  if (v.size() > kListed) out += ", …";
  return out;
}

std::string TaintText(const model::Taint& taint) {
  std::string out = taint.key + (taint.value.empty() ? "" : "=" + taint.value) + ":" + taint.effect;
  if (taint.rule == nullptr) return out + " from ResourceSlice";
  return out + " from DeviceTaintRule " + *taint.rule;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string AttributeText(const model::Device& device, const std::string& key, const std::string& driver) {
  const model::Attribute* a = device.FindAttribute(key, driver);
  if (a == nullptr) return "(none)";
  if (!a->value) return "(unsupported)";
  return ValueText(*a->value);
}

std::string SelectorList(const std::vector<api::DeviceSelector>& selectors) {
  std::string out;
  for (const api::DeviceSelector& s : selectors) {
    if (!s.cel) continue;
    out += (out.empty() ? "" : " && ") + s.cel->expression;
  }
  return out;
}

// The attributes and capacities a selector expression reads (`device.attributes['dom'].id`,
// `device.capacity['dom'].id`, `device.driver`), with the values the given devices have: "seen: …". Only
// for the message: the decision is the selector's own evaluation.
std::string SeenValues(const std::vector<api::DeviceSelector>& selectors, const index::NodePools& pools,
                       const std::vector<uint32_t>& devices) {
  static const std::regex kRef(R"(device\.(attributes|capacity)\[\s*['"]([^'"]+)['"]\s*\]\.([A-Za-z_][A-Za-z0-9_]*))");
  std::vector<std::pair<bool, std::string>> keys;  // (is capacity, "domain/id")
  bool driver = false;
  for (const api::DeviceSelector& s : selectors) {
    if (!s.cel) continue;
    const std::string& text = s.cel->expression;
    driver |= text.find("device.driver") != std::string::npos;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kRef); it != std::sregex_iterator(); ++it) {
      std::pair<bool, std::string> key{(*it)[1] == "capacity", (*it)[2].str() + "/" + (*it)[3].str()};
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
    }
  }
  std::string out;
  auto add = [&](const std::string& name, const std::map<std::string, size_t>& counts) {
    out += (out.empty() ? "" : "; ") + name + " = " + CountList(counts);
  };
  if (driver) {
    std::map<std::string, size_t> counts;
    for (uint32_t i : devices) ++counts[pools.candidates[i].slice->driver];
    add("driver", counts);
  }
  for (const auto& [capacity, key] : keys) {
    std::map<std::string, size_t> counts;
    for (uint32_t i : devices) {
      const index::Candidate& c = pools.candidates[i];
      if (!capacity) {
        ++counts[AttributeText(*c.device, key, c.slice->driver)];
        continue;
      }
      const model::Capacity* cap = c.device->FindCapacity(key);
      const std::string id = key.substr(key.find('/') + 1);
      if (cap == nullptr && key.compare(0, key.find('/'), c.slice->driver) == 0) cap = c.device->FindCapacity(id);
      ++counts[cap == nullptr ? "(none)" : cap->value.ToString()];
    }
    add(key, counts);
  }
  return out.empty() ? "" : " (seen: " + out + ")";
}

// The position of `request` ("req" or "req/sub") among the subrequests of `req` (0 for a plain request).
size_t SubIndex(const api::DeviceRequest& req, const std::string& request) {
  for (size_t i = 0; i < req.first_available.size(); ++i) {
    if (request == req.name + "/" + req.first_available[i].name) return i;
  }
  return 0;
}

std::string DeviceId(const index::Candidate& c) { return c.slice->driver + "/" + c.slice->pool + "/" + c.device->name; }

}  // namespace allot::alloc::internal
