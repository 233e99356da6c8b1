#include "service/kubectl/allot_endpoint.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>

namespace allot::svc::kubectl {
namespace {

bool FileExists(const std::string& path) {
  std::error_code ec;
  return !path.empty() && std::filesystem::is_regular_file(path, ec);
}

HttpKubeClientOptions ClientOptions(const PluginOptions& options) {
  HttpKubeClientOptions out;
  out.request_timeout = std::chrono::seconds(options.request_timeout_seconds);
  out.user_agent = "kubectl-allot/0.1";
  out.max_idle_connections = 1;
  return out;
}

// The connection of the kubeconfig (or in-cluster config) kubectl would use. kNotFound when there is none.
StatusOr<ClusterConnection> LoadClusterConnection(const PluginOptions& options) {
  const char* env = std::getenv("KUBECONFIG");
  const char* home = std::getenv("HOME");
  std::string path = FindKubeconfig(options.kubeconfig, env ? env : "", home ? home : "");
  if (!path.empty()) return LoadKubeconfig(path, options.context);
  if (options.context.empty() && RunningInCluster()) return LoadInClusterConfig();
  return NotFoundError(
      "no kubeconfig found (give --kubeconfig, set KUBECONFIG, or create ~/.kube/config), or give --allot-url");
}

bool IsDnsLabelish(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  for (unsigned char c : s) {
    if (!(std::isalnum(c) || c == '-' || c == '.')) return false;
  }
  return true;
}

}  // namespace

std::string FindKubeconfig(const std::string& flag, const std::string& kubeconfig_env, const std::string& home) {
  if (!flag.empty()) return flag;
  size_t start = 0;
  while (start < kubeconfig_env.size()) {
    size_t colon = kubeconfig_env.find(':', start);
    if (colon == std::string::npos) colon = kubeconfig_env.size();
    std::string candidate = kubeconfig_env.substr(start, colon - start);
    if (FileExists(candidate)) return candidate;
    start = colon + 1;
  }
  if (!home.empty() && FileExists(home + "/.kube/config")) return home + "/.kube/config";
  return "";
}

std::string ServiceProxyPath(const PluginOptions& options) {
  return "/api/v1/namespaces/" + options.allot_namespace + "/services/" + options.allot_scheme + ":" +
         options.allot_service + ":" + options.allot_port + "/proxy";
}

StatusOr<std::unique_ptr<AllotEndpoint>> AllotEndpoint::Create(const PluginOptions& options) {
  std::unique_ptr<AllotEndpoint> endpoint(new AllotEndpoint());
  ClusterConnection connection;
  if (!options.allot_url.empty()) {
    std::string url = options.allot_url;
    size_t scheme_end = url.find("://");
    if (scheme_end == std::string::npos || (url.compare(0, scheme_end, "http") != 0 &&
                                            url.compare(0, scheme_end, "https") != 0)) {
      return InvalidArgumentError("--allot-url: must start with http:// or https://: " + url);
    }
    size_t path_start = url.find('/', scheme_end + 3);
    std::string prefix = path_start == std::string::npos ? "" : url.substr(path_start);
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    if (prefix.find_first_of("?#") != std::string::npos) {
      return InvalidArgumentError("--allot-url: no query or fragment allowed: " + url);
    }
    endpoint->server_ = url.substr(0, path_start);
    endpoint->path_prefix_ = prefix;
    connection.server = endpoint->server_;
    // The kubeconfig only supplies the default namespace here; a missing one is not an error unless asked for.
    if (!options.namespace_) {
      auto kube = LoadClusterConnection(options);
      if (kube.ok()) {
        endpoint->default_namespace_ = kube->default_namespace;
      } else if (!options.kubeconfig.empty() || !options.context.empty() ||
                 kube.status().code() != StatusCode::kNotFound) {
        return kube.status();
      }
    }
  } else {
    for (const std::string* part : {&options.allot_namespace, &options.allot_service, &options.allot_port}) {
      if (!IsDnsLabelish(*part)) {
        return InvalidArgumentError("allot's service: bad namespace, name or port \"" + *part + "\"");
      }
    }
    auto kube = LoadClusterConnection(options);
    if (!kube.ok()) return kube.status();
    connection = std::move(kube).value();
    endpoint->server_ = connection.server;
    endpoint->path_prefix_ = ServiceProxyPath(options);
    endpoint->default_namespace_ = connection.default_namespace.empty() ? "default" : connection.default_namespace;
  }
  if (options.namespace_) endpoint->default_namespace_ = *options.namespace_;
  auto client = HttpKubeClient::Create(std::move(connection), ClientOptions(options));
  if (!client.ok()) return client.status();
  endpoint->client_ = std::move(client).value();
  return endpoint;
}

StatusOr<AllotReply> AllotEndpoint::Call(const std::string& method, const std::string& route,
                                         const std::string& body) const {
  auto reply = client_->Send(method, path_prefix_ + route, body, method == "GET" ? "" : "application/json");
  if (!reply.ok()) {
    return UnavailableError("cannot reach allot at " + Describe() + ": " + std::string(reply.status().message()));
  }
  return AllotReply{reply->status, std::move(reply->body)};
}

std::string AllotEndpoint::Describe() const { return server_ + path_prefix_; }

}  // namespace allot::svc::kubectl
