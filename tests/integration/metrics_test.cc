// /readyz before sync, `promtool check metrics` on /metrics, and a real Prometheus (Debian package)
// scraping allot on loopback and answering a query for one of its metrics.
#include <signal.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "service/service.h"
#include "tests/service/fake_apiserver.h"

namespace allot::svc {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::unique_ptr<Service> StartDemo() {
  ServiceConfig config;
  config.force_demo = true;
  config.http.host = "127.0.0.1";
  config.http.port = 0;
  auto service = Service::Create(config);
  EXPECT_TRUE(service.ok()) << service.status();
  EXPECT_TRUE((*service)->Start().ok());
  EXPECT_TRUE((*service)->WaitForSync(10s));
  return std::move(service).value();
}

// A port that was free a moment ago (bound to 0, read back, closed).
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(ReadyzTest, Is503UntilEveryKindIsSynced) {
  testing::FakeApiServer api;
  api.OnGet(".*", [](const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content(R"({"kind":"Status","code":500,"message":"not yet"})", "application/json");
  });
  fs::path kubeconfig = fs::temp_directory_path() / ("allot-readyz-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(kubeconfig) << "current-context: t\nclusters: [{name: c, cluster: {server: \"" << api.url()
                            << "\"}}]\nusers: [{name: u, user: {token: x}}]\ncontexts: [{name: t, context: {cluster: c, user: u}}]\n";
  ServiceConfig config;
  config.kubeconfig = kubeconfig.string();
  config.http.host = "127.0.0.1";
  config.http.port = 0;
  config.reflector.initial_backoff = 10ms;
  auto service = Service::Create(config);
  ASSERT_TRUE(service.ok()) << service.status();
  ASSERT_TRUE((*service)->Start().ok());
  httplib::Client client("127.0.0.1", (*service)->port());
  auto res = client.Get("/readyz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_NE(res->body.find("resourceslices"), std::string::npos);
  // Filter with claims answers an error while unsynced (pods without claims still pass).
  auto filtered = client.Post("/filter",
                              R"({"Pod":{"metadata":{"name":"p","uid":"u"},"spec":{"resourceClaims":[{"name":"g","resourceClaimName":"c"}]}},"NodeNames":["n"]})",
                              "application/json");
  ASSERT_TRUE(filtered);
  EXPECT_NE(Json::parse(filtered->body)["Error"].get<std::string>().find("not synced"), std::string::npos);
  (*service)->Stop();
  fs::remove(kubeconfig);
  EXPECT_GT(api.CountRequests("/api/v1/nodes?limit=500"), 0u);
}

TEST(MetricsTest, PromtoolAcceptsTheExposition) {
  if (::access("/usr/bin/promtool", X_OK) != 0) GTEST_SKIP() << "promtool not installed";
  auto service = StartDemo();
  httplib::Client client("127.0.0.1", service->port());
  // Exercise a few series first.
  client.Post("/filter", "{", "application/json");
  client.Get("/readyz");
  auto res = client.Get("/metrics");
  ASSERT_TRUE(res);
  fs::path file = fs::temp_directory_path() / ("allot-metrics-" + std::to_string(::getpid()) + ".txt");
  std::ofstream(file) << res->body;
  std::string cmd = "/usr/bin/promtool check metrics < " + file.string() + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof(buf), pipe)) output.append(buf, n);
  int rc = ::pclose(pipe);
  fs::remove(file);
  EXPECT_EQ(rc, 0) << output;
  EXPECT_EQ(output, "") << "promtool lint findings";
  // Families without children are not exposed; these have children after the requests above.
  for (const char* name : {"allot_build_info", "allot_http_requests_total", "allot_http_request_duration_seconds",
                           "allot_watch_synced", "allot_store_objects", "allot_http_bad_requests_total"}) {
    EXPECT_NE(res->body.find(std::string("# TYPE ") + name), std::string::npos) << name;
  }
  service->Stop();
}

TEST(MetricsTest, RealPrometheusScrapesAllot) {
  if (::access("/usr/bin/prometheus", X_OK) != 0) GTEST_SKIP() << "prometheus not installed";
  auto service = StartDemo();
  fs::path dir = fs::temp_directory_path() / ("allot-prom-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "prometheus.yml") << "global: {scrape_interval: 1s}\nscrape_configs:\n- job_name: allot\n"
                                        << "  static_configs: [{targets: ['127.0.0.1:" << service->port() << "']}]\n";
  int prom_port = FreePort();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string config = "--config.file=" + (dir / "prometheus.yml").string();
    std::string storage = "--storage.tsdb.path=" + (dir / "data").string();
    std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(prom_port);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execl("/usr/bin/prometheus", "prometheus", config.c_str(), storage.c_str(), listen.c_str(), nullptr);
    ::_exit(127);
  }
  httplib::Client prom("127.0.0.1", prom_port);
  std::string value;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto res = prom.Get("/api/v1/query?query=allot_build_info");
    if (res && res->status == 200) {
      Json body = Json::parse(res->body, nullptr, false);
      if (body.is_object() && !body["data"]["result"].empty()) {
        value = body["data"]["result"][0]["value"][1].get<std::string>();
        EXPECT_EQ(body["data"]["result"][0]["metric"]["version"], "0.1.0");
        break;
      }
    }
    std::this_thread::sleep_for(200ms);
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  fs::remove_all(dir);
  service->Stop();
  EXPECT_EQ(value, "1") << "Prometheus never reported allot_build_info";
}

}  // namespace
}  // namespace allot::svc
