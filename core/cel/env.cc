#include "core/cel/env.h"

#include "core/cel/functions/libraries.h"
#include "base/status_macros.h"

namespace allot::cel {

StatusOr<std::shared_ptr<const Environment>> Environment::Create(EnvironmentConfig config) {
  auto env = std::shared_ptr<Environment>(new Environment());
  env->config_ = std::move(config);
  FunctionRegistry& r = env->registry_;
  ALLOT_RETURN_IF_ERROR(RegisterStandardLibrary(r));
#if ALLOT_CEL_HAVE_QUANTITY
  ALLOT_RETURN_IF_ERROR(RegisterQuantityLibrary(r));
#endif
#if ALLOT_CEL_HAVE_SEMVER
  ALLOT_RETURN_IF_ERROR(RegisterSemverLibrary(r));
#endif
#if ALLOT_CEL_HAVE_STRINGS
  ALLOT_RETURN_IF_ERROR(RegisterStringsLibrary(r));
#endif
#if ALLOT_CEL_HAVE_REGEX
  ALLOT_RETURN_IF_ERROR(RegisterRegexLibrary(r));
#endif
#if ALLOT_CEL_HAVE_LISTS
  ALLOT_RETURN_IF_ERROR(RegisterListsLibrary(r));
#endif
  if (env->config_.declare_includes) ALLOT_RETURN_IF_ERROR(RegisterIncludesFunction(r));
  return std::shared_ptr<const Environment>(std::move(env));
}

std::shared_ptr<const Environment> Environment::Base() {
  static const auto* kBase = [] {
    auto env = Create(EnvironmentConfig{});
    return new std::shared_ptr<const Environment>(env.ok() ? *env : nullptr);
  }();
  return *kBase;
}

const ObjectTypeDecl* Environment::FindObjectType(std::string_view name) const {
  for (const auto& t : config_.object_types) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

int Environment::FindVariable(std::string_view name) const {
  for (size_t i = 0; i < config_.variables.size(); ++i) {
    if (config_.variables[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace allot::cel
