// `allot serve`: runs the scheduler extender (filter/prioritize/bind), /healthz, /readyz and /metrics.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "service/cli/command.h"
#include "service/service.h"

namespace allot::cli {
namespace {

constexpr const char* kHelp = R"(Usage: allot serve [flags]

Runs the kube-scheduler extender for DRA devices: POST /filter, /prioritize, /bind (also under
--url-prefix), GET /healthz, /readyz (503 until Nodes, DeviceClasses, ResourceSlices and ResourceClaims
are synced) and /metrics (Prometheus).

Cluster (first match wins):
  --kubeconfig PATH        kubeconfig to use (token, client certificate, CA or insecure-skip-tls-verify)
  --context NAME           kubeconfig context instead of current-context
                           without --kubeconfig: the in-cluster service account when running in a pod,
                           else the embedded demo cluster
  --demo DIR               force the embedded demo cluster loaded from DIR (default deploy/demo); claims,
                           pods and bindings stay in memory; POST /api/v1/demo/objects creates claims/pods

HTTP:
  --listen HOST:PORT       address to serve on (default 0.0.0.0:8888; port 0 = any free port)
  --url-prefix PATH        extra prefix for every route, matching the scheduler's urlPrefix (default /allot)
  --workers N              HTTP worker threads = max concurrent connections (default 8)
  --max-body-bytes N       larger request bodies get 413 (default 16777216)
  --read-timeout SEC       per-request socket read timeout (default 10)

Allocation:
  --feature-gates LIST     Name=true|false,... over the Kubernetes 1.36 defaults: DRAAdminAccess,
                           DRAPrioritizedList, DRAPartitionableDevices, DRADeviceTaints,
                           DRAConsumableCapacity, DRADeviceBindingConditions, DRAListTypeAttributes
  --score-policy POLICY    prioritize scores 0-10: pack (prefer nodes with the fewest free devices,
                           default), spread (the most free devices) or none (all 0)
  --fanout-threads N       threads evaluating candidate nodes in parallel during filter (default 2)
  --filter-timeout-ms N    allocation deadline per filter/bind request (default 4000)
  --max-search-steps N     allocator search steps per node and request; a node that needs more fails
                           the filter with that reason (default 500000; 0 = unlimited)
  --reservation-ttl SEC    how long a bind's in-memory reservation waits for the watch (default 120)

Logging:
  --log-format text|json   log line format on stderr (default text)
  -v N, --v N              verbosity: 0 info (default), 1 debug (per request), 2 trace; -1 warnings only
  --help                   this text
)";

struct Flags {
  std::map<std::string, std::string> values;
  bool help = false;
};

StatusOr<Flags> ParseFlags(const std::vector<std::string>& args) {
  static const std::vector<std::string> kKnown = {
      "kubeconfig",   "context",      "demo",           "listen",         "url-prefix",      "workers",
      "max-body-bytes", "read-timeout", "feature-gates", "score-policy",   "fanout-threads",  "filter-timeout-ms",
      "max-search-steps", "reservation-ttl", "log-format", "v"};
  Flags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "--help" || arg == "-h") {
      flags.help = true;
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
    if (std::find(kKnown.begin(), kKnown.end(), name) == kKnown.end()) {
      return InvalidArgumentError("unknown flag --" + name);
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return InvalidArgumentError("flag --" + name + " needs a value");
      value = args[++i];
    }
    flags.values[name] = value;
  }
  return flags;
}

StatusOr<long> ToLong(const Flags& flags, const std::string& name, long fallback) {
  auto it = flags.values.find(name);
  if (it == flags.values.end()) return fallback;
  char* end = nullptr;
  long v = std::strtol(it->second.c_str(), &end, 10);
  if (end == it->second.c_str() || *end != '\0') return InvalidArgumentError("--" + name + ": not a number");
  return v;
}

std::string Get(const Flags& flags, const std::string& name, const std::string& fallback) {
  auto it = flags.values.find(name);
  return it == flags.values.end() ? fallback : it->second;
}

