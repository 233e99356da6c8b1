// `kubectl allot` against a running allot (in-process `allot serve` on the demo cluster, deploy/demo): directly
// with --allot-url, and through a fake API server's service proxy with kubeconfig credentials. The tables,
// -o json and -o yaml are checked against the route's own answer, fetched over HTTP at the same moment.
#include "service/kubectl/plugin.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "service/demo/demo_cluster.h"
#include "service/kubectl/simulate_body.h"
#include "service/service.h"
#include "service/watch/kubeconfig.h"
#include "tests/service/fake_apiserver.h"

namespace allot::svc::kubectl {
namespace {

using namespace std::chrono_literals;

struct PluginRun {
  int code = -1;
  std::string out;
  std::string err;
};

PluginRun Plugin(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  PluginRun r;
  r.code = RunPlugin(args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// Rows of a table, cells split on runs of 2+ spaces; stops at the first empty line.
std::vector<std::vector<std::string>> Rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line) && !line.empty();) {
    std::vector<std::string> cells;
    size_t i = 0;
    while (i < line.size()) {
      size_t gap = line.find("  ", i);
      cells.push_back(line.substr(i, gap == std::string::npos ? std::string::npos : gap - i));
      if (gap == std::string::npos) break;
      i = line.find_first_not_of(' ', gap);
    }
    rows.push_back(cells);
  }
  return rows;
}

std::string Str(const Json& j, const char* key, const char* absent) {
  if (!j.contains(key)) return absent;
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

class KubectlAllotTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // No kubeconfig of the machine running the tests leaks in: the plugin looks at KUBECONFIG and HOME.
    home_ = std::filesystem::temp_directory_path() / ("kubectl-allot-home-" + std::to_string(::getpid()));
    std::filesystem::create_directories(home_);
    ::setenv("HOME", home_.c_str(), 1);
    ::unsetenv("KUBECONFIG");
    ::unsetenv("KUBERNETES_SERVICE_HOST");
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(home_); }

  void SetUp() override {
    ServiceConfig config;
    config.force_demo = true;
    config.demo_dir = "deploy/demo";
    config.http.host = "127.0.0.1";
    config.http.port = 0;
    config.http.workers = 4;
    auto service = Service::Create(config);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = std::move(service).value();
    ASSERT_TRUE(service_->Start().ok());
    url_ = "http://127.0.0.1:" + std::to_string(service_->port());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", service_->port());
    client_->set_read_timeout(10, 0);
    for (int i = 0; i < 1000; ++i) {
      auto res = client_->Get("/readyz");
      if (res && res->status == 200) return;
      std::this_thread::sleep_for(5ms);
    }
    FAIL() << "allot never became ready";
  }
  void TearDown() override {
    client_.reset();
    if (service_) service_->Stop();
  }

  // The route's answer, straight from allot.
  Json Get(const std::string& target, int want = 200) {
    auto res = client_->Get(target);
    EXPECT_TRUE(res) << target;
    if (!res) return Json();
    EXPECT_EQ(res->status, want) << target << ": " << res->body;
    return Json::parse(res->body);
  }
  Json Post(const std::string& path, const Json& body, int want) {
    auto res = client_->Post(path, body.dump(), "application/json");
    EXPECT_TRUE(res) << path;
    if (!res) return Json();
    EXPECT_EQ(res->status, want) << path << ": " << res->body;
    return Json::parse(res->body);
  }

  // A claim for one GPU with >= 40Gi and a pod using it, in `ns`; waits until allot's store has the claim.
  void CreateTrainer(const std::string& ns) {
    Post("/api/v1/demo/objects", Json::parse(R"({
      "apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim",
      "metadata": {"name": "gpu-40gi", "namespace": ")" + ns + R"("},
      "spec": {"devices": {"requests": [{"name": "gpu", "exactly": {"deviceClassName": "gpu.example.com",
        "selectors": [{"cel": {"expression":
          "device.capacity['gpu.example.com'].memory.compareTo(quantity('40Gi')) >= 0"}}]}}]}}})"),
         201);
    Post("/api/v1/demo/objects", Json::parse(R"({
      "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "trainer", "namespace": ")" + ns + R"("},
      "spec": {"resourceClaims": [{"name": "gpu", "resourceClaimName": "gpu-40gi"}],
               "containers": [{"name": "main", "image": "busybox", "resources": {"claims": [{"name": "gpu"}]}}]}})"),
         201);
    for (int i = 0; i < 1000; ++i) {
      auto res = client_->Get("/api/v1/claims/" + ns + "/gpu-40gi");
      if (res && res->status == 200) return;
      std::this_thread::sleep_for(5ms);
    }
    FAIL() << "claim never reached the store";
  }

  static inline std::filesystem::path home_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<httplib::Client> client_;
  std::string url_;
};

