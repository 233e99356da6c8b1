#include "service/http/routes.h"

#include <map>
#include <memory>
#include <vector>

#include <httplib.h>

#include "service/http/openapi.h"
#include "service/tooling/device_metadata.h"
#include "service/tooling/explain.h"
#include "service/tooling/inventory.h"
#include "service/tooling/inventory_gauges.h"
#include "service/tooling/simulate.h"
#include "service/watch/kube_client.h"

namespace allot::svc {

namespace {

void Healthz(const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); }

HttpHandler Readyz(const RouteTargets& t) {
  return [&store = t.store, &extender = t.extender](const httplib::Request&, httplib::Response& res) {
    auto snapshot = store.Load();
    std::string missing;
    for (size_t k = 0; k < kObjectKindCount; ++k) {
      if (!snapshot->kind_synced[k]) {
        missing += (missing.empty() ? "" : ", ") + ResourceTypeOf(static_cast<ObjectKind>(k)).resource;
      }
    }
    if (missing.empty() && !extender.IndexWarm()) {
      res.status = 503;
      res.set_content("synced; building the device index\n", "text/plain");
    } else if (missing.empty()) {
      res.set_content("ok\n", "text/plain");
    } else {
      res.status = 503;
      res.set_content("not synced: " + missing + "\n", "text/plain");
    }
  };
}

HttpHandler Metrics(const RouteTargets& t) {
  // Kept alive by the handler (shared by both paths); computed per published view on its own thread.
  auto gauges = std::make_shared<InventoryGauges>(t.extender.context(), t.metrics);
  return [&metrics = t.metrics, gauges](const httplib::Request&, httplib::Response& res) {
    static_cast<void>(gauges);  // held, not called: a scrape only serialises numbers
    res.set_content(metrics.Serialize(), "text/plain; version=0.0.4; charset=utf-8");
  };
}

// POST /filter, /prioritize, /bind.
HttpHandler Verb(const RouteTargets& t, VerbReply (Extender::*verb)(std::string_view)) {
  return [&extender = t.extender, verb](const httplib::Request& req, httplib::Response& res) {
    VerbReply reply = (extender.*verb)(req.body);
    WriteJson(res, reply.status, reply.body);
  };
}

HttpHandler Claim(const RouteTargets& t) {
  return [&store = t.store](const httplib::Request& req, httplib::Response& res) {
    const std::string key = req.matches[1].str() + "/" + req.matches[2].str();
    auto object = store.Load()->Find(ObjectKind::kResourceClaim, key);
    if (object == nullptr) {
      WriteJsonError(res, 404, "resourceclaim " + key + " not found");
      return;
    }
    WriteJson(res, 200, object->dump(2));
  };
}

HttpHandler Nodes(const RouteTargets& t) {
  return [&store = t.store](const httplib::Request&, httplib::Response& res) {
    auto snapshot = store.Load();
    std::map<std::string, size_t> devices;  // node-local devices by node name, one pass over the slices
    for (const auto& [key, stored] : *snapshot->slices) {
      if (stored->slice != nullptr && stored->slice->node_selection.node_name.has_value()) {
        devices[*stored->slice->node_selection.node_name] += stored->slice->devices.size();
      }
    }
    Json out = Json::array();
    for (const auto& [name, node] : snapshot->of(ObjectKind::kNode)) {
      auto it = devices.find(name);
      out.push_back({{"name", name}, {"devices", it == devices.end() ? 0 : it->second}});
    }
    WriteJson(res, 200, out.dump(2));
  };
}

// POST /api/v1/explain (service/tooling/explain.h).
HttpHandler ExplainRoute(const RouteTargets& t) {
  return [&extender = t.extender](const httplib::Request& req, httplib::Response& res) {
    VerbReply reply = Explain(extender.context(), req.body);
    WriteJson(res, reply.status, reply.body);
  };
}

// GET /api/v1/inventory (service/tooling/inventory.h).
HttpHandler InventoryRoute(const RouteTargets& t) {
  return [&extender = t.extender](const httplib::Request& req, httplib::Response& res) {
    VerbReply reply = Inventory(extender.context(), req.params);
    WriteJson(res, reply.status, reply.body);
  };
}

// GET /api/v1/claims/NS/NAME/metadata (service/tooling/device_metadata.h).
HttpHandler DeviceMetadataRoute(const RouteTargets& t) {
  return [&extender = t.extender](const httplib::Request& req, httplib::Response& res) {
    VerbReply reply = DeviceMetadataPreview(extender.context(), req.matches[1].str(), req.matches[2].str(), req.params);
    WriteJson(res, reply.status, reply.body);
  };
}

// POST /api/v1/simulate (service/tooling/simulate.h).
HttpHandler SimulateRoute(const RouteTargets& t) {
  return [&extender = t.extender](const httplib::Request& req, httplib::Response& res) {
    VerbReply reply = Simulate(extender.context(), req.body);
    WriteJson(res, reply.status, reply.body);
  };
}

// GET /openapi.json (service/http/openapi.h).
void OpenApi(const httplib::Request&, httplib::Response& res) { WriteJson(res, 200, std::string(OpenApiJson())); }

HttpHandler DemoObjects(const RouteTargets& t) {
  return [demo = t.demo](const httplib::Request& req, httplib::Response& res) {
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
      auto result = demo->Create(*type, object);
      if (!result.ok()) {
        WriteJsonError(res, IsConflict(result.status()) ? 409 : 400, std::string(result.status().message()));
        return;
      }
      created.push_back(*result);
    }
    WriteJson(res, 201, (created.size() == 1 ? created[0] : created).dump(2));
  };
}

