// AllotEndpoint: how the `kubectl allot` plugin reaches allot, and the namespace it defaults to.
//
// Two ways, chosen by PluginOptions:
//   --allot-url http(s)://host:port[/prefix]   straight to allot (its routes are also served under a prefix,
//                                                e.g. /allot); no authentication;
//   otherwise                                   through the API server's service proxy,
//        /api/v1/namespaces/<ns>/services/<scheme>:<service>:<port>/proxy/<route>
//     with the kubeconfig's server, TLS settings and credentials (HttpKubeClient, service/watch), so
//     `kubectl allot` works wherever `kubectl` does and RBAC decides who may ask (services/proxy "get").
//
// The kubeconfig is found as kubectl finds it: --kubeconfig, else the first file of $KUBECONFIG that exists,
// else ~/.kube/config, else the in-cluster service account. --context picks the context. The default
// namespace is -n, else the context's namespace, else "default" (also when --allot-url is given and no
// kubeconfig exists).
//
// Thread safety: thread-safe (HttpKubeClient is).
#pragma once

#include <memory>
#include <string>

#include "service/kubectl/plugin_options.h"
#include "service/watch/http_kube_client.h"

namespace allot::svc::kubectl {

// An answer from allot, whatever its HTTP status.
struct AllotReply {
  int status = 0;
  std::string body;
};

class AllotEndpoint {
 public:
  // Resolves the kubeconfig and allot's address from `options`. kInvalidArgument for a bad --allot-url or
  // kubeconfig; kNotFound when no kubeconfig can be found and --allot-url is not given.
  static StatusOr<std::unique_ptr<AllotEndpoint>> Create(const PluginOptions& options);

  // Sends `method` (GET or POST) to allot's `route` ("/api/v1/inventory?driver=x"); a POST sends `body` as
  // JSON. kUnavailable when allot (or the API server) cannot be reached.
  StatusOr<AllotReply> Call(const std::string& method, const std::string& route, const std::string& body) const;

  // -n, else the kubeconfig context's namespace, else "default".
  const std::string& default_namespace() const { return default_namespace_; }
  // Where requests go, for error messages: "http://host:port/prefix" or "<server>/api/v1/namespaces/…/proxy".
  std::string Describe() const;
  // The path prefix before each route: "" or "/allot" (--allot-url), or the service proxy path.
  const std::string& path_prefix() const { return path_prefix_; }

 private:
  AllotEndpoint() = default;

  std::unique_ptr<HttpKubeClient> client_;
  std::string server_;       // scheme://host:port
  std::string path_prefix_;  // see path_prefix()
  std::string default_namespace_ = "default";
};

// The kubeconfig file kubectl would read: `flag` if set; else the first existing file of the colon-separated
// `kubeconfig_env`; else `home`/.kube/config if it exists; else "" (none).
std::string FindKubeconfig(const std::string& flag, const std::string& kubeconfig_env, const std::string& home);

// The API server path of allot's service proxy: /api/v1/namespaces/NS/services/SCHEME:NAME:PORT/proxy.
std::string ServiceProxyPath(const PluginOptions& options);

}  // namespace allot::svc::kubectl