TEST_F(KubectlAllotTest, InventoryTableHasOneRowPerPoolAndClassOfTheAnswer) {
  Json answer = Get("/api/v1/inventory?driver=gpu.example.com");
  ASSERT_FALSE(answer["pools"].empty());
  PluginRun r = Plugin({"inventory", "--driver", "gpu.example.com", "--allot-url", url_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  auto pools = Rows(r.out);
  ASSERT_EQ(pools.size(), answer["pools"].size() + 1) << r.out;
  EXPECT_EQ(pools[0], (std::vector<std::string>{"DRIVER", "POOL", "NODE", "DEVICES", "ALLOCATED", "AVAILABLE",
                                                "UNAVAILABLE"}));
  for (size_t i = 0; i < answer["pools"].size(); ++i) {
    const Json& p = answer["pools"][i];
    EXPECT_EQ(pools[i + 1], (std::vector<std::string>{Str(p, "driver", ""), Str(p, "pool", ""),
                                                      Str(p, "node", "<none>"), Str(p, "totalDevices", ""),
                                                      Str(p, "allocatedDevices", ""), Str(p, "availableDevices", ""),
                                                      Str(p, "unavailableDevices", "")}));
  }
  auto classes = Rows(r.out.substr(r.out.find("\n\n") + 2));
  ASSERT_EQ(classes.size(), answer["classes"].size() + 1) << r.out;
  EXPECT_EQ(classes[0], (std::vector<std::string>{"CLASS", "NODE", "DEVICES", "FREE"}));
  for (size_t i = 0; i < answer["classes"].size(); ++i) {
    const Json& c = answer["classes"][i];
    EXPECT_EQ(classes[i + 1], (std::vector<std::string>{Str(c, "class", ""), Str(c, "node", ""),
                                                        Str(c, "devices", ""), Str(c, "free", "")}));
  }
}

TEST_F(KubectlAllotTest, OutputJsonIsTheRouteAnswerAndYamlParsesBackToIt) {
  CreateTrainer("default");
  struct Case {
    std::vector<std::string> args;
    std::string method, path;
    Json body;
  };
  for (const auto& c : std::vector<Case>{
           {{"inventory"}, "GET", "/api/v1/inventory", nullptr},
           {{"inventory", "--node", "dgx-h100-01", "--class", "mig.nvidia.com"}, "GET",
            "/api/v1/inventory?node=dgx-h100-01&class=mig.nvidia.com", nullptr},
           {{"explain", "pod/trainer"}, "POST", "/api/v1/explain",
            Json::parse(R"({"podRef": {"namespace": "default", "name": "trainer"}})")},
       }) {
    Json want = c.method == "GET" ? Get(c.path) : Post(c.path, c.body, 200);
    auto args = c.args;
    args.insert(args.end(), {"--allot-url", url_, "-o", "json"});
    PluginRun json = Plugin(args);
    ASSERT_EQ(json.code, 0) << json.err;
    EXPECT_EQ(Json::parse(json.out), want) << c.path;
    args.back() = "yaml";
    PluginRun yaml = Plugin(args);
    ASSERT_EQ(yaml.code, 0) << yaml.err;
    auto parsed = ParseManifests(yaml.out, /*yaml=*/true);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    ASSERT_EQ(parsed->size(), 1u);
    EXPECT_EQ((*parsed)[0], want) << c.path << "\n" << yaml.out;
  }
}

TEST_F(KubectlAllotTest, ExplainTableShowsEachNodesReasonAndTheSummary) {
  CreateTrainer("default");
  Json answer = Post("/api/v1/explain", Json::parse(R"({"podRef": {"namespace": "default", "name": "trainer"}})"), 200);
  // Through the --url-prefix too (allot serves every route under /allot as well).
  PluginRun r = Plugin({"explain", "pod/trainer", "-n", "default", "--allot-url", url_ + "/allot/"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto rows = Rows(r.out);
  ASSERT_EQ(rows[0], (std::vector<std::string>{"NODE", "FITS", "CLAIM", "REQUEST", "CODE", "MESSAGE"}));
  size_t row = 1;
  for (const Json& n : answer["nodes"]) {
    if (n["reasons"].empty()) {
      ASSERT_LT(row, rows.size());
      EXPECT_EQ(rows[row++], (std::vector<std::string>{n["node"], "true", "-", "-", "-", "-"}));
    }
    for (const Json& reason : n["reasons"]) {
      ASSERT_LT(row, rows.size());
      EXPECT_EQ(rows[row++], (std::vector<std::string>{n["node"], "false", reason["claim"], reason["request"],
                                                       reason["code"], reason["message"]}));
    }
  }
  EXPECT_EQ(row, rows.size());
  EXPECT_EQ(answer["summary"], "2/5 nodes fit; 2 NoDevices, 1 SelectorMismatch");
  EXPECT_NE(r.out.find("\n\n2/5 nodes fit; 2 NoDevices, 1 SelectorMismatch\n"), std::string::npos) << r.out;
  // --nodes narrows the question.
  PluginRun two = Plugin({"explain", "trainer", "--nodes", "gpu-node-2,gpu-node-1", "--allot-url", url_});
  ASSERT_EQ(two.code, 0) << two.err;
  auto two_rows = Rows(two.out);
  ASSERT_EQ(two_rows.size(), 3u) << two.out;
  EXPECT_EQ(two_rows[1][0], "gpu-node-2");
  EXPECT_EQ(two_rows[1][4], "SelectorMismatch");
  EXPECT_EQ(two_rows[2][0], "gpu-node-1");
  EXPECT_NE(two.out.find("\n1/2 nodes fit; 1 SelectorMismatch\n"), std::string::npos) << two.out;
}

TEST_F(KubectlAllotTest, AllotErrorsPrintTheMessageAndExitOne) {
  PluginRun bad_node = Plugin({"inventory", "--node", "no-such-node", "--allot-url", url_});
  EXPECT_EQ(bad_node.code, 1);
  EXPECT_EQ(bad_node.out, "");
  Json want = Get("/api/v1/inventory?node=no-such-node", 400);
  EXPECT_EQ(bad_node.err, "error: " + want["error"].get<std::string>() + " (HTTP 400 from allot)\n");

  PluginRun missing = Plugin({"explain", "pod/ghost", "-n", "default", "--allot-url", url_});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("ghost"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("(HTTP 404 from allot)"), std::string::npos) << missing.err;

  PluginRun unreachable = Plugin({"inventory", "--allot-url", "http://127.0.0.1:1", "--request-timeout", "2"});
  EXPECT_EQ(unreachable.code, 1);
  EXPECT_NE(unreachable.err.find("error: cannot reach allot at http://127.0.0.1:1"), std::string::npos)
      << unreachable.err;

  PluginRun bad_flag = Plugin({"inventory", "--allot-url", url_, "-o", "wide"});
  EXPECT_EQ(bad_flag.code, 1);
  EXPECT_EQ(bad_flag.err, "error: --output: unknown format \"wide\" (known: json, yaml)\n");
}

TEST_F(KubectlAllotTest, SimulateSendsTheFileAndReportsWhatAllotAnswers) {
  auto file = home_ / "trainer.yaml";
  std::ofstream(file) << R"(apiVersion: v1
kind: Pod
metadata: {name: trainer}
spec:
  resourceClaims: [{name: gpu, resourceClaimTemplateName: one-gpu}]
  containers: [{name: main, image: busybox, resources: {claims: [{name: gpu}]}}]
---
apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata: {name: one-gpu}
spec: {spec: {devices: {requests: [{name: gpu, exactly: {deviceClassName: gpu.example.com}}]}}}
)";
  auto text = ReadFileToString(file.string());
  ASSERT_TRUE(text.ok());
  auto body = BuildSimulateBody(*text, "default", 3, {});
  ASSERT_TRUE(body.ok()) << body.status();
  auto direct = client_->Post("/api/v1/simulate", body->dump(), "application/json");
  ASSERT_TRUE(direct);
  PluginRun r = Plugin({"simulate", "-f", file.string(), "--replicas", "3", "--allot-url", url_, "-o", "json"});
  if (direct->status == 404 && direct->body.find("no route for") != std::string::npos) {
    // This allot has no simulate route (it is being added on another branch): the plugin says so.
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("(HTTP 404 from allot); this allot does not serve POST /api/v1/simulate"),
              std::string::npos)
        << r.err;
    return;
  }
  ASSERT_EQ(direct->status, 200) << direct->body;
  ASSERT_EQ(r.code, 0) << r.err;
  Json answer = Json::parse(direct->body);
  EXPECT_EQ(Json::parse(r.out), answer);
  PluginRun table = Plugin({"simulate", "-f", file.string(), "--replicas", "3", "--allot-url", url_});
  ASSERT_EQ(table.code, 0) << table.err;
  auto rows = Rows(table.out);
  ASSERT_EQ(rows.size(), answer["placements"].size() + 1) << table.out;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"REPLICA", "NODE", "CLAIMS"}));
  for (size_t i = 0; i < answer["placements"].size(); ++i) {
    EXPECT_EQ(rows[i + 1][0], std::to_string(i + 1));
    EXPECT_EQ(rows[i + 1][1], answer["placements"][i]["node"]);
  }
  EXPECT_NE(table.out.find("placed " + answer["placed"].dump() + "/3\n"), std::string::npos) << table.out;
}

