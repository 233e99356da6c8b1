#include "service/service.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "service/demo/demo_cluster.h"
#include "service/extender/extender.h"
#include "service/watch/http_kube_client.h"
#include "service/watch/kubeconfig.h"

namespace allot::svc {

StatusOr<std::unique_ptr<Service>> Service::Create(ServiceConfig config) {
  std::unique_ptr<Service> s(new Service());
  auto policy = ParseScorePolicy(config.score_policy);
  if (!policy.ok()) return policy.status();
  auto features = ParseFeatureGates(config.feature_gates);
  if (!features.ok()) return features.status();
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
  ExtenderOptions extender_options;
  extender_options.features = *features;
  extender_options.score_policy = *policy;
  extender_options.fanout_threads = config.fanout_threads;
  extender_options.filter_timeout = config.filter_timeout;
  extender_options.max_search_steps = config.max_search_steps;
  extender_options.reservation_ttl = config.reservation_ttl;
  s->extender_ = std::make_unique<Extender>(*s->store_, *s->kube_, *s->metrics_, extender_options);
  for (ObjectKind kind : {ObjectKind::kNode, ObjectKind::kDeviceClass, ObjectKind::kResourceSlice,
                          ObjectKind::kResourceClaim}) {
    s->reflectors_.push_back(std::make_unique<Reflector>(*s->kube_, ResourceTypeOf(kind), *s->store_,
                                                         config.reflector, s->metrics_.get()));
  }
  s->http_ = std::make_unique<HttpServer>(config.http, *s->metrics_);
  s->RegisterRoutes();
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

namespace {

void Send(httplib::Response& res, const Extender::Reply& reply) { WriteJson(res, reply.status, reply.body); }

}  // namespace

void Service::RegisterRoutes() {
  std::vector<std::string> prefixes = {""};
  if (!config_.url_prefix.empty() && config_.url_prefix != "/") {
    std::string p = config_.url_prefix;
    if (p.front() != '/') p.insert(p.begin(), '/');
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    prefixes.push_back(p);
  }
  for (const std::string& prefix : prefixes) {
    http_->Get(prefix + "/healthz", "healthz", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok\n", "text/plain");
    });
    http_->Get(prefix + "/readyz", "readyz", [this](const httplib::Request&, httplib::Response& res) {
      auto snapshot = store_->Load();
      std::string missing;
      for (size_t k = 0; k < kObjectKindCount; ++k) {
        if (!snapshot->kind_synced[k]) missing += (missing.empty() ? "" : ", ") + ResourceTypeOf(static_cast<ObjectKind>(k)).resource;
      }
      if (missing.empty() && !extender_->IndexWarm()) {
        res.status = 503;
        res.set_content("synced; building the device index\n", "text/plain");
      } else if (missing.empty()) {
        res.set_content("ok\n", "text/plain");
      } else {
        res.status = 503;
        res.set_content("not synced: " + missing + "\n", "text/plain");
      }
    });
    http_->Get(prefix + "/metrics", "metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics_->Serialize(), "text/plain; version=0.0.4; charset=utf-8");
    });
    http_->Post(prefix + "/filter", "filter", [this](const httplib::Request& req, httplib::Response& res) {
      Send(res, extender_->Filter(req.body));
    });
    http_->Post(prefix + "/prioritize", "prioritize", [this](const httplib::Request& req, httplib::Response& res) {
      Send(res, extender_->Prioritize(req.body));
    });
    http_->Post(prefix + "/bind", "bind", [this](const httplib::Request& req, httplib::Response& res) {
      Send(res, extender_->Bind(req.body));
    });
    http_->Get(prefix + R"(/api/v1/claims/([^/]+)/([^/]+))", "claims",
               [this](const httplib::Request& req, httplib::Response& res) {
                 auto object = store_->Load()->Find(ObjectKind::kResourceClaim,
                                                    req.matches[1].str() + "/" + req.matches[2].str());
                 if (object == nullptr) {
                   WriteJsonError(res, 404, "resourceclaim " + req.matches[1].str() + "/" + req.matches[2].str() +
                                                " not found");
                   return;
                 }
                 WriteJson(res, 200, object->dump(2));
               });
    http_->Get(prefix + "/api/v1/nodes", "nodes", [this](const httplib::Request&, httplib::Response& res) {
      auto snapshot = store_->Load();
      Json out = Json::array();
      for (const auto& [name, node] : snapshot->of(ObjectKind::kNode)) {
        size_t devices = 0;
        for (const auto& [key, stored] : *snapshot->slices) {
          if (stored->slice != nullptr && stored->slice->node_selection.node_name.value_or("") == name) {
            devices += stored->slice->devices.size();
          }
        }
        out.push_back({{"name", name}, {"devices", devices}});
      }
      WriteJson(res, 200, out.dump(2));
    });
    if (demo_client_ != nullptr) {
      http_->Post(prefix + "/api/v1/demo/objects", "demo", [this](const httplib::Request& req, httplib::Response& res) {
        bool yaml = req.get_header_value("Content-Type").find("yaml") != std::string::npos;
        auto objects = ParseManifests(req.body, yaml);
        if (!objects.ok()) {
          WriteJsonError(res, 400, std::string(objects.status().message()));
          return;
        }
        Json created = Json::array();
        for (const auto& object : *objects) {
          const ResourceType* type = ResourceTypeForKind(object.is_object() ? object.value("kind", "") : "");
          if (type == nullptr || (type->kind != "Pod" && type->kind != "ResourceClaim")) {
            WriteJsonError(res, 400, "kind: only Pod and ResourceClaim can be created in the demo cluster");
            return;
          }
          auto result = demo_client_->Create(*type, object);
          if (!result.ok()) {
            WriteJsonError(res, IsConflict(result.status()) ? 409 : 400, std::string(result.status().message()));
            return;
          }
          created.push_back(*result);
        }
        WriteJson(res, 201, (created.size() == 1 ? created[0] : created).dump(2));
      });
    }
  }
}

}  // namespace allot::svc
