// Service: the allot process. Owns, in start order: metrics, the Kubernetes client (HTTPS to a real API
// server, or the in-memory demo cluster), the cluster store and one reflector per kind, the extender
// (filter/prioritize/bind), and the HTTP server. Stop runs in reverse: HTTP, extender, reflectors.
//
// Routes: service/http/routes.h (one table). Configuration and flags: service/config/serve_config.h.
//
// Thread safety: Start()/Stop() from one thread; accessors are thread-safe.
#pragma once

#include <cstdint>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "service/config/serve_config.h"
#include "service/demo/memory_kube_client.h"
#include "service/http/server.h"
#include "service/metrics/service_metrics.h"
#include "service/store/cluster_store.h"
#include "service/watch/kube_client.h"
#include "service/watch/reflector.h"

namespace allot::svc {

class Extender;

class Service {
 public:
  // Validates the config and builds the components (nothing runs yet). kInvalidArgument on bad flags,
  // kNotFound for an unreadable kubeconfig or demo directory.
  static StatusOr<std::unique_ptr<Service>> Create(ServiceConfig config);
  ~Service();

  // Starts reflectors and the HTTP server (serving starts at once; /readyz reports sync).
  Status Start();
  void Stop();

  int port() const { return http_->port(); }
  const HttpServer& http() const { return *http_; }
  bool demo() const { return demo_client_ != nullptr; }
  ServiceMetrics& metrics() { return *metrics_; }
  ClusterStore& store() { return *store_; }
  KubeClient& kube() { return *kube_; }
  // Demo mode only (nullptr otherwise).
  MemoryKubeClient* demo_client() { return demo_client_; }
  // Blocks until every reflector synced or the timeout passed.
  bool WaitForSync(std::chrono::milliseconds timeout) const;

 private:
  Service() = default;

  ServiceConfig config_;
  std::unique_ptr<ServiceMetrics> metrics_;
  std::unique_ptr<KubeClient> kube_;
  MemoryKubeClient* demo_client_ = nullptr;  // = kube_.get() in demo mode
  std::unique_ptr<ClusterStore> store_;
  std::vector<std::unique_ptr<Reflector>> reflectors_;
  std::unique_ptr<Extender> extender_;
  std::unique_ptr<DelegatedAuthorizer> tooling_auth_;  // --tooling-auth=delegated only
  std::unique_ptr<HttpServer> http_;
  bool started_ = false;
};

}  // namespace allot::svc