Status ConfigureLogging(const Flags& flags) {
  auto verbosity = ToLong(flags, "v", 0);
  if (!verbosity.ok()) return verbosity.status();
  spdlog::set_level(*verbosity < 0    ? spdlog::level::warn
                    : *verbosity == 0 ? spdlog::level::info
                    : *verbosity == 1 ? spdlog::level::debug
                                      : spdlog::level::trace);
  std::string format = Get(flags, "log-format", "text");
  if (format == "json") {
    spdlog::set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","thread":%t,"msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else if (format == "text") {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %L %v");
  } else {
    return InvalidArgumentError("--log-format must be text or json");
  }
  return OkStatus();
}

StatusOr<svc::ServiceConfig> BuildConfig(const Flags& flags) {
  svc::ServiceConfig config;
  config.kubeconfig = Get(flags, "kubeconfig", "");
  config.context = Get(flags, "context", "");
  if (flags.values.count("demo")) {
    config.demo_dir = flags.values.at("demo");
    config.force_demo = true;
  }
  std::string listen = Get(flags, "listen", "0.0.0.0:8888");
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return InvalidArgumentError("--listen must be HOST:PORT");
  config.http.host = listen.substr(0, colon);
  if (config.http.host.empty()) config.http.host = "0.0.0.0";
  char* end = nullptr;
  long port = std::strtol(listen.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535) return InvalidArgumentError("--listen: bad port");
  config.http.port = static_cast<int>(port);
  config.url_prefix = Get(flags, "url-prefix", "/allot");
  auto workers = ToLong(flags, "workers", 8);
  auto max_body = ToLong(flags, "max-body-bytes", 16 << 20);
  auto read_timeout = ToLong(flags, "read-timeout", 10);
  auto fanout = ToLong(flags, "fanout-threads", 2);
  auto filter_timeout = ToLong(flags, "filter-timeout-ms", 4000);
  auto ttl = ToLong(flags, "reservation-ttl", 120);
  for (const auto* v : {&workers, &max_body, &read_timeout, &fanout, &filter_timeout, &ttl}) {
    if (!v->ok()) return v->status();
    if (**v <= 0) return InvalidArgumentError("numeric flags must be positive");
  }
  config.http.workers = static_cast<size_t>(*workers);
  config.http.max_body_bytes = static_cast<size_t>(*max_body);
  config.http.read_timeout = std::chrono::seconds(*read_timeout);
  config.fanout_threads = static_cast<size_t>(*fanout);
  config.filter_timeout = std::chrono::milliseconds(*filter_timeout);
  config.reservation_ttl = std::chrono::seconds(*ttl);
  auto max_steps = ToLong(flags, "max-search-steps", 500000);
  if (!max_steps.ok()) return max_steps.status();
  if (*max_steps < 0) return InvalidArgumentError("--max-search-steps must not be negative");
  config.max_search_steps = static_cast<uint64_t>(*max_steps);
  config.feature_gates = Get(flags, "feature-gates", "");
  config.score_policy = Get(flags, "score-policy", "pack");
  return config;
}

int RunServe(const std::vector<std::string>& args) {
  auto flags = ParseFlags(args);
  if (!flags.ok()) {
    std::fprintf(stderr, "allot serve: %s\n\n%s", std::string(flags.status().message()).c_str(), kHelp);
    return 2;
  }
  if (flags->help) {
    std::printf("%s", kHelp);
    return 0;
  }
  if (Status s = ConfigureLogging(*flags); !s.ok()) {
    std::fprintf(stderr, "allot serve: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  auto config = BuildConfig(*flags);
  if (!config.ok()) {
    std::fprintf(stderr, "allot serve: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  // Block the termination signals in every thread; this thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto service = svc::Service::Create(*config);
  if (!service.ok()) {
    spdlog::error("allot serve: {}", service.status().ToString());
    return 1;
  }
  if (Status s = (*service)->Start(); !s.ok()) {
    spdlog::error("allot serve: {}", s.ToString());
    return 1;
  }
  spdlog::info("allot serve: listening on port {} ({} mode)", (*service)->port(), (*service)->demo() ? "demo" : "cluster");
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("allot serve: signal {}, shutting down", received);
  (*service)->Stop();
  return 0;
}

}  // namespace

ALLOT_REGISTER_COMMAND("serve", "run the scheduler extender (filter/prioritize/bind) and metrics", RunServe);

}  // namespace allot::cli