// The service proxy path: a fake API server checks the path and credentials and forwards to allot.
class KubectlAllotProxyTest : public KubectlAllotTest {
 protected:
  void SetUp() override {
    KubectlAllotTest::SetUp();
    const std::string prefix = "/api/v1/namespaces/allot-system/services/http:allot:8888/proxy";
    auto forward = [this, prefix](const httplib::Request& req, httplib::Response& res) {
      httplib::Client allot("127.0.0.1", service_->port());
      std::string target = req.target.substr(prefix.size());
      {
        std::lock_guard<std::mutex> lock(mu_);
        bodies_.push_back(req.body);
      }
      auto answer = req.method == "GET" ? allot.Get(target) : allot.Post(target, req.body, "application/json");
      if (!answer) {
        res.status = 503;
        return;
      }
      res.status = answer->status;
      res.set_content(answer->body, "application/json");
    };
    apiserver_.On("GET", prefix + "/.*", forward);
    apiserver_.On("POST", prefix + "/.*", forward);
    kubeconfig_ = (home_ / "kubeconfig.yaml").string();
    std::ofstream(kubeconfig_) << "apiVersion: v1\nkind: Config\ncurrent-context: a\n"
                               << "clusters:\n- name: c\n  cluster: {server: \"" << apiserver_.url() << "\"}\n"
                               << "users:\n- name: ua\n  user: {token: s3cret}\n- name: ub\n  user: {token: other}\n"
                               << "contexts:\n- name: a\n  context: {cluster: c, user: ua, namespace: team-a}\n"
                               << "- name: b\n  context: {cluster: c, user: ub, namespace: team-b}\n";
  }
  std::vector<std::string> bodies() {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }
  svc::testing::FakeApiServer apiserver_;
  std::string kubeconfig_;
  std::mutex mu_;
  std::vector<std::string> bodies_;
};

