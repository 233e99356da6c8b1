// `kubectl allot`: the kubectl plugin over allot's tooling API (issue 13 §5; docs/tooling.md, "kubectl allot").
//
// The allot binary runs it when invoked as `kubectl-allot` (a symlink the build creates next to it, found by
// kubectl on PATH) and as `allot kubectl …`. Subcommands and flags: plugin_options.h. Each subcommand is one
// request to allot (AllotEndpoint: --allot-url or the API server's service proxy):
//   inventory   GET  /api/v1/inventory?driver=&pool=&node=&class=
//   explain     POST /api/v1/explain   {"podRef": {"namespace", "name"}, "nodes"?}
//   simulate    POST /api/v1/simulate  (simulate_body.h)
// and prints the answer as a table (answer_tables.h), or with -o json / -o yaml the answer itself (pretty JSON
// / YAML that parses back to it).
//
// Exit status: 0 on a 2xx answer; 1 on any error, printed to `err` as "error: <message>": bad flags, an
// unreadable kubeconfig or file, allot or the API server unreachable, or a non-2xx answer (allot's
// {"error": …} message, or the API server's Status message, e.g. a missing service or RBAC refusal).
//
// Thread safety: reentrant; reads the environment (KUBECONFIG, HOME) and, for `-f -`, standard input.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace allot::svc::kubectl {

int RunPlugin(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace allot::svc::kubectl
