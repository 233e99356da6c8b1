// HttpKubeClient against the fake API server: paths, bodies, auth header, error classification.
#include "service/watch/http_kube_client.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "service/watch/protobuf_object.h"
#include "tests/service/fake_apiserver.h"
#include "tests/service/watch/protobuf_test_util.h"

namespace allot::svc {
namespace {

using testing::FakeApiServer;

std::unique_ptr<HttpKubeClient> ClientFor(const FakeApiServer& server, ClusterConnection conn = {}) {
  conn.server = server.url();
  auto client = HttpKubeClient::Create(conn);
  EXPECT_TRUE(client.ok()) << client.status();
  return std::move(client).value();
}

void Answer(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

TEST(HttpKubeClientTest, GetUpdateStatusAndBindingUseTheRightPaths) {
  FakeApiServer server;
  server.OnGet("/apis/resource.k8s.io/v1/namespaces/ns/resourceclaims/c1", [](const auto&, auto& res) {
    Answer(res, 200, R"({"metadata":{"name":"c1","namespace":"ns","resourceVersion":"4711"}})");
  });
  std::string put_body;
  server.On("PUT", "/apis/resource.k8s.io/v1/namespaces/ns/resourceclaims/c1/status",
            [&](const httplib::Request& req, auto& res) {
              put_body = req.body;
              Answer(res, 200, R"({"metadata":{"name":"c1","namespace":"ns","resourceVersion":"4712"}})");
            });
  server.On("POST", "/api/v1/namespaces/ns/pods/p/binding",
            [](const auto&, auto& res) { Answer(res, 201, R"({"kind":"Status","status":"Success"})"); });
  ClusterConnection conn;
  conn.token = "t0k";
  auto client = ClientFor(server, conn);

  auto claim = client->Get(ResourceClaimsResource(), "ns", "c1");
  ASSERT_TRUE(claim.ok()) << claim.status();
  EXPECT_EQ(ResourceVersionOf(*claim), "4711");
  (*claim)["status"]["reservedFor"] = Json::array({{{"resource", "pods"}, {"name", "p"}, {"uid", "u-1"}}});
  auto updated = client->UpdateStatus(ResourceClaimsResource(), *claim);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(ResourceVersionOf(*updated), "4712");
  EXPECT_EQ(Json::parse(put_body)["metadata"]["resourceVersion"], "4711");

  Json binding = {{"apiVersion", "v1"}, {"kind", "Binding"}, {"metadata", {{"name", "p"}, {"uid", "u-1"}}},
                  {"target", {{"kind", "Node"}, {"name", "node-1"}}}};
  auto bound = client->CreateSubresource(PodsResource(), "ns", "p", "binding", binding);
  ASSERT_TRUE(bound.ok()) << bound.status();
  EXPECT_EQ((*bound)["status"], "Success");
  for (const auto& auth : server.authorization_headers()) EXPECT_EQ(auth, "Bearer t0k");
}

TEST(HttpKubeClientTest, AddFinalizerIsAProtobufReadModifyWrite) {
  // The stored claim has opaque parameters with whitespace; a JSON write would change those bytes and the
  // real API server would refuse it as an immutable-spec change. The PUT must carry them unchanged.
  const std::string finalizer = "resource.kubernetes.io/delete-protection";
  const std::string stored = testing::ClaimEnvelope(testing::ClaimMeta({"other/finalizer"}));
  const std::string path = "/apis/resource.k8s.io/v1/namespaces/ns/resourceclaims/claim-1";
  FakeApiServer server;
  std::string get_accept, put_type, put_accept, put_body;
  server.OnGet(path, [&](const httplib::Request& req, auto& res) {
    get_accept = req.get_header_value("Accept");
    res.status = 200;
    res.set_content(stored, std::string(kProtobufContentType));
  });
  server.On("PUT", path, [&](const httplib::Request& req, auto& res) {
    put_type = req.get_header_value("Content-Type");
    put_accept = req.get_header_value("Accept");
    put_body = req.body;
    Answer(res, 200, R"({"metadata":{"name":"claim-1","namespace":"ns","resourceVersion":"4712",)"
                     R"("finalizers":["other/finalizer","resource.kubernetes.io/delete-protection"]}})");
  });
  auto client = ClientFor(server);

  auto updated = client->AddFinalizer(ResourceClaimsResource(), "ns", "claim-1", "4711", finalizer);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(ResourceVersionOf(*updated), "4712");
  EXPECT_EQ(get_accept, kProtobufContentType);
  EXPECT_EQ(put_type, kProtobufContentType);
  EXPECT_EQ(put_accept, "application/json");
  EXPECT_EQ(put_body, testing::ClaimEnvelope(testing::ClaimMeta({"other/finalizer"}) + testing::Bytes(14, finalizer)));

  // A resourceVersion that moved on is a conflict, and nothing is written.
  put_body.clear();
  auto stale = client->AddFinalizer(ResourceClaimsResource(), "ns", "claim-1", "4700", finalizer);
  EXPECT_TRUE(IsConflict(stale.status())) << stale.status();
  EXPECT_TRUE(put_body.empty());
}

TEST(HttpKubeClientTest, ClassifiesErrors) {
  FakeApiServer server;
  server.On("PUT", ".*/conflict", [](const auto&, auto& res) {
    Answer(res, 409, R"({"kind":"Status","reason":"Conflict","code":409,"message":"the object has been modified"})");
  });
  server.OnGet(".*/forbidden", [](const auto&, auto& res) {
    Answer(res, 403, R"({"kind":"Status","reason":"Forbidden","code":403,"message":"cannot get"})");
  });
  auto client = ClientFor(server);

  auto missing = client->Get(NodesResource(), "", "absent");
  EXPECT_TRUE(IsNotFound(missing.status())) << missing.status();

  Json obj = {{"metadata", {{"name", "conflict"}, {"namespace", "ns"}, {"resourceVersion", "1"}}}};
  auto conflict = client->Update(ResourceClaimsResource(), obj);
  EXPECT_TRUE(IsConflict(conflict.status())) << conflict.status();
  EXPECT_NE(conflict.status().message().find("the object has been modified"), std::string_view::npos);

  auto forbidden = client->Get(NodesResource(), "", "forbidden");
  EXPECT_EQ(forbidden.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(forbidden.status().message().find("HTTP 403 Forbidden"), std::string_view::npos);
  EXPECT_FALSE(IsGone(forbidden.status()));

  ClusterConnection dead;
  dead.server = "http://127.0.0.1:1";
  auto unreachable = HttpKubeClient::Create(dead);
  ASSERT_TRUE(unreachable.ok());
  EXPECT_EQ((*unreachable)->Get(NodesResource(), "", "x").status().code(), StatusCode::kUnavailable);
}

TEST(HttpKubeClientTest, TokenFileIsReadAndObserverSeesCalls) {
  FakeApiServer server;
  server.OnGet("/api/v1/nodes/n1", [](const auto&, auto& res) { Answer(res, 200, R"({"metadata":{"name":"n1"}})"); });
  auto token_path = std::filesystem::temp_directory_path() / ("allot-token-" + std::to_string(::getpid()));
  std::ofstream(token_path) << "rotating-token\n";
  ClusterConnection conn;
  conn.server = server.url();
  conn.token_file = token_path.string();
  std::vector<std::string> seen;
  HttpKubeClientOptions options;
  options.observer = [&](std::string_view verb, int code, double) { seen.push_back(std::string(verb) + ":" + std::to_string(code)); };
  auto client = HttpKubeClient::Create(conn, options);
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->Get(NodesResource(), "", "n1").ok());
  std::filesystem::remove(token_path);
  EXPECT_EQ(server.authorization_headers().at(0), "Bearer rotating-token");
  EXPECT_EQ(seen, std::vector<std::string>{"get:200"});
}

TEST(HttpKubeClientTest, RejectsBadServerUrlsAndPem) {
  ClusterConnection conn;
  conn.server = "ftp://x";
  EXPECT_EQ(HttpKubeClient::Create(conn).status().code(), StatusCode::kInvalidArgument);
  conn.server = "https://x:6443";
  conn.ca_pem = "not a pem";
  EXPECT_EQ(HttpKubeClient::Create(conn).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(UrlEncode("a b/c"), "a%20b%2Fc");
}

}  // namespace
}  // namespace allot::svc
