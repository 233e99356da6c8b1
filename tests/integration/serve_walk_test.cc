// The README/docs/service.md curl walk, performed over HTTP against an in-process `allot serve` on the
// demo cluster: create a claim and a pod, filter, prioritize, bind, read the allocation back. Plus the
// server's robustness (malformed and oversized bodies keep it serving) and its metrics.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "service/service.h"

namespace allot::svc {
namespace {

using namespace std::chrono_literals;

class ServeWalkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceConfig config;
    config.force_demo = true;
    config.demo_dir = "deploy/demo";
    config.http.host = "127.0.0.1";
    config.http.port = 0;
    config.http.workers = 4;
    config.http.max_body_bytes = 1 << 20;
    auto service = Service::Create(config);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = std::move(service).value();
    ASSERT_TRUE(service_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", service_->port());
    client_->set_read_timeout(10, 0);
  }
  void TearDown() override {
    client_.reset();
    if (service_) service_->Stop();
  }
  void WaitReady() {
    for (int i = 0; i < 1000; ++i) {
      auto res = client_->Get("/readyz");
      if (res && res->status == 200) return;
      std::this_thread::sleep_for(5ms);
    }
    FAIL() << "never ready";
  }
  Json PostJson(const std::string& path, const std::string& body, int want_status) {
    auto res = client_->Post(path, body, "application/json");
    EXPECT_TRUE(res) << path;
    if (!res) return Json();
    EXPECT_EQ(res->status, want_status) << path << ": " << res->body;
    return Json::parse(res->body);
  }
  std::unique_ptr<Service> service_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServeWalkTest, CurlWalkFilterPrioritizeBindAndReadBack) {
  WaitReady();
  EXPECT_EQ(client_->Get("/healthz")->body, "ok\n");

  // 1. A claim for one GPU with at least 40Gi of memory, and a pod using it.
  Json claim = PostJson("/api/v1/demo/objects", R"({
    "apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim",
    "metadata": {"name": "gpu-40gi", "namespace": "default"},
    "spec": {"devices": {"requests": [{"name": "gpu", "exactly": {
      "deviceClassName": "gpu.example.com",
      "selectors": [{"cel": {"expression": "device.capacity['gpu.example.com'].memory.compareTo(quantity('40Gi')) >= 0"}}]}}]}}})",
                        201);
  EXPECT_EQ(claim["metadata"]["name"], "gpu-40gi");
  Json pod = PostJson("/api/v1/demo/objects", R"({
    "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "trainer", "namespace": "default"},
    "spec": {"schedulerName": "allot", "resourceClaims": [{"name": "gpu", "resourceClaimName": "gpu-40gi"}],
             "containers": [{"name": "main", "image": "busybox", "resources": {"claims": [{"name": "gpu"}]}}]}})",
                      201);
  std::string uid = pod["metadata"]["uid"];
  ASSERT_FALSE(uid.empty());
  // The claim reaches allot's store through the watch.
  for (int i = 0; i < 1000; ++i) {
    auto res = client_->Get("/api/v1/claims/default/gpu-40gi");
    if (res && res->status == 200) break;
    std::this_thread::sleep_for(5ms);
  }

  // 2. filter (as kube-scheduler sends it, under the urlPrefix).
  Json args = {{"Pod", pod}, {"Nodes", nullptr},
               {"NodeNames", {"gpu-node-1", "gpu-node-2", "dgx-h100-01", "shared-gpu-node-1", "cpu-node-1"}}};
  Json filtered = PostJson("/allot/filter", args.dump(), 200);
  EXPECT_EQ(filtered["Error"], "");
  EXPECT_EQ(filtered["NodeNames"], Json({"gpu-node-1", "shared-gpu-node-1"}));
  EXPECT_EQ(filtered["FailedNodes"]["gpu-node-2"],
            "claim gpu-40gi, request gpu: SelectorMismatch (no device of the class passes the request's selectors)");

  // 3. prioritize the survivors.
  args["NodeNames"] = filtered["NodeNames"];
  Json scores = PostJson("/allot/prioritize", args.dump(), 200);
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_EQ(scores[0]["Host"], "gpu-node-1");

  // 4. bind to gpu-node-1.
  Json bound = PostJson("/allot/bind",
                        Json({{"PodName", "trainer"}, {"PodNamespace", "default"}, {"PodUID", uid}, {"Node", "gpu-node-1"}})
                            .dump(),
                        200);
  EXPECT_EQ(bound, Json({{"Error", ""}}));

  // 5. read the allocation back.
  Json read_back;
  for (int i = 0; i < 1000; ++i) {
    auto res = client_->Get("/api/v1/claims/default/gpu-40gi");
    ASSERT_TRUE(res);
    read_back = Json::parse(res->body);
    if (read_back.contains("status") && read_back["status"].contains("allocation")) break;
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(read_back["status"].contains("allocation")) << read_back.dump();
  const Json& result = read_back["status"]["allocation"]["devices"]["results"][0];
  EXPECT_EQ(result["driver"], "gpu.example.com");
  EXPECT_EQ(result["pool"], "gpu-node-1");
  EXPECT_EQ(read_back["status"]["reservedFor"][0]["uid"], uid);

  auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("allot_bind_total{result=\"bound\"} 1"), std::string::npos);
  EXPECT_NE(metrics->get_header_value("Content-Type").find("text/plain"), std::string::npos);
}

