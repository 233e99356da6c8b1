// A CEL environment: declared variables, object types, functions and the size estimator used by the
// cost estimator. Built once, then immutable and shared by every program compiled in it.
//
// Thread safety: immutable after Create; safe to share across threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/cel/function_registry.h"
#include "core/cel/types.h"
#include "base/status.h"

namespace allot::cel {

struct VariableDecl {
  std::string name;
  Type type;
};

// A message-like object type (only kubernetes.DRADevice here): its fields and their types.
struct ObjectTypeDecl {
  std::string name;
  std::vector<std::pair<std::string, Type>> fields;
};

// Size of a value reached by a field path (cel-go's EstimateSize): path[0] is a variable, then field names,
// "@keys", "@values", "@items". nullopt when unknown.
using SizeEstimatorFn = std::optional<SizeEstimate> (*)(const std::vector<std::string>& path);

struct EnvironmentConfig {
  std::vector<VariableDecl> variables;
  std::vector<ObjectTypeDecl> object_types;
  SizeEstimatorFn size_estimator = nullptr;
  bool declare_includes = false;  // DRA `<dyn>.includes(<dyn>)` (DRAListTypeAttributes / 1.37 lists)
};

class Environment {
 public:
  // Registers the standard library, the Kubernetes libraries that are linked in, and the configuration.
  static StatusOr<std::shared_ptr<const Environment>> Create(EnvironmentConfig config);

  // The base environment without variables (for the cel-spec vectors and tests). Cached; thread-safe.
  static std::shared_ptr<const Environment> Base();

  const FunctionRegistry& registry() const { return registry_; }
  const std::vector<VariableDecl>& variables() const { return config_.variables; }
  const ObjectTypeDecl* FindObjectType(std::string_view name) const;
  int FindVariable(std::string_view name) const;  // index or -1
  SizeEstimatorFn size_estimator() const { return config_.size_estimator; }

 private:
  EnvironmentConfig config_;
  FunctionRegistry registry_;
};

// Registers the engine's own functions (operators, size, conversions, string functions, optionals, ...).
Status RegisterStandardLibrary(FunctionRegistry& registry);
// Registers `includes`.
Status RegisterIncludesFunction(FunctionRegistry& registry);

}  // namespace allot::cel
