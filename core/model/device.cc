#include "core/model/device.h"

namespace allot::model {
namespace {

// Splits "dom/id"; returns false when there is no '/'.
bool Split(const std::string& key, std::string_view* dom, std::string_view* id) {
  size_t slash = key.find('/');
  if (slash == std::string::npos) return false;
  *dom = std::string_view(key).substr(0, slash);
  *id = std::string_view(key).substr(slash + 1);
  return true;
}

}  // namespace

const Attribute* Device::FindAttribute(const std::string& fully_qualified, const std::string& driver) const {
  for (const auto& a : attributes) {
    if (a.key == fully_qualified) return &a;
  }
  std::string_view dom, id;
  if (Split(fully_qualified, &dom, &id) && dom == driver) {
    for (const auto& a : attributes) {
      if (a.key == id) return &a;
    }
  }
  return nullptr;
}

const Capacity* Device::FindCapacity(const std::string& capacity_name) const {
  // Exact key match, as the reference looks capacity requests up in the device's map.
  for (const auto& c : capacity) {
    if (c.name == capacity_name) return &c;
  }
  return nullptr;
}

}  // namespace allot::model
