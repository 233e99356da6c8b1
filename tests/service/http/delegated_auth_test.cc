// --tooling-auth=delegated (service/http/delegated_auth.h): TokenReview + SubjectAccessReview against a fake
// API server that records what it is asked; the caches; the answers a caller gets; and the HTTP server's
// kTooling check (401 with WWW-Authenticate, 403, open probes).
#include <atomic>
#include <mutex>
#include <string>

#include <gtest/gtest.h>
#include <httplib.h>

#include "service/http/delegated_auth.h"
#include "service/http/server.h"
#include "service/watch/http_kube_client.h"
#include "tests/service/fake_apiserver.h"

namespace allot::svc {
namespace {

using testing::FakeApiServer;

// The fake's identity provider: token "alice-token" is alice (groups devs), "bob-token" is bob; alice may get
// /api/v1/inventory and post /api/v1/explain; everything else is denied with a reason.
class DelegatedAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api_.On("POST", "/apis/authentication.k8s.io/v1/tokenreviews", [this](const httplib::Request& req, httplib::Response& res) {
      ++token_reviews_;
      if (fail_token_reviews_) {
        res.status = 500;
        res.set_content(R"({"kind":"Status","code":500,"message":"etcd is sad"})", "application/json");
        return;
      }
      Json review = Json::parse(req.body);
      EXPECT_EQ(review["kind"], "TokenReview");
      const std::string token = review["spec"]["token"];
      Json status = {{"authenticated", false}};
      if (token == "alice-token") {
        status = {{"authenticated", true},
                  {"user", {{"username", "alice"}, {"uid", "u-alice"}, {"groups", {"devs", "system:authenticated"}},
                            {"extra", {{"scopes", {"read"}}}}}}};
      } else if (token == "bob-token") {
        status = {{"authenticated", true}, {"user", {{"username", "bob"}, {"groups", {"system:authenticated"}}}}};
      }
      review["status"] = status;
      res.set_content(review.dump(), "application/json");
    });
    api_.On("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            [this](const httplib::Request& req, httplib::Response& res) {
              ++access_reviews_;
              Json review = Json::parse(req.body);
              {
                std::lock_guard<std::mutex> lock(mu_);
                last_access_review_ = review;
              }
              const Json& spec = review["spec"];
              const std::string user = spec["user"];
              const std::string path = spec["nonResourceAttributes"]["path"];
              const std::string verb = spec["nonResourceAttributes"]["verb"];
              bool allowed = user == "alice" && ((path == "/allot/api/v1/inventory" && verb == "get") ||
                                                 (path == "/allot/api/v1/explain" && verb == "post"));
              review["status"] = allowed ? Json{{"allowed", true}}
                                         : Json{{"allowed", false}, {"reason", "no RBAC rule allows it"}};
              res.set_content(review.dump(), "application/json");
            });
    ClusterConnection conn;
    conn.server = api_.url();
    auto client = HttpKubeClient::Create(conn);
    ASSERT_TRUE(client.ok()) << client.status();
    kube_ = std::move(client).value();
  }

  FakeApiServer api_;
  std::unique_ptr<HttpKubeClient> kube_;
  std::atomic<int> token_reviews_{0};
  std::atomic<int> access_reviews_{0};
  std::atomic<bool> fail_token_reviews_{false};
  Json LastAccessReview() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_access_review_;
  }
  std::mutex mu_;
  Json last_access_review_;  // written on the fake's threads
};

