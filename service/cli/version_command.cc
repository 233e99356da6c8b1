// `allot version`: prints the version and the commit the binary was built from (cmake/build_version.cmake).
#include <cstdio>

#include "service/cli/command.h"

namespace allot {
extern const char kBuildCommit[];  // build_version.cc, generated
}  // namespace allot

namespace allot::cli {
namespace {

int RunVersion(const std::vector<std::string>& /*args*/) {
  std::printf("allot 0.1.0 commit %s (Kubernetes DRA semantics of 1.37, resource.k8s.io/v1)\n", kBuildCommit);
  return 0;
}

}  // namespace

ALLOT_REGISTER_COMMAND("version", "print the version", RunVersion);

}  // namespace allot::cli
