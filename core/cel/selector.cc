#include "core/cel/selector.h"

#include <array>
#include <mutex>

namespace allot::cel {
namespace {

std::optional<SizeEstimate> DraSizes(const std::vector<std::string>& path) {
  // Declared maxima (cel.md 1.8): 32 entries per attributes/capacity map level, domain <= 63,
  // id <= 32, driver <= 63, attribute values (strings, lists) <= max(64, 48) = 64.
  if (path.empty() || path[0] != "device") return std::nullopt;
  if (path.size() == 2 && path[1] == "driver") return SizeEstimate{0, 63};
  if (path.size() < 2 || (path[1] != "attributes" && path[1] != "capacity")) return std::nullopt;
  switch (path.size()) {
    case 2: return SizeEstimate{0, 32};
    case 3: return path[2] == "@keys" ? SizeEstimate{0, 63} : SizeEstimate{0, 32};
    case 4: return path[3] == "@keys" ? SizeEstimate{0, 32} : SizeEstimate{0, 64};
    case 5: return SizeEstimate{0, 64};
    default: return std::nullopt;
  }
}

std::shared_ptr<const Environment> BuildDra(const EnvOptions& o) {
  const bool dyn_values = o.stored_expressions || o.list_type_attributes;
  const bool multi = o.stored_expressions || o.consumable_capacity;
  Type v = dyn_values ? Type::Dyn() : Type::Any();
  ObjectTypeDecl device{"kubernetes.DRADevice",
                        {{"driver", Type::String()},
                         {"attributes", Type::Map(Type::String(), Type::Map(Type::String(), v))},
                         {"capacity", Type::Map(Type::String(), Type::Map(Type::String(), Type::Quantity()))}}};
  if (multi) device.fields.emplace_back("allowMultipleAllocations", Type::Bool());
  EnvironmentConfig cfg;
  cfg.variables.push_back({"device", Type::Object("kubernetes.DRADevice")});
  cfg.object_types.push_back(std::move(device));
  cfg.size_estimator = &DraSizes;
  cfg.declare_includes = dyn_values;
  auto env = Environment::Create(std::move(cfg));
  return env.ok() ? *env : nullptr;
}

}  // namespace

std::shared_ptr<const Environment> DraEnvironment(const EnvOptions& options) {
  // 8 combinations, built lazily once each.
  static std::array<std::shared_ptr<const Environment>, 8> envs;
  static std::array<std::once_flag, 8> once;
  size_t i = (options.stored_expressions ? 4 : 0) + (options.consumable_capacity ? 2 : 0) +
             (options.list_type_attributes ? 1 : 0);
  std::call_once(once[i], [&] { envs[i] = BuildDra(options); });
  return envs[i];
}

StatusOr<std::shared_ptr<const Selector>> CompileSelector(std::string_view expression, const EnvOptions& options) {
  if (expression.size() > kMaxSelectorExpressionBytes) {
    return InvalidArgumentError("Too long: may not be more than " + std::to_string(kMaxSelectorExpressionBytes) +
                                " bytes");
  }
  auto env = DraEnvironment(options);
  if (env == nullptr) return InternalError("DRA CEL environment failed to build");
  auto program = Program::Compile(expression, env);
  if (!program.ok()) return InvalidArgumentError("compilation failed: " + std::string(program.status().message()));
  const Type& t = (*program)->result_type();
  if (t.kind() != TypeKind::kBool && t.kind() != TypeKind::kDyn && t.kind() != TypeKind::kAny) {
    return InvalidArgumentError("must evaluate to bool or the unknown type, not " + t.ToString());
  }
  if (!options.stored_expressions && (*program)->estimated_cost().max > kSelectorMaxCost) {
    return InvalidArgumentError("too complex, exceeds cost limit");
  }
  return std::make_shared<const Selector>(std::move(*program));
}

StatusOr<bool> Selector::Evaluate(const Device& device) const { return Evaluate(device, kSelectorMaxCost); }

StatusOr<bool> Selector::Evaluate(const Device& device, uint64_t cost_limit) const {
  if (!device.prepare_error().empty()) return InvalidArgumentError(device.prepare_error());
  Value r = program_->Evaluate(std::span<const Value>(&device.value(), 1), cost_limit);
  if (r.is_bool()) return r.bool_value();
  if (r.is_error()) return InvalidArgumentError(std::string(r.error_message()));
  return InvalidArgumentError("CEL result of type " + std::string(r.TypeNameOf()) + " could not be converted to bool");
}

StatusOr<std::shared_ptr<const Selector>> CompileCache::Get(std::string_view expression, const EnvOptions& options) {
  std::string key;
  key.reserve(expression.size() + 4);
  key.push_back(options.stored_expressions ? 'S' : 's');
  key.push_back(options.consumable_capacity ? 'C' : 'c');
  key.push_back(options.list_type_attributes ? 'L' : 'l');
  key.push_back(':');
  key.append(expression);
  {
    MutexLock lock(mu_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->selector;
    }
  }
  auto compiled = CompileSelector(expression, options);  // outside the lock
  if (!compiled.ok()) return compiled.status();
  MutexLock lock(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->selector;
  }
  lru_.push_front(Entry{key, *compiled});
  index_[key] = lru_.begin();
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  return *compiled;
}

size_t CompileCache::size() const {
  MutexLock lock(mu_);
  return lru_.size();
}

}  // namespace allot::cel
