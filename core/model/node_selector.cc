#include "core/model/node_selector.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace allot::model {
namespace {

bool ParseInt(const std::string& s, int64_t* out) {
  const char* begin = s.data();
  const char* end = s.data() + s.size();
  if (begin != end && *begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, *out);
  return ec == std::errc() && ptr == end && begin != end;
}

StatusOr<bool> MatchRequirement(const NodeSelectorRequirement& r, const std::optional<std::string>& value) {
  if (r.op == "In" || r.op == "NotIn") {
    if (r.values.empty()) {
      return InvalidArgumentError("node selector: values must be non-empty for operator " + r.op + " on key " +
                                  r.key);
    }
    bool in = value && std::find(r.values.begin(), r.values.end(), *value) != r.values.end();
    return r.op == "In" ? in : !in;
  }
  if (r.op == "Exists" || r.op == "DoesNotExist") {
    if (!r.values.empty()) {
      return InvalidArgumentError("node selector: values must be empty for operator " + r.op + " on key " + r.key);
    }
    return r.op == "Exists" ? value.has_value() : !value.has_value();
  }
  if (r.op == "Gt" || r.op == "Lt") {
    int64_t want = 0;
    if (r.values.size() != 1 || !ParseInt(r.values[0], &want)) {
      return InvalidArgumentError("node selector: operator " + r.op + " on key " + r.key +
                                  " needs exactly one integer value");
    }
    int64_t have = 0;
    if (!value || !ParseInt(*value, &have)) return false;
    return r.op == "Gt" ? have > want : have < want;
  }
  return InvalidArgumentError("node selector: unsupported operator \"" + r.op + "\" on key " + r.key);
}

StatusOr<bool> MatchTerm(const NodeSelectorTerm& term, const Node& node) {
  if (term.empty()) return false;
  for (const auto& r : term.match_expressions) {
    auto it = node.labels.find(r.key);
    std::optional<std::string> value;
    if (it != node.labels.end()) value = it->second;
    StatusOr<bool> m = MatchRequirement(r, value);
    if (!m.ok()) return m;
    if (!*m) return false;
  }
  for (const auto& r : term.match_fields) {
    if (r.key != "metadata.name") {
      return InvalidArgumentError("node selector: unsupported field selector key " + r.key);
    }
    if (r.op != "In" && r.op != "NotIn") {
      return InvalidArgumentError("node selector: unsupported field selector operator " + r.op);
    }
    StatusOr<bool> m = MatchRequirement(r, node.name);
    if (!m.ok()) return m;
    if (!*m) return false;
  }
  return true;
}

}  // namespace

bool NodeSelectorRequirement::SameAs(const NodeSelectorRequirement& other) const {
  if (key != other.key || op != other.op) return false;
  std::set<std::string> a(values.begin(), values.end());
  std::set<std::string> b(other.values.begin(), other.values.end());
  return a == b;
}

StatusOr<bool> Matches(const NodeSelector& selector, const Node& node) {
  // Validate every term first, like the reference (the whole selector is parsed up front).
  bool matched = false;
  for (const auto& term : selector.terms) {
    StatusOr<bool> m = MatchTerm(term, node);
    if (!m.ok()) return m;
    matched = matched || *m;
  }
  return matched;
}

StatusOr<bool> Matches(const NodeSelection& selection, const Node& node) {
  if (selection.node_name && !selection.node_name->empty()) return *selection.node_name == node.name;
  if (selection.all_nodes) return true;
  if (selection.node_selector) return Matches(*selection.node_selector, node);
  return false;
}

}  // namespace allot::model
