// Kubeconfig and in-cluster configuration loading.
#include "service/watch/kubeconfig.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace allot::svc {
namespace {

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("allot-kubeconfig-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::filesystem::path dir_;
};

// "ca-pem" and "token-from-file" in base64.
constexpr const char* kTwoContexts = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://10.0.0.1:6443/
    certificate-authority-data: Y2EtcGVt
- name: lab-cluster
  cluster:
    server: https://lab.example:443
    insecure-skip-tls-verify: true
users:
- name: dev-user
  user:
    token: abc123
- name: lab-user
  user:
    client-certificate: certs/client.crt
    client-key: certs/client.key
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user, namespace: team-a}
- name: lab
  context: {cluster: lab-cluster, user: lab-user}
)";

TEST_F(KubeconfigTest, CurrentContextWithTokenAndInlineCa) {
  auto conn = LoadKubeconfig(Write("config", kTwoContexts));
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(conn->server, "https://10.0.0.1:6443");
  EXPECT_EQ(conn->ca_pem, "ca-pem");
  EXPECT_EQ(conn->token, "abc123");
  EXPECT_FALSE(conn->insecure_skip_tls_verify);
  EXPECT_EQ(conn->default_namespace, "team-a");
}

TEST_F(KubeconfigTest, ExplicitContextWithRelativeClientCertFiles) {
  std::filesystem::create_directories(dir_ / "certs");
  Write("certs/client.crt", "CERT");
  Write("certs/client.key", "KEY");
  auto conn = LoadKubeconfig(Write("config", kTwoContexts), "lab");
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(conn->server, "https://lab.example:443");
  EXPECT_TRUE(conn->insecure_skip_tls_verify);
  EXPECT_EQ(conn->client_cert_pem, "CERT");
  EXPECT_EQ(conn->client_key_pem, "KEY");
  EXPECT_EQ(conn->default_namespace, "default");
}

TEST_F(KubeconfigTest, ErrorsNameTheProblem) {
  auto missing_context = LoadKubeconfig(Write("config", kTwoContexts), "nope");
  EXPECT_EQ(missing_context.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing_context.status().message().find("context 'nope'"), std::string_view::npos);

  auto missing_cert_file = LoadKubeconfig(Write("config2", kTwoContexts), "lab");
  EXPECT_EQ(missing_cert_file.status().code(), StatusCode::kNotFound);

  auto exec = LoadKubeconfig(Write("config3", R"(current-context: c
clusters: [{name: k, cluster: {server: "https://x"}}]
users: [{name: u, user: {exec: {command: aws}}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
)"));
  EXPECT_NE(exec.status().message().find("exec"), std::string_view::npos);

  auto not_yaml = LoadKubeconfig(Write("config4", "clusters: [unclosed"));
  EXPECT_EQ(not_yaml.status().code(), StatusCode::kInvalidArgument);

  EXPECT_EQ(LoadKubeconfig((dir_ / "absent").string()).status().code(), StatusCode::kNotFound);
}

TEST_F(KubeconfigTest, InClusterUsesServiceAccountFiles) {
  InClusterPaths paths;
  paths.token_file = Write("token", "sa-token\n");
  paths.ca_file = Write("ca.crt", "CA");
  paths.namespace_file = Write("namespace", "allot-system\n");
  ::setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
  ::setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  auto conn = LoadInClusterConfig(paths);
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  ::unsetenv("KUBERNETES_SERVICE_PORT");
  ASSERT_TRUE(conn.ok()) << conn.status();
  EXPECT_EQ(conn->server, "https://[fd00::1]:443");
  EXPECT_EQ(conn->token_file, paths.token_file);
  EXPECT_EQ(conn->ca_pem, "CA");
  EXPECT_EQ(conn->default_namespace, "allot-system");
  EXPECT_FALSE(RunningInCluster(paths)) << "env vars are gone again";
}

TEST(Base64Test, DecodesWithAndWithoutPadding) {
  EXPECT_EQ(*Base64Decode("aGVsbG8="), "hello");
  EXPECT_EQ(*Base64Decode("aGVsbG8"), "hello");
  EXPECT_EQ(*Base64Decode("aGVs\nbG8h"), "hello!");
  EXPECT_FALSE(Base64Decode("a*b").ok());
}

}  // namespace
}  // namespace allot::svc
