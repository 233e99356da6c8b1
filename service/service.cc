#include "service/service.h"

#include <spdlog/spdlog.h>

#include "service/demo/demo_cluster.h"
#include "service/extender/extender.h"
#include "service/http/routes.h"
#include "service/watch/http_kube_client.h"
#include "service/watch/kubeconfig.h"

namespace allot::svc {

StatusOr<std::unique_ptr<Service>> Service::Create(ServiceConfig config) {
  std::unique_ptr<Service> s(new Service());
  if (config.http.workers == 0) return InvalidArgumentError("--workers must be at least 1");
  s->config_ = config;
  s->metrics_ = std::make_unique<ServiceMetrics>();

  bool use_demo = config.force_demo;
  if (!use_demo) {
    StatusOr<ClusterConnection> connection = config.kubeconfig.empty()
                                                 ? (RunningInCluster() ? LoadInClusterConfig()
                                                                       : StatusOr<ClusterConnection>(NotFoundError("")))
                                                 : LoadKubeconfig(config.kubeconfig, config.context);
    if (config.kubeconfig.empty() && !connection.ok()) {
      use_demo = true;
    } else if (!connection.ok()) {
      return connection.status();
    } else {
      HttpKubeClientOptions options;
      ServiceMetrics* metrics = s->metrics_.get();
      options.observer = [metrics](std::string_view verb, int code, double seconds) {
        metrics->ObserveApiCall(verb, code, seconds);
      };
      auto client = HttpKubeClient::Create(*connection, options);
      if (!client.ok()) return client.status();
      spdlog::info("using API server {}", connection->server);
      s->kube_ = std::move(client).value();
    }
  }
  if (use_demo) {
    auto memory = std::make_unique<MemoryKubeClient>();
    auto loaded = LoadDemoDirectory(config.demo_dir, *memory);
    if (!loaded.ok()) return loaded.status();
    spdlog::info("demo cluster: loaded {} objects from {} (claims and bindings stay in memory)", *loaded,
                 config.demo_dir);
    s->demo_client_ = memory.get();
    s->kube_ = std::move(memory);
  }

  s->store_ = std::make_unique<ClusterStore>(s->metrics_.get());
  s->extender_ = std::make_unique<Extender>(*s->store_, *s->kube_, *s->metrics_, config.extender);
  for (ObjectKind kind : {ObjectKind::kNode, ObjectKind::kDeviceClass, ObjectKind::kResourceSlice,
                          ObjectKind::kResourceClaim, ObjectKind::kDeviceTaintRule}) {
    if (kind == ObjectKind::kDeviceTaintRule && !config.extender.features.device_taint_rules) {
      // DRADeviceTaintRules=false (e.g. a 1.36 cluster, which does not serve resource.k8s.io/v1 rules): no
      // watch, no rules; the kind counts as synced so that the store can sync.
      s->store_->MarkSynced(ResourceTypeOf(kind));
      continue;
    }
    s->reflectors_.push_back(std::make_unique<Reflector>(*s->kube_, ResourceTypeOf(kind), *s->store_,
                                                         config.reflector, s->metrics_.get()));
  }
  std::unique_ptr<ServingTls> tls;
  if (config.http.tls.enabled()) {
    auto created = ServingTls::Create(config.http.tls);
    if (!created.ok()) return created.status();
    tls = std::move(created).value();
  }
  s->http_ = std::make_unique<HttpServer>(config.http, *s->metrics_, std::move(tls));
  if (config.tooling_auth_delegated) {
    if (s->demo_client_ != nullptr) {
      return InvalidArgumentError("--tooling-auth=delegated needs an API server to review tokens, not the demo cluster");
    }
    DelegatedAuthOptions options;
    options.url_prefix = config.url_prefix;
    s->tooling_auth_ = std::make_unique<DelegatedAuthorizer>(*s->kube_, options);
    s->http_->SetToolingAuthorizer([auth = s->tooling_auth_.get()](std::string_view authorization,
                                                                   std::string_view method, std::string_view path) {
      return auth->Authorize(authorization, method, path);
    });
  }
  RegisterRoutes(*s->http_, config.url_prefix, RouteTargets{*s->store_, *s->extender_, *s->metrics_, s->demo_client_});
  return s;
}

Service::~Service() { Stop(); }

Status Service::Start() {
  for (auto& r : reflectors_) r->Start();
  started_ = true;
  return http_->Start();
}

void Service::Stop() {
  if (!started_) return;
  started_ = false;
  http_->Stop();
  if (demo_client_ != nullptr) demo_client_->Shutdown();
  for (auto& r : reflectors_) r->Stop();
}

bool Service::WaitForSync(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& r : reflectors_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !r->WaitForSync(left)) return false;
  }
  return true;
}

}  // namespace allot::svc
