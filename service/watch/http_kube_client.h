// HttpKubeClient: KubeClient over HTTP(S) to a real API server, built on cpp-httplib with OpenSSL.
//
// Authentication: bearer token (static, or re-read from a token file at most once a minute, as client-go
// does for rotating service-account tokens) and/or a client certificate. TLS trust: the CA bundle of the
// ClusterConnection, or the system store; insecure-skip-tls-verify turns verification off.
//
// Connections: unary calls borrow a keep-alive connection from a small idle pool (so the bind path does not
// pay a TLS handshake per call); every Watch opens its own connection, which WatchCancel can shut down.
//
// Thread safety: thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/thread_annotations.h"
#include "service/watch/kube_client.h"
#include "service/watch/kubeconfig.h"

namespace httplib {
class ClientImpl;
}

namespace allot::svc {

// Called after every API call: verb ("get", "list", "watch", "update", "update_status", "patch", "create"),
// HTTP status (0 for a transport failure) and wall time in seconds.
using ApiCallObserver = std::function<void(std::string_view verb, int http_code, double seconds)>;

struct HttpKubeClientOptions {
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds request_timeout{30};  // read/write timeout of unary calls
  std::string user_agent = "allot/0.1";
  ApiCallObserver observer;                  // optional
  size_t max_idle_connections = 8;
  // A pooled connection idle for longer is closed instead of reused. kube-apiserver closes connections idle
  // for 90 s, and cpp-httplib does not notice when the server has closed a TLS connection (the close_notify
  // it sent makes the socket look readable, hence alive): the next request on it fails with a read error.
  std::chrono::seconds max_idle_age{30};
};

class HttpKubeClient final : public KubeClient {
 public:
  // kInvalidArgument for an unparsable server URL or unusable certificate/key PEM.
  static StatusOr<std::unique_ptr<HttpKubeClient>> Create(ClusterConnection connection,
                                                          HttpKubeClientOptions options = {});
  ~HttpKubeClient() override;

  StatusOr<Json> Get(const ResourceType& type, std::string_view ns, std::string_view name) override;
  StatusOr<ListPage> List(const ResourceType& type, const ListOptions& options) override;
  Status Watch(const ResourceType& type, const WatchOptions& options, const WatchHandler& handler,
               WatchCancel* cancel) override;
  StatusOr<Json> Update(const ResourceType& type, const Json& object) override;
  StatusOr<Json> UpdateStatus(const ResourceType& type, const Json& object) override;
  StatusOr<Json> Patch(const ResourceType& type, std::string_view ns, std::string_view name,
                       std::string_view content_type, const Json& patch) override;
  StatusOr<Json> AddFinalizer(const ResourceType& type, std::string_view ns, std::string_view name,
                              std::string_view resource_version, std::string_view finalizer) override;
  StatusOr<Json> Create(const ResourceType& type, const Json& object) override;
  StatusOr<Json> CreateSubresource(const ResourceType& type, std::string_view ns, std::string_view name,
                                   std::string_view subresource, const Json& body) override;

  // One request to any path of the server (e.g. a service proxy path, /api/v1/namespaces/NS/services/
  // SCHEME:NAME:PORT/proxy/...), with this client's authentication, TLS and connection pool; the answer is
  // returned whatever its HTTP status. `method` is GET, PUT, PATCH or POST; `content_type` is the body's.
  // kUnavailable on a transport failure. Reported to the observer as verb "request".
  struct RawReply {
    int status = 0;
    std::string body;
  };
  StatusOr<RawReply> Send(const std::string& method, const std::string& path, const std::string& body,
                          const std::string& content_type);

 private:
  HttpKubeClient(ClusterConnection connection, HttpKubeClientOptions options);

  // A fresh, configured client (TLS, timeouts, auth). read_timeout applies to each socket read.
  std::unique_ptr<httplib::ClientImpl> NewClient(std::chrono::seconds read_timeout);
  // A pooled connection (`*reused` = true) or a new one.
  std::unique_ptr<httplib::ClientImpl> Borrow(bool* reused);
  void Return(std::unique_ptr<httplib::ClientImpl> client);
  std::string BearerToken();
  // Sends one unary request; `method` is GET/PUT/PATCH/POST; `accept` ("" = none) is the Accept header.
  // Returns the answer whatever its status; kUnavailable on a transport failure.
  StatusOr<RawReply> Exchange(std::string_view verb, const std::string& method, const std::string& path,
                              const std::string& body, const std::string& content_type, const std::string& accept);
  // Exchange; returns the body of a 2xx answer, an ApiStatusFromHttp error otherwise.
  StatusOr<std::string> CallRaw(std::string_view verb, const std::string& method, const std::string& path,
                                const std::string& body, const std::string& content_type, const std::string& accept);
  // CallRaw accepting JSON; returns the parsed body.
  StatusOr<Json> Call(std::string_view verb, const std::string& method, const std::string& path,
                      const std::string& body, const std::string& content_type);

  const ClusterConnection connection_;
  const HttpKubeClientOptions options_;
  bool https_ = false;
  std::string host_;
  int port_ = 0;

  Mutex mu_;
  struct IdleClient {
    std::unique_ptr<httplib::ClientImpl> client;
    std::chrono::steady_clock::time_point since;  // returned to the pool at
  };
  std::vector<IdleClient> idle_ ALLOT_GUARDED_BY(mu_);
  std::string cached_token_ ALLOT_GUARDED_BY(mu_);
  std::chrono::steady_clock::time_point token_read_at_ ALLOT_GUARDED_BY(mu_);
};

// Percent-encodes a query parameter value.
std::string UrlEncode(std::string_view value);

}  // namespace allot::svc
