#include "service/watch/kubeconfig.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "base/status_macros.h"

namespace allot::svc {

StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read file " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

StatusOr<std::string> Base64Decode(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  unsigned int acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    int v = value(c);
    if (v < 0) return InvalidArgumentError("invalid base64 character");
    acc = (acc << 6) | static_cast<unsigned int>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

namespace {

// Finds the entry named `name` in a kubeconfig list (clusters/users/contexts) and returns its `field` map.
YAML::Node FindNamed(const YAML::Node& list, const std::string& name, const char* field) {
  if (!list || !list.IsSequence()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& entry : list) {
    if (entry["name"] && entry["name"].as<std::string>() == name) return entry[field];
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string Str(const YAML::Node& node, const char* key) {
  if (!node || !node.IsMap() || !node[key]) return "";
  return node[key].as<std::string>();
}

// Inline base64 data wins over a file path; the path is relative to `base_dir`.
StatusOr<std::string> DataOrFile(const YAML::Node& node, const char* data_key, const char* file_key,
                                 const std::filesystem::path& base_dir) {
  std::string data = Str(node, data_key);
  if (!data.empty()) {
    auto decoded = Base64Decode(data);
    if (!decoded.ok()) return InvalidArgumentError(std::string(data_key) + ": " + std::string(decoded.status().message()));
    return decoded;
  }
  std::string file = Str(node, file_key);
  if (file.empty()) return std::string();
  std::filesystem::path p(file);
  if (p.is_relative()) p = base_dir / p;
  return ReadFileToString(p.string());
}

StatusOr<ClusterConnection> ParseKubeconfig(const YAML::Node& root, const std::string& path,
                                            const std::string& context_override) {
  const std::filesystem::path base_dir = std::filesystem::path(path).parent_path();
  std::string context_name = context_override.empty() ? Str(root, "current-context") : context_override;
  if (context_name.empty()) return InvalidArgumentError(path + ": no current-context and no --context given");
  YAML::Node context = FindNamed(root["contexts"], context_name, "context");
  if (!context) return InvalidArgumentError(path + ": context '" + context_name + "' not found in contexts[]");
  std::string cluster_name = Str(context, "cluster");
  std::string user_name = Str(context, "user");
  YAML::Node cluster = FindNamed(root["clusters"], cluster_name, "cluster");
  if (!cluster) return InvalidArgumentError(path + ": cluster '" + cluster_name + "' not found in clusters[]");

  ClusterConnection conn;
  conn.server = Str(cluster, "server");
  if (conn.server.empty()) return InvalidArgumentError(path + ": clusters[" + cluster_name + "].cluster.server is empty");
  while (!conn.server.empty() && conn.server.back() == '/') conn.server.pop_back();
  conn.insecure_skip_tls_verify = cluster["insecure-skip-tls-verify"] && cluster["insecure-skip-tls-verify"].as<bool>();
  conn.tls_server_name = Str(cluster, "tls-server-name");
  ALLOT_ASSIGN_OR_RETURN(conn.ca_pem, DataOrFile(cluster, "certificate-authority-data", "certificate-authority", base_dir));
  conn.default_namespace = Str(context, "namespace");
  if (conn.default_namespace.empty()) conn.default_namespace = "default";

  if (!user_name.empty()) {
    YAML::Node user = FindNamed(root["users"], user_name, "user");
    if (!user) return InvalidArgumentError(path + ": user '" + user_name + "' not found in users[]");
    if (user["exec"] || user["auth-provider"]) {
      return InvalidArgumentError(path + ": users[" + user_name + "]: exec and auth-provider plugins are not supported");
    }
    conn.token = Str(user, "token");
    std::string token_file = Str(user, "tokenFile");
    if (!token_file.empty()) {
      std::filesystem::path p(token_file);
      if (p.is_relative()) p = base_dir / p;
      conn.token_file = p.string();
    }
    ALLOT_ASSIGN_OR_RETURN(conn.client_cert_pem,
                           DataOrFile(user, "client-certificate-data", "client-certificate", base_dir));
    ALLOT_ASSIGN_OR_RETURN(conn.client_key_pem, DataOrFile(user, "client-key-data", "client-key", base_dir));
    if (conn.client_cert_pem.empty() != conn.client_key_pem.empty()) {
      return InvalidArgumentError(path + ": users[" + user_name + "]: client certificate and key must both be set");
    }
  }
  return conn;
}

}  // namespace

StatusOr<ClusterConnection> LoadKubeconfig(const std::string& path, const std::string& context) {
  ALLOT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) return InvalidArgumentError(path + ": not a kubeconfig (top level is not a map)");
    return ParseKubeconfig(root, path, context);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(path + ": " + e.what());
  }
}

bool RunningInCluster(const InClusterPaths& paths) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  return host != nullptr && *host != '\0' && port != nullptr && *port != '\0' &&
         std::filesystem::exists(paths.token_file);
}

StatusOr<ClusterConnection> LoadInClusterConfig(const InClusterPaths& paths) {
  if (!RunningInCluster(paths)) {
    return FailedPreconditionError("not running in a cluster (KUBERNETES_SERVICE_HOST/PORT or token missing)");
  }
  std::string host = std::getenv("KUBERNETES_SERVICE_HOST");
  std::string port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  ClusterConnection conn;
  conn.server = "https://" + host + ":" + port;
  conn.token_file = paths.token_file;
  ALLOT_ASSIGN_OR_RETURN(conn.ca_pem, ReadFileToString(paths.ca_file));
  auto ns = ReadFileToString(paths.namespace_file);
  conn.default_namespace = ns.ok() ? *ns : "default";
  while (!conn.default_namespace.empty() && std::isspace(static_cast<unsigned char>(conn.default_namespace.back()))) {
    conn.default_namespace.pop_back();
  }
  return conn;
}

}  // namespace allot::svc
