// filter_load: a bounded load client for the extender verbs of `allot serve` (loopback only).
//
//   filter_load --allot build/service/allot [--nodes 500] [--shape h100mig|plain] [--requests 100]
//               [--binds 20] [--time-limit-s 60] [--ready-timeout-s 600] [--serve-arg ARG]... [--keep-dir]
//               [--stop-timeout-s 10] [--pod fits|mismatch|count]
//
// 1. Writes a demo directory (temp dir) with N nodes, each carrying either the 8 x H100 80GB
//    DynamicMIG slices of tests/testdata/data/nvidia-h100-80gb-x8-dynmig.json (9 slices, 208
//    devices; NVIDIA DeviceClasses; claim: one 1g.10gb MIG device) or, with --shape plain,
//    scheduler_perf's 10 plain devices (claim: one device); run from the repository root.
// 2. Starts `allot serve --demo DIR --listen 127.0.0.1:PORT` and measures the time until
//    /readyz answers 200, and the server's RSS then (VmRSS of the child) and its peak so far (VmHWM).
// 3. Creates a claim (one 1g.10gb MIG device) and a pod through /api/v1/demo/objects, then sends
//    at most --requests sequential /filter requests with NodeNames = all N nodes (kube-scheduler's
//    nodeCacheCapable form) on one keep-alive connection, then /prioritize with the feasible
//    nodes, then --binds binds of fresh pod+claim pairs (creation not timed); each phase stops
//    early at --time-limit-s; a filter answering an Error (deadline) is counted, timed apart
//    (error_ms) and the load goes on. Prints p50/p99/max latency and requests/s per verb, RSS after the
//    load, and one JSON line with everything.
//    --pod mismatch / count make the filtered pod's claim fail on every node (its selector matches no
//    device: SelectorMismatch; with --shape plain, count asks for 11 devices: InsufficientDevices), to
//    measure what explaining the failing nodes costs (compare with --serve-arg --filter-reasons=false); the binds still use
//    pods that fit, and prioritize gets the (empty) feasible list. The JSON line then also carries the number
//    of distinct FailedNodes texts and one of them.
// The server is stopped with SIGTERM (then SIGKILL after --stop-timeout-s, default 10 s; raise it when --allot
// runs the server under valgrind, which writes its profile at exit). Exit code 0, 1 on any failure.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Flags {
  std::string allot = "build/service/allot";
  int nodes = 500;
  int requests = 100;
  int binds = 20;
  int time_limit_s = 60;
  int ready_timeout_s = 600;
  bool keep_dir = false;
  int stop_timeout_s = 10;
  std::string shape = "h100mig";  // h100mig | plain
  std::string pod = "fits";       // fits | mismatch | count: the filtered pod's claim
  std::vector<std::string> serve_args;  // extra `allot serve` arguments (--serve-arg, repeatable)
};

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "filter_load: cannot read %s (run from the repository root)\n", path.c_str());
    std::exit(1);
  }
  return json::parse(in);
}

std::string NodeName(int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "node-%05d", i);
  return buf;
}

