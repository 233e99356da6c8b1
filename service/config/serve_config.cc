#include "service/config/serve_config.h"

#include <cerrno>
#include <cstdlib>
#include <string_view>

#include "core/alloc/pool_views.h"

namespace allot::svc {

namespace {

StatusOr<long> ParseLong(std::string_view flag, const std::string& value) {
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno == ERANGE) {
    return InvalidArgumentError("--" + std::string(flag) + ": not a number: '" + value + "'");
  }
  return v;
}

StatusOr<long> ParsePositive(std::string_view flag, const std::string& value) {
  auto v = ParseLong(flag, value);
  if (v.ok() && *v <= 0) return InvalidArgumentError("--" + std::string(flag) + " must be positive, got " + value);
  return v;
}

Status SetListen(ServiceConfig& c, const std::string& value) {
  auto colon = value.rfind(':');
  if (colon == std::string::npos) return InvalidArgumentError("--listen must be HOST:PORT");
  c.http.host = value.substr(0, colon);
  if (c.http.host.empty()) c.http.host = "0.0.0.0";
  auto port = ParseLong("listen", value.substr(colon + 1));
  if (!port.ok() || *port < 0 || *port > 65535) return InvalidArgumentError("--listen: bad port");
  c.http.port = static_cast<int>(*port);
  return OkStatus();
}

// Sets an integer member from a positive value.
template <class T, class Set>
Status Positive(std::string_view flag, const std::string& value, Set set) {
  auto v = ParsePositive(flag, value);
  if (!v.ok()) return v.status();
  set(static_cast<T>(*v));
  return OkStatus();
}

struct FlagSpec {
  const char* name;   // without the leading "--"
  const char* value;  // placeholder in --help
  const char* group;  // --help section
  const char* help;   // "\n" continues on the next line, aligned
  Status (*apply)(ServiceConfig& config, const std::string& value);
};

// The flags of `allot serve`, in --help order.
const FlagSpec kServeFlags[] = {
    {"kubeconfig", "PATH", "Cluster (first match wins)",
     "kubeconfig to use (token, client certificate, CA or insecure-skip-tls-verify)",
     [](ServiceConfig& c, const std::string& v) { c.kubeconfig = v; return OkStatus(); }},
    {"context", "NAME", "Cluster (first match wins)",
     "kubeconfig context instead of current-context\nwithout --kubeconfig: the in-cluster service account when "
     "running in a pod,\nelse the embedded demo cluster",
     [](ServiceConfig& c, const std::string& v) { c.context = v; return OkStatus(); }},
    {"demo", "DIR", "Cluster (first match wins)",
     "force the embedded demo cluster loaded from DIR (default deploy/demo); claims,\npods and bindings stay in "
     "memory; POST /api/v1/demo/objects creates claims/pods",
     [](ServiceConfig& c, const std::string& v) {
       c.demo_dir = v;
       c.force_demo = true;
       return OkStatus();
     }},
    {"listen", "HOST:PORT", "HTTP", "address to serve on (default 0.0.0.0:8888; port 0 = any free port)", SetListen},
    {"url-prefix", "PATH", "HTTP",
     "extra prefix for every route, matching the scheduler's urlPrefix (default /allot)",
     [](ServiceConfig& c, const std::string& v) { c.url_prefix = v; return OkStatus(); }},
    {"workers", "N", "HTTP", "HTTP worker threads = max concurrent connections (default 8)",
     [](ServiceConfig& c, const std::string& v) {
       return Positive<size_t>("workers", v, [&](size_t n) { c.http.workers = n; });
     }},
    {"max-body-bytes", "N", "HTTP", "larger request bodies get 413 (default 16777216)",
     [](ServiceConfig& c, const std::string& v) {
       return Positive<size_t>("max-body-bytes", v, [&](size_t n) { c.http.max_body_bytes = n; });
     }},
    {"read-timeout", "SEC", "HTTP", "per-request socket read timeout (default 10)",
     [](ServiceConfig& c, const std::string& v) {
       return Positive<long>("read-timeout", v, [&](long n) { c.http.read_timeout = std::chrono::seconds(n); });
     }},
    {"tls-cert-file", "FILE", "HTTP",
     "serve HTTPS with this PEM certificate (leaf, then intermediates); reloaded\nwhen the file changes",
     [](ServiceConfig& c, const std::string& v) { c.http.tls.cert_file = v; return OkStatus(); }},
    {"tls-private-key-file", "FILE", "HTTP", "PEM private key of --tls-cert-file (reloaded with it)",
     [](ServiceConfig& c, const std::string& v) { c.http.tls.key_file = v; return OkStatus(); }},
    {"client-ca-file", "FILE", "HTTP",
     "PEM CA bundle: /filter, /prioritize and /bind then answer only callers\nwith a client certificate it "
     "signed (kube-scheduler's tlsConfig); needs --tls-cert-file",
     [](ServiceConfig& c, const std::string& v) { c.http.tls.client_ca_file = v; return OkStatus(); }},
    {"tooling-auth", "MODE", "HTTP",
     "none (default): /metrics and /api/v1/* answer anyone; delegated: they need a\nbearer token the API server "
     "authenticates (TokenReview) and authorizes for the\npath (SubjectAccessReview, nonResourceURLs)",
     [](ServiceConfig& c, const std::string& v) {
       if (v != "none" && v != "delegated") return InvalidArgumentError("--tooling-auth must be none or delegated");
       c.tooling_auth_delegated = v == "delegated";
       return OkStatus();
     }},
    {"feature-gates", "LIST", "Allocation",
     "Name=true|false,... over the Kubernetes 1.37 defaults: DRAAdminAccess,\nDRAPrioritizedList, "
     "DRAPartitionableDevices, DRADeviceTaints,\nDRAConsumableCapacity, DRADeviceBindingConditions, "
     "DRAListTypeAttributes,\nDRAResourceClaimDeviceStatus, DRADeviceTaintRules (off: DeviceTaintRules are not watched)",
     [](ServiceConfig& c, const std::string& v) {
       auto features = alloc::Features::FromGateList(v);
       if (!features.ok()) return features.status();
       c.extender.features = *features;
       return OkStatus();
     }},
    {"score-policy", "POLICY", "Allocation",
     "prioritize scores 0-10: pack (prefer nodes with the fewest free devices,\ndefault), spread (the most free "
     "devices) or none (all 0)",
     [](ServiceConfig& c, const std::string& v) {
       auto policy = alloc::ParseScorePolicy(v);
       if (!policy.ok()) return policy.status();
       c.extender.score_policy = *policy;
       return OkStatus();
     }},
    {"fanout-threads", "N", "Allocation", "threads evaluating candidate nodes in parallel during filter (default 2)",
     [](ServiceConfig& c, const std::string& v) {
       return Positive<size_t>("fanout-threads", v, [&](size_t n) { c.extender.fanout_threads = n; });
     }},
    {"filter-timeout-ms", "N", "Allocation", "allocation deadline per filter/bind request (default 4000)",
     [](ServiceConfig& c, const std::string& v) {
       return Positive<long>("filter-timeout-ms", v,
                             [&](long n) { c.extender.filter_timeout = std::chrono::milliseconds(n); });
     }},
    {"max-search-steps", "N", "Allocation",
     "allocator search steps per node and request; a node that needs more fails\nthe filter with that reason "
     "(default 500000; 0 = unlimited)",
     [](ServiceConfig& c, const std::string& v) {
       auto n = ParseLong("max-search-steps", v);
       if (!n.ok()) return n.status();
       if (*n < 0) return InvalidArgumentError("--max-search-steps must not be negative");
       c.extender.max_search_steps = static_cast<uint64_t>(*n);
       return OkStatus();
     }},
    {"filter-reasons", "true|false", "Allocation",
     "filter's FailedNodes name the reason codes of each node that does not fit\n(default true); false: the "
     "generic \"cannot allocate all claims\"",
     [](ServiceConfig& c, const std::string& v) {
       if (v != "true" && v != "false") return InvalidArgumentError("--filter-reasons must be true or false");
       c.extender.filter_reasons = v == "true";
       return OkStatus();
     }},
    {"binding-timeout", "SEC", "Allocation",
     "how long bind waits for the binding conditions of a pod's devices before it\nundoes the allocation and "
     "fails (default 600, as the scheduler's plugin)",
     [](ServiceConfig& c, const std::string& v) {
       return Positive<long>("binding-timeout", v,
                             [&](long n) { c.extender.binding_timeout = std::chrono::seconds(n); });
     }},
    {"binding-reply-ms", "N", "Allocation",
     "how long a bind request waits for binding conditions before it answers that\nthey are pending (the wait "
     "goes on; the pod is bound when they are met);\nkeep below the scheduler's extender httpTimeout (default 4000)",
     [](ServiceConfig& c, const std::string& v) {
       return Positive<long>("binding-reply-ms", v,
                             [&](long n) { c.extender.binding_reply_wait = std::chrono::milliseconds(n); });
     }},
    {"reservation-ttl", "SEC", "Allocation", "how long a bind's in-memory reservation waits for the watch (default 120)",
     [](ServiceConfig& c, const std::string& v) {
       return Positive<long>("reservation-ttl", v,
                             [&](long n) { c.extender.reservation_ttl = std::chrono::seconds(n); });
     }},
    {"partition-type-attribute", "DOMAIN/NAME", "Tooling",
     "default grouping attribute for partition types in /api/v1/inventory and its\ngauges where no slice declares "
     "partitionTypeAttribute (e.g. gpu.nvidia.com/profile;\ndefault none)",
     [](ServiceConfig& c, const std::string& v) {
       if (!alloc::IsQualifiedAttributeName(v)) {
         return InvalidArgumentError("--partition-type-attribute must be a fully qualified attribute name, <domain>/<name>");
       }
       c.extender.partition_type_attribute = v;
       return OkStatus();
     }},
    {"inventory-pool-metrics", "true|false", "Tooling",
     "also export allot_inventory_pool_devices{driver,pool,state} (one series set\nper pool; default false)",
     [](ServiceConfig& c, const std::string& v) {
       if (v != "true" && v != "false") return InvalidArgumentError("--inventory-pool-metrics must be true or false");
       c.extender.inventory_pool_metrics = v == "true";
       return OkStatus();
     }},
    {"log-format", "text|json", "Logging", "log line format on stderr (default text)",
     [](ServiceConfig& c, const std::string& v) {
       if (v != "text" && v != "json") return InvalidArgumentError("--log-format must be text or json");
       c.log_format = v;
       return OkStatus();
     }},
    {"v", "N", "Logging", "verbosity: 0 info (default), 1 debug (per request), 2 trace; -1 warnings only",
     [](ServiceConfig& c, const std::string& v) {
       auto n = ParseLong("v", v);
       if (!n.ok()) return n.status();
       c.verbosity = static_cast<int>(*n);
       return OkStatus();
     }},
};

const FlagSpec* FindFlag(std::string_view name) {
  for (const FlagSpec& f : kServeFlags) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

}  // namespace

StatusOr<ParsedServeFlags> ParseServeFlags(const std::vector<std::string>& args) {
  ParsedServeFlags parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      continue;
    }
    std::string name;
    std::string value;
    bool has_value = false;
    if (arg == "-v") {
      name = "v";
    } else if (arg.rfind("--", 0) == 0) {
      name = arg.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
    } else {
      return InvalidArgumentError("unexpected argument '" + arg + "'");
    }
    const FlagSpec* flag = FindFlag(name);
    if (flag == nullptr) return InvalidArgumentError("unknown flag --" + name);
    if (!has_value) {
      if (i + 1 >= args.size()) return InvalidArgumentError("flag --" + name + " needs a value");
      value = args[++i];
    }
    if (Status s = flag->apply(parsed.config, value); !s.ok()) return s;
  }
  const ServingTlsOptions& tls = parsed.config.http.tls;
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return InvalidArgumentError("--tls-cert-file and --tls-private-key-file must be given together");
  }
  if (!tls.client_ca_file.empty() && tls.cert_file.empty()) {
    return InvalidArgumentError("--client-ca-file needs --tls-cert-file and --tls-private-key-file (HTTPS)");
  }
  return parsed;
}