TEST_F(ServeWalkTest, BadRequestsGetJsonErrorsAndTheServerKeepsServing) {
  WaitReady();
  Json not_json = PostJson("/filter", "{not json", 400);
  EXPECT_NE(not_json["error"].get<std::string>().find("invalid JSON"), std::string::npos);
  Json wrong_type = PostJson("/bind", R"({"PodName": 42})", 400);
  EXPECT_NE(wrong_type["error"].get<std::string>().find("PodName"), std::string::npos);
  std::string huge(2 << 20, ' ');
  auto too_big = client_->Post("/filter", huge, "application/json");
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
  // `curl -d` with a JSON body over 8 KiB: form-encoded, which cpp-httplib limits to 8 KiB before any handler.
  // The answer names the content type (415), not a size limit the body does not exceed; small form-encoded
  // bodies are read as JSON like any other.
  std::string big_json = R"({"Pod": {"metadata": {"name": "p", "namespace": "default", "uid": "u", "annotations": {"pad": ")" +
                         std::string(10000, 'x') + R"("}}}, "NodeNames": ["gpu-node-1"]})";
  auto form = client_->Post("/filter", big_json, "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 415) << form->body;
  EXPECT_NE(Json::parse(form->body)["error"].get<std::string>().find("application/json"), std::string::npos) << form->body;
  auto as_json = client_->Post("/filter", big_json, "application/json");
  ASSERT_TRUE(as_json);
  EXPECT_EQ(as_json->status, 200) << as_json->body;
  auto small_form = client_->Post("/filter", R"({"Pod": {"metadata": {"name": "p", "namespace": "default", "uid": "u"}}, "NodeNames": ["gpu-node-1"]})",
                                  "application/x-www-form-urlencoded");
  ASSERT_TRUE(small_form);
  EXPECT_EQ(small_form->status, 200) << small_form->body;
  auto unknown = client_->Get("/nope");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(Json::parse(unknown->body)["error"].get<std::string>().find("/nope"), std::string::npos);
  // Still serving, on a fresh connection too.
  httplib::Client fresh("127.0.0.1", service_->port());
  EXPECT_EQ(fresh.Get("/healthz")->status, 200);
  EXPECT_EQ(client_->Get("/readyz")->status, 200);
  EXPECT_EQ(service_->metrics().ValueForTest("allot_http_bad_requests_total", {{"route", "filter"}}), 1);
  EXPECT_EQ(service_->metrics().ValueForTest("allot_http_bad_requests_total", {{"route", "other"}}), 2);  // 413 + 415
}

}  // namespace
}  // namespace allot::svc
