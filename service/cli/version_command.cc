// `allot version`: prints the version.
#include <cstdio>

#include "service/cli/command.h"

namespace allot::cli {
namespace {

int RunVersion(const std::vector<std::string>& /*args*/) {
  std::printf("allot 0.1.0 (Kubernetes DRA semantics of 1.37, resource.k8s.io/v1)\n");
  return 0;
}

}  // namespace

ALLOT_REGISTER_COMMAND("version", "print the version", RunVersion);

}  // namespace allot::cli