json NodeObject(const std::string& node) {
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata", {{"name", node}, {"labels", {{"kubernetes.io/hostname", node}}}}},
          {"status", {{"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
}

// Node-local slices of one node for `shape`, as one JSON array.
json ShapeSlices(const std::string& shape, const json& fixture, const std::string& node) {
  json out = json::array();
  if (shape == "plain") {
    json devices = json::array();
    for (int d = 0; d < 10; ++d) devices.push_back({{"name", "device-" + std::to_string(d)}});
    out.push_back({{"apiVersion", "resource.k8s.io/v1"},
                   {"kind", "ResourceSlice"},
                   {"metadata", {{"name", node + "-plain"}}},
                   {"spec",
                    {{"driver", "test-driver.cdi.k8s.io"},
                     {"nodeName", node},
                     {"pool", {{"name", node}, {"generation", 1}, {"resourceSliceCount", 1}}},
                     {"devices", devices}}}});
    return out;
  }
  for (json s : fixture["items"]) {
    json& meta = s["metadata"];
    meta = {{"name", node + "-" + meta["name"].get<std::string>()}};
    s["spec"]["nodeName"] = node;
    s["spec"]["pool"]["name"] = node;
    out.push_back(std::move(s));
  }
  return out;
}

// Writes the demo directory; returns the number of devices.
size_t WriteDemo(const fs::path& dir, const std::string& shape, int nodes) {
  json fixture;
  json classes;
  if (shape == "plain") {
    classes = {{"apiVersion", "v1"},
               {"kind", "List"},
               {"items",
                {{{"apiVersion", "resource.k8s.io/v1"},
                  {"kind", "DeviceClass"},
                  {"metadata", {{"name", "test-class"}}},
                  {"spec", {{"selectors", {{{"cel", {{"expression", "device.driver == 'test-driver.cdi.k8s.io'"}}}}}}}}}}}};
  } else {
    fixture = ReadJson("tests/testdata/data/nvidia-h100-80gb-x8-dynmig.json");
    classes = ReadJson("tests/testdata/data/deviceclasses-nvidia.json");
  }
  std::ofstream(dir / "10-deviceclasses.json") << classes.dump();
  json node_list = {{"apiVersion", "v1"}, {"kind", "List"}, {"items", json::array()}};
  std::ofstream slices(dir / "20-slices.json");
  slices << R"({"apiVersion":"v1","kind":"List","items":[)";
  size_t devices = 0;
  bool first = true;
  for (int i = 0; i < nodes; ++i) {
    const std::string node = NodeName(i);
    node_list["items"].push_back(NodeObject(node));
    for (const json& s : ShapeSlices(shape, fixture, node)) {
      if (s["spec"].contains("devices")) devices += s["spec"]["devices"].size();
      slices << (first ? "" : ",") << s.dump();
      first = false;
    }
  }
  slices << "]}";
  std::ofstream(dir / "00-nodes.json") << node_list.dump();
  return devices;
}

// A "Vm...:" line of /proc/PID/status in KiB: VmRSS (now) or VmHWM (peak RSS so far).
long StatusKb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

long RssKb(pid_t pid) { return StatusKb(pid, "VmRSS"); }

// A free loopback port: bind port 0, read it back, close (the server binds it right after).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

struct Latencies {
  std::vector<double> ms;
  std::vector<double> error_ms;  // latencies of the requests that failed (e.g. the filter deadline)
  double wall_ms = 0;
  int errors = 0;
  json Summary() const {
    std::vector<double> s = ms;
    std::sort(s.begin(), s.end());
    auto pct = [&](double p) { return s.empty() ? 0.0 : s[std::min(s.size() - 1, static_cast<size_t>(p * s.size()))]; };
    return {{"requests", s.size()},
            {"errors", errors},
            {"p50_ms", pct(0.50)},
            {"p99_ms", pct(0.99)},
            {"max_ms", s.empty() ? 0.0 : s.back()},
            {"error_ms", error_ms},
            {"requests_per_s", wall_ms > 0 ? 1000.0 * s.size() / wall_ms : 0.0}};
  }
};

std::optional<json> Post(httplib::Client& cli, const std::string& path, const std::string& body, double* ms) {
  const Clock::time_point t0 = Clock::now();
  auto res = cli.Post(path.c_str(), body, "application/json");
  if (ms) *ms = MsSince(t0);
  if (!res || res->status < 200 || res->status > 299) {
    std::fprintf(stderr, "filter_load: POST %s: %s\n", path.c_str(),
                 res ? (std::to_string(res->status) + " " + res->body.substr(0, 300)).c_str() : "no response");
    return std::nullopt;
  }
  try {
    return json::parse(res->body);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "filter_load: POST %s: bad JSON: %s\n", path.c_str(), e.what());
    return std::nullopt;
  }
}

// Creates claim `name` (one 1g.10gb MIG device, or one plain device) and pod `name` using it,
// waits until the server's watch shows the claim (GET /api/v1/claims/...), returns the pod.
std::optional<json> CreatePodAndClaim(httplib::Client& cli, const std::string& shape, const std::string& name,
                                      const std::string& pod_mode = "fits") {
  json claim = {{"apiVersion", "resource.k8s.io/v1"},
                {"kind", "ResourceClaim"},
                {"metadata", {{"name", name}, {"namespace", "default"}}},
                {"spec",
                 {{"devices",
                   {{"requests",
                     {{{"name", "mig"},
                       {"exactly",
                        {{"deviceClassName", "mig.nvidia.com"},
                         {"selectors",
                          {{{"cel", {{"expression", "device.attributes['gpu.nvidia.com'].profile == '1g.10gb'"}}}}}}}}}}}}}}}};
  if (shape == "plain") {
    claim["spec"]["devices"]["requests"][0]["exactly"] = {{"deviceClassName", "test-class"}};
  }
  json& exactly = claim["spec"]["devices"]["requests"][0]["exactly"];
  if (pod_mode == "mismatch") {
    exactly["selectors"] = {{{"cel", {{"expression", shape == "plain" ? "device.driver == 'no-such-driver'"
                                                                      : "device.attributes['gpu.nvidia.com'].profile == 'no-such-profile'"}}}}};
  } else if (pod_mode == "count") {
    exactly["count"] = 11;  // one more than a plain node has (--pod count needs --shape plain)
  }
  if (!Post(cli, "/api/v1/demo/objects", claim.dump(), nullptr)) return std::nullopt;
  const std::string claim_path = "/api/v1/claims/default/" + name;
  for (int i = 0; i < 1000; ++i) {
    auto r = cli.Get(claim_path.c_str());
    if (r && r->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}, {"namespace", "default"}}},
              {"spec",
               {{"schedulerName", "allot"},
                {"resourceClaims", {{{"name", "mig"}, {"resourceClaimName", name}}}},
                {"containers", {{{"name", "main"}, {"image", "busybox"}, {"resources", {{"claims", {{{"name", "mig"}}}}}}}}}}}};
  return Post(cli, "/api/v1/demo/objects", pod.dump(), nullptr);
}

