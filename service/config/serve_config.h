// ServiceConfig: everything `allot serve` can be told, and the one table of its flags.
//
//   auto parsed = ParseServeFlags(args);          // "--listen", "127.0.0.1:0", "--score-policy=spread", ...
//   if (!parsed.ok()) ... parsed.status().message() names the flag
//   if (parsed->help) std::fputs(ServeHelp().c_str(), stdout);
//
// Every flag is one row of kServeFlags in serve_config.cc: its name, value placeholder, help text and how it
// sets the config. The parser and the --help text both come from that row, so a flag cannot be parsed without
// being in --help; tests/service/config/serve_config_test.cc checks that docs/service.md names every row.
// Values are validated when parsed: a bad value is kInvalidArgument naming the flag, never a default silently
// used.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"
#include "service/extender/extender_options.h"
#include "service/http/server.h"
#include "service/watch/reflector.h"

namespace allot::svc {

struct ServiceConfig {
  std::string kubeconfig;          // empty: in-cluster if available, else the demo cluster
  std::string context;             // kubeconfig context override
  std::string demo_dir = "deploy/demo";
  bool force_demo = false;         // --demo DIR given explicitly
  HttpServerOptions http;
  std::string url_prefix = "/allot";
  bool tooling_auth_delegated = false;  // --tooling-auth=delegated: TokenReview + SubjectAccessReview
  ExtenderOptions extender;        // allocation: feature gates, score policy, fan-out, deadlines, budgets
  ReflectorOptions reflector;
  std::string log_format = "text";  // text | json
  int verbosity = 0;                // -1 warnings only, 0 info, 1 debug, 2 trace
};

struct ParsedServeFlags {
  ServiceConfig config;
  bool help = false;  // --help / -h was given
};

// Parses `allot serve` arguments over the defaults of ServiceConfig. Accepts --name VALUE, --name=VALUE and
// -v N. kInvalidArgument for an unknown flag, a missing value, or a value out of range.
StatusOr<ParsedServeFlags> ParseServeFlags(const std::vector<std::string>& args);

// The --help text, generated from the flag table.
std::string ServeHelp();

// Every flag's name without dashes ("kubeconfig", ..., "v"), in table order.
std::vector<std::string> ServeFlagNames();

}  // namespace allot::svc
