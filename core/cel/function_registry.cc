#include "core/cel/function_registry.h"

#include <cstring>
#include <utility>

namespace allot::cel {

Status FunctionRegistry::Add(Overload overload) {
  if (overload.impl == nullptr) return InvalidArgumentError("overload " + overload.id + " has no implementation");
  if (overload.receiver_style && overload.params.empty()) {
    return InvalidArgumentError("receiver-style overload " + overload.id + " has no receiver parameter");
  }
  if (by_id_.count(overload.id) != 0) return InvalidArgumentError("duplicate overload id " + overload.id);
  overloads_.push_back(std::make_unique<Overload>(std::move(overload)));
  const Overload* o = overloads_.back().get();
  by_id_[o->id] = o;
  (o->receiver_style ? member_ : global_)[o->function].push_back(o);
  return OkStatus();
}

const std::vector<const Overload*>& FunctionRegistry::Find(std::string_view function, bool receiver_style) const {
  static const std::vector<const Overload*> kEmpty;
  const auto& table = receiver_style ? member_ : global_;
  auto it = table.find(std::string(function));
  return it == table.end() ? kEmpty : it->second;
}

bool FunctionRegistry::HasFunction(std::string_view function) const {
  std::string f(function);
  return member_.count(f) != 0 || global_.count(f) != 0;
}

const Overload* FunctionRegistry::FindById(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : it->second;
}

void OverloadAdder::Global(std::string function, std::string id, std::vector<Type> params, Type result,
                           FunctionImpl impl, OverloadHooks hooks) {
  Add(false, std::move(function), std::move(id), std::move(params), std::move(result), impl, hooks);
}

void OverloadAdder::Member(std::string function, std::string id, std::vector<Type> params, Type result,
                           FunctionImpl impl, OverloadHooks hooks) {
  Add(true, std::move(function), std::move(id), std::move(params), std::move(result), impl, hooks);
}

void OverloadAdder::Add(bool receiver_style, std::string function, std::string id, std::vector<Type> params,
                        Type result, FunctionImpl impl, OverloadHooks hooks) {
  if (!status_.ok()) return;
  status_ = registry_.Add(Overload{.function = std::move(function),
                                   .id = std::move(id),
                                   .receiver_style = receiver_style,
                                   .params = std::move(params),
                                   .result = std::move(result),
                                   .impl = impl,
                                   .estimate_cost = hooks.estimate_cost,
                                   .runtime_cost = hooks.runtime_cost,
                                   .prepare = hooks.prepare});
}

uint64_t ActualSize(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kString: {
      // Code points = bytes - continuation bytes (10xxxxxx), counted 8 bytes at a time.
      std::string_view s = v.string_value();
      uint64_t continuation = 0;
      size_t i = 0;
      constexpr uint64_t kHigh = 0x8080808080808080ULL;
      for (; i + 8 <= s.size(); i += 8) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        const uint64_t marks = ((w & kHigh) & ~((w << 1) & kHigh)) >> 7;  // one bit per continuation byte
        continuation += (marks * 0x0101010101010101ULL) >> 56;
      }
      for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++continuation;
      }
      return s.size() - continuation;
    }
    case ValueKind::kBytes: return v.bytes_value().size();
    case ValueKind::kList: return v.list_value().size();
    case ValueKind::kMap: return v.map_value().size();
    default: return 1;
  }
}

}  // namespace allot::cel