struct Route {
  enum Method { kGet, kPost } method;
  const char* path;  // cpp-httplib regex
  const char* name;  // the metrics route label
  HttpHandler handler;
  Access access = Access::kAnyone;
};

}  // namespace

void RegisterRoutes(HttpServer& http, const std::string& url_prefix, const RouteTargets& targets) {
  std::vector<Route> routes = {
      {Route::kGet, "/healthz", "healthz", Healthz},
      {Route::kGet, "/readyz", "readyz", Readyz(targets)},
      {Route::kGet, "/metrics", "metrics", Metrics(targets), Access::kTooling},
      {Route::kGet, "/openapi.json", "openapi", OpenApi},
      {Route::kPost, "/filter", "filter", Verb(targets, &Extender::Filter), Access::kScheduler},
      {Route::kPost, "/prioritize", "prioritize", Verb(targets, &Extender::Prioritize), Access::kScheduler},
      {Route::kPost, "/bind", "bind", Verb(targets, &Extender::Bind), Access::kScheduler},
      {Route::kGet, R"(/api/v1/claims/([^/]+)/([^/]+))", "claims", Claim(targets), Access::kTooling},
      {Route::kGet, "/api/v1/nodes", "nodes", Nodes(targets), Access::kTooling},
      {Route::kPost, "/api/v1/explain", "explain", ExplainRoute(targets), Access::kTooling},
      {Route::kGet, "/api/v1/inventory", "inventory", InventoryRoute(targets), Access::kTooling},
      {Route::kGet, R"(/api/v1/claims/([^/]+)/([^/]+)/metadata)", "claim_metadata", DeviceMetadataRoute(targets),
       Access::kTooling},
      {Route::kPost, "/api/v1/simulate", "simulate", SimulateRoute(targets), Access::kTooling},
  };
  if (targets.demo != nullptr) {
    routes.push_back({Route::kPost, "/api/v1/demo/objects", "demo", DemoObjects(targets), Access::kTooling});
  }

  std::vector<std::string> prefixes = {""};
  if (!url_prefix.empty() && url_prefix != "/") {
    std::string p = url_prefix;
    if (p.front() != '/') p.insert(p.begin(), '/');
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    prefixes.push_back(p);
  }
  for (const std::string& prefix : prefixes) {
    for (const Route& r : routes) {
      if (r.method == Route::kGet) {
        http.Get(prefix + r.path, r.name, r.handler, r.access);
      } else {
        http.Post(prefix + r.path, r.name, r.handler, r.access);
      }
    }
  }
}

}  // namespace allot::svc