TEST_F(KubectlAllotProxyTest, InventoryThroughTheServiceProxyWithTheKubeconfigsToken) {
  PluginRun direct = Plugin({"inventory", "--driver", "gpu.nvidia.com", "--allot-url", url_});
  ASSERT_EQ(direct.code, 0) << direct.err;
  PluginRun proxied = Plugin({"inventory", "--driver", "gpu.nvidia.com", "--kubeconfig", kubeconfig_});
  ASSERT_EQ(proxied.code, 0) << proxied.err;
  EXPECT_EQ(proxied.out, direct.out);
  auto requests = apiserver_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0], "GET /api/v1/namespaces/allot-system/services/http:allot:8888/proxy"
                         "/api/v1/inventory?driver=gpu.nvidia.com");
  EXPECT_EQ(apiserver_.authorization_headers()[0], "Bearer s3cret");
  // KUBECONFIG finds it as well, and -o json is still allot's answer.
  ::setenv("KUBECONFIG", ("/no/such/file:" + kubeconfig_).c_str(), 1);
  PluginRun from_env = Plugin({"inventory", "-o", "json"});
  ::unsetenv("KUBECONFIG");
  ASSERT_EQ(from_env.code, 0) << from_env.err;
  EXPECT_EQ(Json::parse(from_env.out), Get("/api/v1/inventory"));
}

