// `allot kubectl ...`: the kubectl plugin (service/kubectl/plugin.h), also run when the binary is invoked
// as kubectl-allot.
#include <iostream>

#include "service/cli/command.h"
#include "service/kubectl/plugin.h"

namespace allot::cli {
namespace {

int RunKubectl(const std::vector<std::string>& args) { return svc::kubectl::RunPlugin(args, std::cout, std::cerr); }

}  // namespace

ALLOT_REGISTER_COMMAND("kubectl", "the kubectl allot plugin: inventory, explain, simulate (also as kubectl-allot)",
                       RunKubectl);

}  // namespace allot::cli