std::vector<std::string> ServeFlagNames() {
  std::vector<std::string> names;
  for (const FlagSpec& f : kServeFlags) names.emplace_back(f.name);
  return names;
}

std::string ServeHelp() {
  std::string out =
      "Usage: allot serve [flags]\n\n"
      "Runs the kube-scheduler extender for DRA devices: POST /filter, /prioritize, /bind (also under\n"
      "--url-prefix), GET /healthz, /readyz (503 until Nodes, DeviceClasses, ResourceSlices and ResourceClaims\n"
      "are synced) and /metrics (Prometheus).\n";
  constexpr size_t kColumn = 27;  // where the help text starts
  std::string_view group;
  for (const FlagSpec& f : kServeFlags) {
    if (group != f.group) {
      group = f.group;
      out += "\n" + std::string(group) + ":\n";
    }
    std::string left = std::string("  ") + (std::string_view(f.name) == "v" ? "-v N, --v" : "--") +
                       (std::string_view(f.name) == "v" ? " N" : std::string(f.name) + " " + f.value);
    out += left;
    out += std::string(left.size() < kColumn ? kColumn - left.size() : 1, ' ');
    for (const char* c = f.help; *c != '\0'; ++c) {
      out += *c;
      if (*c == '\n') out += std::string(kColumn, ' ');
    }
    out += '\n';
  }
  out += "  --help                   this text\n";
  return out;
}

}  // namespace allot::svc
