#include "service/kubectl/plugin_options.h"

#include <charconv>
#include <set>

namespace allot::svc::kubectl {
namespace {

// Flags that take a value, and the subcommands each may be given to (empty = every one).
struct FlagSpec {
  const char* long_name;
  char short_name;  // 0 = none
  std::set<std::string> commands;
};

const std::vector<FlagSpec>& Flags() {
  static const std::vector<FlagSpec> flags = {
      {"kubeconfig", 0, {}},
      {"context", 0, {}},
      {"namespace", 'n', {}},
      {"allot-url", 0, {}},
      {"allot-namespace", 0, {}},
      {"allot-service", 0, {}},
      {"allot-port", 0, {}},
      {"allot-scheme", 0, {}},
      {"request-timeout", 0, {}},
      {"output", 'o', {}},
      {"driver", 0, {"inventory"}},
      {"pool", 0, {"inventory"}},
      {"node", 0, {"inventory"}},
      {"class", 0, {"inventory"}},
      {"nodes", 0, {"explain", "simulate"}},
      {"filename", 'f', {"simulate"}},
      {"replicas", 0, {"simulate"}},
  };
  return flags;
}

const FlagSpec* FindLong(const std::string& name) {
  for (const auto& f : Flags()) {
    if (name == f.long_name) return &f;
  }
  return nullptr;
}

const FlagSpec* FindShort(char c) {
  for (const auto& f : Flags()) {
    if (f.short_name != 0 && f.short_name == c) return &f;
  }
  return nullptr;
}

StatusOr<int> ParseInt(const std::string& flag, const std::string& value, int min) {
  int out = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return InvalidArgumentError("--" + flag + ": not a number: \"" + value + "\"");
  }
  if (out < min) return InvalidArgumentError("--" + flag + ": must be at least " + std::to_string(min));
  return out;
}

std::vector<std::string> SplitCommas(const std::string& value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string::npos) comma = value.size();
    if (comma > start) out.push_back(value.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Status Apply(const std::string& flag, const std::string& value, PluginOptions& o) {
  if (flag == "kubeconfig") {
    o.kubeconfig = value;
  } else if (flag == "context") {
    o.context = value;
  } else if (flag == "namespace") {
    if (value.empty()) return InvalidArgumentError("--namespace: must not be empty");
    o.namespace_ = value;
  } else if (flag == "allot-url") {
    o.allot_url = value;
  } else if (flag == "allot-namespace") {
    o.allot_namespace = value;
  } else if (flag == "allot-service") {
    o.allot_service = value;
  } else if (flag == "allot-port") {
    o.allot_port = value;
  } else if (flag == "allot-scheme") {
    if (value != "http" && value != "https") return InvalidArgumentError("--allot-scheme: must be http or https");
    o.allot_scheme = value;
  } else if (flag == "request-timeout") {
    auto seconds = ParseInt(flag, value, 1);
    if (!seconds.ok()) return seconds.status();
    o.request_timeout_seconds = *seconds;
  } else if (flag == "output") {
    if (value == "json") {
      o.output = OutputFormat::kJson;
    } else if (value == "yaml") {
      o.output = OutputFormat::kYaml;
    } else {
      return InvalidArgumentError("--output: unknown format \"" + value + "\" (known: json, yaml)");
    }
  } else if (flag == "driver") {
    o.driver = value;
  } else if (flag == "pool") {
    o.pool = value;
  } else if (flag == "node") {
    o.node = value;
  } else if (flag == "class") {
    o.device_class = value;
  } else if (flag == "nodes") {
    for (auto& n : SplitCommas(value)) o.nodes.push_back(std::move(n));
  } else if (flag == "filename") {
    o.file = value;
  } else if (flag == "replicas") {
    auto n = ParseInt(flag, value, 1);
    if (!n.ok()) return n.status();
    o.replicas = *n;
  }
  return OkStatus();
}

// explain's pod argument: "pod/NAME", "pods/NAME", "po/NAME", or "pod NAME", or "NAME".
StatusOr<std::string> PodName(const std::vector<std::string>& positional) {
  auto is_pod_kind = [](const std::string& k) { return k == "pod" || k == "pods" || k == "po"; };
  if (positional.empty()) return InvalidArgumentError("explain: give the pod: explain pod/NAME [-n NAMESPACE]");
  std::string name;
  if (positional.size() == 2 && is_pod_kind(positional[0])) {
    name = positional[1];
  } else if (positional.size() == 1) {
    const std::string& arg = positional[0];
    auto slash = arg.find('/');
    if (slash == std::string::npos) {
      name = arg;
    } else if (is_pod_kind(arg.substr(0, slash))) {
      name = arg.substr(slash + 1);
    } else {
      return InvalidArgumentError("explain: only pods can be explained, not \"" + arg.substr(0, slash) + "\"");
    }
  } else {
    return InvalidArgumentError("explain: one pod at a time: explain pod/NAME [-n NAMESPACE]");
  }
  if (name.empty() || name.find('/') != std::string::npos) {
    return InvalidArgumentError("explain: bad pod name \"" + name + "\"");
  }
  return name;
}

}  // namespace

StatusOr<PluginOptions> ParsePluginArgs(const std::vector<std::string>& args) {
  PluginOptions o;
  std::vector<std::pair<std::string, std::string>> flags;  // (long name, value), applied once the command is known
  std::vector<std::string> positional;
  bool help = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      positional.insert(positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (a == "-h" || a == "--help") {
      help = true;
      continue;
    }
    const FlagSpec* spec = nullptr;
    std::optional<std::string> value;
    std::string shown = a;
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::string name = a.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        shown = "--" + name;
      }
      spec = FindLong(name);
    } else if (a.size() >= 2 && a[0] == '-' && a[1] != '-') {
      spec = FindShort(a[1]);
      shown = a.substr(0, 2);
      if (a.size() > 2) value = a[2] == '=' ? a.substr(3) : a.substr(2);
    } else {
      positional.push_back(a);
      continue;
    }
    if (spec == nullptr) return InvalidArgumentError("unknown flag " + shown + " (see kubectl allot --help)");
    if (!value) {
      if (i + 1 >= args.size()) return InvalidArgumentError("flag " + shown + " needs a value");
      value = args[++i];
    }
    flags.emplace_back(spec->long_name, *value);
  }
  if (help || positional.empty() || positional[0] == "help") {
    o.command = "help";
    return o;
  }
  o.command = positional[0];
  positional.erase(positional.begin());
  if (o.command != "inventory" && o.command != "explain" && o.command != "simulate") {
    return InvalidArgumentError("unknown command \"" + o.command + "\" (known: inventory, explain, simulate)");
  }
  for (const auto& [name, value] : flags) {
    const FlagSpec* spec = FindLong(name);
    if (!spec->commands.empty() && spec->commands.count(o.command) == 0) {
      return InvalidArgumentError("flag --" + name + " does not apply to " + o.command);
    }
    if (auto st = Apply(name, value, o); !st.ok()) return st;
  }
  if (o.command == "explain") {
    auto name = PodName(positional);
    if (!name.ok()) return name.status();
    o.pod_name = *name;
  } else if (!positional.empty()) {
    return InvalidArgumentError(o.command + ": unexpected argument \"" + positional[0] + "\"");
  }
  if (o.command == "simulate" && o.file.empty()) {
    return InvalidArgumentError("simulate: give the pod with -f pod.yaml (a Pod plus optional ResourceClaims and "
                                "ResourceClaimTemplates)");
  }
  return o;
}