TEST_F(DelegatedAuthTest, TokenThenAccessReviewDecideAndAreCached) {
  DelegatedAuthorizer auth(*kube_, DelegatedAuthOptions{.url_prefix = "/allot"});

  AuthDecision none = auth.Authorize("", "GET", "/api/v1/inventory");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(auth.Authorize("Basic YWxpY2U6cHc=", "GET", "/api/v1/inventory").status, 401);
  EXPECT_EQ(token_reviews_.load(), 0) << "no token, no review";

  EXPECT_EQ(auth.Authorize("Bearer nobody-token", "GET", "/api/v1/inventory").status, 401);

  // Under the URL prefix or not, the review names the path under /allot (never /api/*, which every
  // authenticated user may get by default) and the lower-case method.
  AuthDecision alice = auth.Authorize("Bearer alice-token", "GET", "/allot/api/v1/inventory");
  EXPECT_TRUE(alice.allowed()) << alice.message;
  EXPECT_EQ(alice.user, "alice");
  const Json spec = LastAccessReview()["spec"];
  EXPECT_EQ(spec["nonResourceAttributes"], Json({{"path", "/allot/api/v1/inventory"}, {"verb", "get"}}));
  EXPECT_EQ(spec["groups"], Json({"devs", "system:authenticated"}));
  EXPECT_EQ(spec["uid"], "u-alice");
  EXPECT_EQ(spec["extra"], Json({{"scopes", {"read"}}}));
  EXPECT_TRUE(auth.Authorize("bearer alice-token", "POST", "/api/v1/explain").allowed());

  // Cached: the same questions again ask the API server nothing.
  const int tokens = token_reviews_.load(), accesses = access_reviews_.load();
  EXPECT_TRUE(auth.Authorize("Bearer alice-token", "GET", "/api/v1/inventory").allowed());
  EXPECT_TRUE(auth.Authorize("Bearer alice-token", "GET", "/allot/api/v1/inventory").allowed());
  EXPECT_EQ(auth.Authorize("Bearer nobody-token", "GET", "/api/v1/inventory").status, 401);
  EXPECT_EQ(token_reviews_.load(), tokens);
  EXPECT_EQ(access_reviews_.load(), accesses);

  // Denied: 403 naming the verb, path and the rule that would allow it, with the API server's reason.
  AuthDecision bob = auth.Authorize("Bearer bob-token", "GET", "/api/v1/inventory");
  EXPECT_EQ(bob.status, 403);
  EXPECT_NE(bob.message.find("user \"bob\" may not get /allot/api/v1/inventory"), std::string::npos) << bob.message;
  EXPECT_NE(bob.message.find("nonResourceURLs"), std::string::npos) << bob.message;
  EXPECT_NE(bob.message.find("no RBAC rule allows it"), std::string::npos) << bob.message;
  AuthDecision simulate = auth.Authorize("Bearer alice-token", "POST", "/api/v1/simulate");
  EXPECT_EQ(simulate.status, 403) << "alice may explain but not simulate";
}

TEST_F(DelegatedAuthTest, ApiServerFailureIs503AndNotCached) {
  DelegatedAuthOptions options;
  options.url_prefix = "/allot";
  DelegatedAuthorizer auth(*kube_, options);
  fail_token_reviews_ = true;
  AuthDecision d = auth.Authorize("Bearer alice-token", "GET", "/metrics");
  EXPECT_EQ(d.status, 503);
  EXPECT_NE(d.message.find("cannot check the token"), std::string::npos) << d.message;
  fail_token_reviews_ = false;
  const int before = token_reviews_.load();
  AuthDecision metrics = auth.Authorize("Bearer alice-token", "GET", "/allot/metrics");  // reviewed again
  EXPECT_EQ(metrics.status, 403);
  EXPECT_NE(metrics.message.find("may not get /metrics "), std::string::npos) << "/metrics keeps its own path: "
                                                                              << metrics.message;
  EXPECT_EQ(token_reviews_.load(), before + 1);
}

TEST_F(DelegatedAuthTest, ExpiredEntriesAreReviewedAgain) {
  DelegatedAuthOptions options;
  options.token_ttl = std::chrono::seconds(0);
  options.decision_ttl = std::chrono::seconds(0);
  DelegatedAuthorizer auth(*kube_, options);
  EXPECT_TRUE(auth.Authorize("Bearer alice-token", "GET", "/api/v1/inventory").allowed());
  EXPECT_TRUE(auth.Authorize("Bearer alice-token", "GET", "/api/v1/inventory").allowed());
  EXPECT_EQ(token_reviews_.load(), 2);
  EXPECT_EQ(access_reviews_.load(), 2);
  EXPECT_EQ(auth.reviews_sent(), 4);
}

TEST(HttpServerAccessTest, ToolingRoutesAskTheAuthorizerOthersDoNot) {
  ServiceMetrics metrics;
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  HttpServer http(options, metrics);
  std::atomic<int> asked{0};
  http.SetToolingAuthorizer([&](std::string_view authorization, std::string_view method, std::string_view path) {
    ++asked;
    if (authorization.empty()) return AuthDecision{401, "authentication required", ""};
    if (method == "GET" && path == "/tooling") return AuthDecision{200, "", "alice"};
    return AuthDecision{403, "no", "alice"};
  });
  auto ok = [](const httplib::Request&, httplib::Response& res) { res.set_content("{}", "application/json"); };
  http.Get("/tooling", "tooling", ok, Access::kTooling);
  http.Get("/healthz", "healthz", ok, Access::kAnyone);
  ASSERT_TRUE(http.Start().ok());
  httplib::Client c("127.0.0.1", http.port());

  auto anonymous = c.Get("/tooling");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(anonymous->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_NE(anonymous->body.find("authentication required"), std::string::npos);
  auto alice = c.Get("/tooling", httplib::Headers{{"Authorization", "Bearer x"}});
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->status, 200);
  const int before = asked.load();
  auto health = c.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(asked.load(), before) << "kAnyone routes must not ask";
  http.Stop();
}

}  // namespace
}  // namespace allot::svc