int Run(const Flags& f) {
  char tmpl[] = "/tmp/allot-filter-load-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  const fs::path dir = tmpl;
  Clock::time_point t0 = Clock::now();
  const size_t devices = WriteDemo(dir, f.shape, f.nodes);
  const double write_ms = MsSince(t0);
  std::fprintf(stderr, "demo dir %s: %d nodes, %zu devices, written in %.0f ms\n", dir.c_str(), f.nodes, devices,
               write_ms);

  const int port = FreePort();
  if (port <= 0) return 1;
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  t0 = Clock::now();
  const pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    std::vector<std::string> args = {f.allot, "serve", "--demo", dir.string(), "--listen", listen,
                                     "--url-prefix", "/allot", "-v", "-1"};
    args.insert(args.end(), f.serve_args.begin(), f.serve_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(f.allot.c_str(), argv.data());
    std::perror("exec allot");
    _exit(127);
  }
  json out = {{"shape", f.shape}, {"nodes", f.nodes}, {"devices", devices}};
  int status = 1;
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(180, 0);
  cli.set_keep_alive(true);
  cli.set_tcp_nodelay(true);  // as kube-scheduler's Go client; else ~40 ms Nagle x delayed-ACK stalls
  bool ready = false;
  while (MsSince(t0) < f.ready_timeout_s * 1000.0) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) break;
    auto r = cli.Get("/readyz");
    if (r && r->status == 200) {
      ready = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double ready_ms = MsSince(t0);
  out["ready_ms"] = ready_ms;
  if (!ready) {
    std::fprintf(stderr, "filter_load: not ready after %.0f ms\n", ready_ms);
  } else {
    const long rss_ready = RssKb(pid);
    const long rss_peak = StatusKb(pid, "VmHWM");
    out["rss_ready_kb"] = rss_ready;
    out["rss_peak_ready_kb"] = rss_peak;  // the startup peak (demo load, lists, index build)
    out["rss_bytes_per_device"] = devices ? rss_ready * 1024.0 / devices : 0.0;
    std::fprintf(stderr, "ready after %.0f ms, RSS %ld MiB (peak %ld MiB)\n", ready_ms, rss_ready / 1024,
                 rss_peak / 1024);
    std::optional<json> pod = CreatePodAndClaim(cli, f.shape, "load-0", f.pod);
    out["pod"] = f.pod;
    if (pod) {
      json names = json::array();
      for (int i = 0; i < f.nodes; ++i) names.push_back(NodeName(i));
      const std::string filter_body = json{{"Pod", *pod}, {"Nodes", nullptr}, {"NodeNames", names}}.dump();
      const double limit_ms = f.time_limit_s * 1000.0;
      Latencies filter;
      json feasible = json::array();
      t0 = Clock::now();
      // A filter answering an Error (the per-request deadline, --filter-timeout-ms, while the first requests
      // fill the snapshot's memos) is counted and timed apart, and the load goes on; no answer stops it.
      for (int i = 0; i < f.requests && MsSince(t0) < limit_ms; ++i) {
        double ms = 0;
        std::optional<json> r = Post(cli, "/allot/filter", filter_body, &ms);
        if (!r) {
          ++filter.errors;
          break;
        }
        if (!(*r)["Error"].get<std::string>().empty()) {
          ++filter.errors;
          filter.error_ms.push_back(ms);
          std::fprintf(stderr, "filter error after %.0f ms: %s\n", ms, (*r)["Error"].get<std::string>().c_str());
          continue;
        }
        filter.ms.push_back(ms);
        if (filter.ms.size() == 1 && (*r)["NodeNames"].is_array()) feasible = (*r)["NodeNames"];
        if (filter.ms.size() == 1 && (*r)["FailedNodes"].is_object()) {
          std::vector<std::string> texts;
          for (const auto& [node, text] : (*r)["FailedNodes"].items()) texts.push_back(text.get<std::string>());
          std::sort(texts.begin(), texts.end());
          texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
          out["failed_nodes"] = (*r)["FailedNodes"].size();
          out["failed_texts"] = texts.size();
          if (!texts.empty()) out["failed_text"] = texts.front();
        }
      }
      filter.wall_ms = MsSince(t0);
      out["filter"] = filter.Summary();
      out["filter"]["feasible_nodes"] = feasible.size();

      Latencies prio;
      const std::string prio_body = json{{"Pod", *pod}, {"Nodes", nullptr}, {"NodeNames", feasible}}.dump();
      t0 = Clock::now();
      for (int i = 0; i < f.requests && MsSince(t0) < limit_ms; ++i) {
        double ms = 0;
        if (!Post(cli, "/allot/prioritize", prio_body, &ms)) {
          ++prio.errors;
          break;
        }
        prio.ms.push_back(ms);
      }
      prio.wall_ms = MsSince(t0);
      out["prioritize"] = prio.Summary();

      Latencies bind;
      t0 = Clock::now();
      for (int i = 1; i <= f.binds && MsSince(t0) < limit_ms; ++i) {
        const Clock::time_point untimed = Clock::now();
        std::optional<json> p = CreatePodAndClaim(cli, f.shape, "load-" + std::to_string(i));
        const double setup_ms = MsSince(untimed);
        if (!p) {
          ++bind.errors;
          break;
        }
        const json args = {{"PodName", (*p)["metadata"]["name"]},
                           {"PodNamespace", "default"},
                           {"PodUID", (*p)["metadata"]["uid"]},
                           {"Node", NodeName((i * 7919) % f.nodes)}};
        double ms = 0;
        std::optional<json> r = Post(cli, "/allot/bind", args.dump(), &ms);
        if (!r || !(*r)["Error"].get<std::string>().empty()) {
          ++bind.errors;
          if (r) std::fprintf(stderr, "bind error: %s\n", (*r)["Error"].get<std::string>().c_str());
          break;
        }
        bind.ms.push_back(ms);
        bind.wall_ms -= setup_ms;
      }
      bind.wall_ms += MsSince(t0);
      out["bind"] = bind.Summary();
      const long rss_after = RssKb(pid);
      out["rss_after_kb"] = rss_after;
      status = filter.errors + prio.errors + bind.errors == 0 && !filter.ms.empty() ? 0 : 1;
    }
  }
  kill(pid, SIGTERM);
  for (int i = 0; i < f.stop_timeout_s * 10 && waitpid(pid, nullptr, WNOHANG) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (waitpid(pid, nullptr, WNOHANG) == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  if (!f.keep_dir) fs::remove_all(dir);
  for (const char* verb : {"filter", "prioritize", "bind"}) {
    if (!out.contains(verb)) continue;
    const json& v = out[verb];
    std::printf("%-10s n=%-4d p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms  %7.1f req/s\n", verb, v["requests"].get<int>(),
                v["p50_ms"].get<double>(), v["p99_ms"].get<double>(), v["max_ms"].get<double>(),
                v["requests_per_s"].get<double>());
  }
  std::printf("%s\n", out.dump().c_str());
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "filter_load: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--allot") {
      f.allot = next();
    } else if (a == "--nodes") {
      f.nodes = std::atoi(next().c_str());
    } else if (a == "--requests") {
      f.requests = std::atoi(next().c_str());
    } else if (a == "--binds") {
      f.binds = std::atoi(next().c_str());
    } else if (a == "--time-limit-s") {
      f.time_limit_s = std::atoi(next().c_str());
    } else if (a == "--ready-timeout-s") {
      f.ready_timeout_s = std::atoi(next().c_str());
    } else if (a == "--shape") {
      f.shape = next();
    } else if (a == "--serve-arg") {
      f.serve_args.push_back(next());
    } else if (a == "--keep-dir") {
      f.keep_dir = true;
    } else if (a == "--pod") {
      f.pod = next();
    } else if (a == "--stop-timeout-s") {
      f.stop_timeout_s = std::atoi(next().c_str());
    } else {
      std::fprintf(stderr, "usage: filter_load [--allot PATH] [--nodes N] [--requests N] [--binds N] "
                           "[--shape h100mig|plain] [--time-limit-s S] [--ready-timeout-s S] [--serve-arg ARG]... "
                           "[--keep-dir] [--stop-timeout-s S] [--pod fits|mismatch|count]\n");
      return 2;
    }
  }
  if (f.nodes < 1 || f.requests < 1 || (f.shape != "h100mig" && f.shape != "plain")) return 2;
  if (f.pod != "fits" && f.pod != "mismatch" && f.pod != "count") return 2;
  if (f.pod == "count" && f.shape != "plain") return 2;  // 9 of the 56 1g.10gb slots of a node would fit
  return Run(f);
}
