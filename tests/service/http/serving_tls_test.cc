// `allot serve` over HTTPS (service/http/serving_tls.h): the serving certificate, client certificates guarding
// the extender verbs (and only them), rotation of the certificate files, and the flag checks. An in-process
// service on the demo cluster; certificates from the openssl command line (tests/service/tls_files.h).
#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "service/config/serve_config.h"
#include "service/service.h"
#include "tests/service/tls_files.h"

namespace allot::svc {
namespace {

using namespace std::chrono_literals;
using tlstest::TlsFiles;

// A filter request for a pod without claims: every node passes; the answer is 200 whoever asks, unless the
// caller is refused.
constexpr char kFilterBody[] =
    R"({"Pod": {"metadata": {"name": "p", "namespace": "default", "uid": "u1"}}, "NodeNames": ["gpu-node-1"]})";

class ServingTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "openssl command not installed";
    ASSERT_EQ(files_.error(), "");
  }
  void TearDown() override {
    if (service_) service_->Stop();
  }

  void Serve(bool client_ca) {
    ServiceConfig config;
    config.force_demo = true;
    config.demo_dir = "deploy/demo";
    config.http.host = "127.0.0.1";
    config.http.port = 0;
    config.http.workers = 4;
    config.http.tls.cert_file = files_.path("server.crt");
    config.http.tls.key_file = files_.path("server.key");
    if (client_ca) config.http.tls.client_ca_file = files_.path("ca.crt");
    config.http.tls.reload_check_interval = 0ms;  // every handshake looks at the files
    auto service = Service::Create(config);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = std::move(service).value();
    ASSERT_TRUE(service_->Start().ok());
  }

  // A new connection trusting `ca`, presenting the client certificate `client` ("" = none). Each call opens
  // its own connection, so each sees the serving certificate of that moment.
  std::unique_ptr<httplib::SSLClient> Client(const std::string& ca, const std::string& client = "") {
    auto c = client.empty() ? std::make_unique<httplib::SSLClient>("127.0.0.1", service_->port())
                            : std::make_unique<httplib::SSLClient>("127.0.0.1", service_->port(),
                                                                   files_.path(client + ".crt"),
                                                                   files_.path(client + ".key"));
    c->set_ca_cert_path(files_.path(ca + ".crt").c_str());
    c->enable_server_certificate_verification(true);
    c->set_connection_timeout(5, 0);
    c->set_read_timeout(10, 0);
    return c;
  }

  TlsFiles files_;
  std::unique_ptr<Service> service_;
};

TEST_F(ServingTlsTest, HttpsWithoutClientCaLeavesEveryRouteOpen) {
  Serve(false);
  auto healthz = Client("ca")->Get("/healthz");
  ASSERT_TRUE(healthz) << httplib::to_string(healthz.error());
  EXPECT_EQ(healthz->status, 200);
  auto filter = Client("ca")->Post("/filter", kFilterBody, "application/json");
  ASSERT_TRUE(filter);
  EXPECT_EQ(filter->status, 200) << filter->body;
  // A client that trusts another CA refuses the server's certificate.
  EXPECT_FALSE(Client("other")->Get("/healthz"));
  // Plain HTTP gets no answer from an HTTPS port.
  httplib::Client plain("127.0.0.1", service_->port());
  plain.set_read_timeout(5, 0);
  auto res = plain.Get("/healthz");
  EXPECT_TRUE(!res || res->status != 200);
}