TEST_F(KubectlAllotProxyTest, ExplainTakesTheContextsNamespaceAndCredentials) {
  CreateTrainer("team-a");
  PluginRun a = Plugin({"explain", "pod/trainer", "--kubeconfig", kubeconfig_, "-o", "json"});
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(Json::parse(a.out)["summary"], "2/5 nodes fit; 2 NoDevices, 1 SelectorMismatch");
  ASSERT_EQ(bodies().size(), 1u);
  EXPECT_EQ(Json::parse(bodies()[0]), Json::parse(R"({"podRef": {"namespace": "team-a", "name": "trainer"}})"));
  // --context b: its namespace (team-b, where no such pod exists) and its user's token.
  PluginRun b = Plugin({"explain", "pod/trainer", "--kubeconfig", kubeconfig_, "--context", "b"});
  EXPECT_EQ(b.code, 1);
  EXPECT_NE(b.err.find("team-b/trainer"), std::string::npos) << b.err;
  EXPECT_EQ(Json::parse(bodies()[1])["podRef"]["namespace"], "team-b");
  EXPECT_EQ(apiserver_.authorization_headers()[1], "Bearer other");
  // -n wins over the context.
  PluginRun n = Plugin({"explain", "pod/trainer", "--kubeconfig", kubeconfig_, "--context", "b", "-n", "team-a"});
  EXPECT_EQ(n.code, 0) << n.err;
}

TEST_F(KubectlAllotProxyTest, TheApiServersOwnErrorsAreReportedAsSuch) {
  // No such service: the API server (here: the fake) answers with a Status, not allot.
  PluginRun r = Plugin({"inventory", "--kubeconfig", kubeconfig_, "--allot-service", "elsewhere"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "error: NotFound: no handler (HTTP 404 from the API server)\n");
  EXPECT_EQ(apiserver_.requests()[0],
            "GET /api/v1/namespaces/allot-system/services/http:elsewhere:8888/proxy/api/v1/inventory");
  PluginRun unknown_context = Plugin({"inventory", "--kubeconfig", kubeconfig_, "--context", "nope"});
  EXPECT_EQ(unknown_context.code, 1);
  EXPECT_NE(unknown_context.err.find("nope"), std::string::npos) << unknown_context.err;
  PluginRun no_kubeconfig = Plugin({"inventory"});
  EXPECT_EQ(no_kubeconfig.code, 1);
  EXPECT_NE(no_kubeconfig.err.find("no kubeconfig found"), std::string::npos) << no_kubeconfig.err;
}

#ifdef ALLOT_BINARY_DIR
// The built binary under its plugin name (the symlink the build creates) and as `allot kubectl`.
TEST_F(KubectlAllotTest, TheBinaryRunsThePluginAsKubectlAllotAndAsAllotKubectl) {
  Json want = Get("/api/v1/inventory?class=gpu.example.com");
  for (const std::string& command : {std::string(ALLOT_BINARY_DIR) + "/kubectl-allot",
                                    std::string(ALLOT_BINARY_DIR) + "/allot kubectl"}) {
    std::string line = command + " inventory --class gpu.example.com -o json --allot-url " + url_;
    FILE* pipe = ::popen(line.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
    int status = ::pclose(pipe);
    EXPECT_EQ(status, 0) << line;
    EXPECT_EQ(Json::parse(out, nullptr, false), want) << line << ": " << out;
  }
}
#endif

}  // namespace
}  // namespace allot::svc::kubectl