std::string PluginUsage() {
  return R"(kubectl allot: ask allot (the DRA allocator) about devices: where capacity is, why a pod does not fit,
how many more would fit.

Usage:
  kubectl allot inventory [--driver D] [--pool P] [--node N] [--class C] [-o json|yaml]
  kubectl allot explain pod/NAME [-n NAMESPACE] [--nodes a,b] [-o json|yaml]
  kubectl allot simulate -f pod.yaml [--replicas N] [--nodes a,b] [-n NAMESPACE] [-o json|yaml]

  inventory   per pool: devices allocated / available / unavailable (KEP-5677 counts); per device class and
              node: devices selected and free (GET /api/v1/inventory)
  explain     per node: does the pod fit, and if not, the reason code for each claim and request
              (POST /api/v1/explain)
  simulate    place N copies of the pod one after another as the scheduler would, writing nothing
              (POST /api/v1/simulate); -f is a YAML or JSON file with a Pod and optional ResourceClaims and
              ResourceClaimTemplates ("-" reads standard input)

Flags:
  -o, --output json|yaml     print allot's answer instead of a table
  -n, --namespace NS         the pod's namespace (default: the kubeconfig context's namespace, else "default")
      --kubeconfig PATH      kubeconfig (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)
      --context NAME         kubeconfig context (default: current-context)
      --allot-url URL        talk to allot directly (e.g. http://localhost:8888); the kubeconfig is then only
                             read for the default namespace
      --allot-namespace NS   allot's Service namespace (default allot-system)
      --allot-service NAME   allot's Service name (default allot)
      --allot-port PORT      allot's Service port, number or name (default 8888)
      --allot-scheme SCHEME  http or https (default http)
      --request-timeout S    seconds to wait for an answer (default 30)

Without --allot-url, requests go through the API server's service proxy:
  /api/v1/namespaces/<allot-namespace>/services/<scheme>:<service>:<port>/proxy/api/v1/...
which needs RBAC "get" on services/proxy in allot's namespace.
)";
}

}  // namespace allot::svc::kubectl