TEST_F(ServingTlsTest, VerbsAnswerOnlyCallersWithAClientCertificateFromTheCa) {
  Serve(true);
  // Probes and the tooling API need no client certificate.
  for (const char* path : {"/healthz", "/metrics", "/openapi.json", "/api/v1/inventory"}) {
    auto res = Client("ca")->Get(path);
    ASSERT_TRUE(res) << path << ": " << httplib::to_string(res.error());
    EXPECT_NE(res->status, 403) << path;
  }
  // The verbs, at both paths (with and without --url-prefix), refuse a caller without a certificate ...
  for (const char* path : {"/filter", "/prioritize", "/bind", "/allot/filter", "/allot/bind"}) {
    auto res = Client("ca")->Post(path, kFilterBody, "application/json");
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 403) << path << ": " << res->body;
    auto body = Json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << res->body;
    EXPECT_NE(body.value("error", "").find("client certificate"), std::string::npos) << res->body;
  }
  // ... and answer one with a certificate signed by the client CA.
  auto ok = Client("ca", "client")->Post("/filter", kFilterBody, "application/json");
  ASSERT_TRUE(ok) << httplib::to_string(ok.error());
  EXPECT_EQ(ok->status, 200) << ok->body;
  auto nodes = Json::parse(ok->body);
  EXPECT_EQ(nodes["NodeNames"], Json::array({"gpu-node-1"})) << ok->body;
  // A certificate from another CA fails the handshake: no answer at all.
  files_.Issue("stranger", "/CN=stranger", "other", false);
  ASSERT_EQ(files_.error(), "");
  EXPECT_FALSE(Client("ca", "stranger")->Post("/filter", kFilterBody, "application/json"));
}

TEST_F(ServingTlsTest, RotatedCertificateFilesAreServedToNewConnections) {
  Serve(false);
  ASSERT_TRUE(Client("ca")->Get("/healthz"));
  EXPECT_FALSE(Client("other")->Get("/healthz"));

  // A half-written pair (garbage certificate) is not taken: the old certificate stays in use.
  std::filesystem::copy_file(files_.path("server.crt"), files_.path("server.crt.bak"));
  std::ofstream(files_.path("server.crt")) << "-----BEGIN CERTIFICATE-----\nnot base64\n";
  EXPECT_TRUE(Client("ca")->Get("/healthz"));

  // Rotation: a new pair signed by the other CA replaces the files (as a Secret update does).
  files_.Issue("rotated", "/CN=rotated", "other", true);
  ASSERT_EQ(files_.error(), "");
  std::filesystem::copy_file(files_.path("rotated.key"), files_.path("server.key"),
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(files_.path("rotated.crt"), files_.path("server.crt"),
                             std::filesystem::copy_options::overwrite_existing);
  bool rotated = false;
  for (int i = 0; i < 50 && !rotated; ++i) {  // the files' mtime may equal the last check's within one tick
    rotated = static_cast<bool>(Client("other")->Get("/healthz"));
    if (!rotated) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(rotated) << "the rotated certificate was never served";
  EXPECT_FALSE(Client("ca")->Get("/healthz")) << "the old certificate is still served";
}

TEST(ServingTlsFlagsTest, BadCombinationsAndFilesFailAtStart) {
  EXPECT_FALSE(ParseServeFlags({"--client-ca-file", "ca.crt"}).ok());
  EXPECT_FALSE(ParseServeFlags({"--tls-cert-file", "a.crt"}).ok());
  EXPECT_FALSE(ParseServeFlags({"--tls-private-key-file", "a.key"}).ok());
  auto parsed = ParseServeFlags({"--tls-cert-file", "a.crt", "--tls-private-key-file", "a.key", "--client-ca-file", "c"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.http.tls.client_ca_file, "c");

  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "openssl command not installed";
  TlsFiles files;
  ASSERT_EQ(files.error(), "");
  ServingTlsOptions o;
  o.cert_file = files.path("server.crt");
  o.key_file = files.path("client.key");  // a key, but not the certificate's
  auto mismatched = ServingTls::Create(o);
  ASSERT_FALSE(mismatched.ok());
  EXPECT_NE(mismatched.status().message().find("does not match the certificate"), std::string::npos)
      << mismatched.status();
  o.key_file = files.path("missing.key");
  auto missing = ServingTls::Create(o);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("--tls-private-key-file"), std::string::npos) << missing.status();
  o.key_file = files.path("server.key");
  o.client_ca_file = files.path("server.key");  // not a certificate
  auto bad_ca = ServingTls::Create(o);
  ASSERT_FALSE(bad_ca.ok());
  EXPECT_NE(bad_ca.status().message().find("--client-ca-file"), std::string::npos) << bad_ca.status();
  o.client_ca_file = files.path("ca.crt");
  EXPECT_TRUE(ServingTls::Create(o).ok());
}

}  // namespace
}  // namespace allot::svc
