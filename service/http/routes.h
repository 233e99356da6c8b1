// The routes of `allot serve`, in one table (routes.cc). Each is served at its path and again under the
// --url-prefix (default /allot), e.g. /allot/filter, because kube-scheduler's urlPrefix is prepended.
//
//   GET  /healthz                 200 "ok" while the process runs
//   GET  /readyz                  200 once every kind finished its initial list and the first cluster view
//                                 is built and warmed, else 503 saying which
//   GET  /metrics                 Prometheus text format
//   POST /filter /prioritize /bind    the scheduler-extender verbs (docs/extender-api.md); with
//                                 --client-ca-file only for callers with a verified client certificate
//   GET  /api/v1/claims/NS/NAME   a claim as allot's store sees it (allocation, reservedFor)
//   GET  /api/v1/nodes            node names with their node-local device counts
//   POST /api/v1/explain          why a pod does not fit, per node (service/tooling/explain.h, docs/tooling.md)
//   GET  /api/v1/inventory        per pool / counter set / shared device / class and node: what is
//                                 allocated and free (service/tooling/inventory.h, docs/tooling.md)
//   GET  /openapi.json            the OpenAPI 3 description of all of these (service/http/openapi.json)
//   POST /api/v1/demo/objects     demo cluster only: create a Pod or ResourceClaim (JSON or YAML body)
//
// Thread safety: RegisterRoutes before HttpServer::Start; handlers run on the HTTP workers and only read
// thread-safe components.
#pragma once

#include <string>

#include "service/demo/demo_cluster.h"
#include "service/demo/memory_kube_client.h"
#include "service/extender/extender.h"
#include "service/http/server.h"
#include "service/metrics/service_metrics.h"
#include "service/store/cluster_store.h"

namespace allot::svc {

// What the handlers read; all must outlive the server.
struct RouteTargets {
  ClusterStore& store;
  Extender& extender;
  ServiceMetrics& metrics;
  MemoryKubeClient* demo = nullptr;  // demo mode only: enables /api/v1/demo/objects
};

void RegisterRoutes(HttpServer& http, const std::string& url_prefix, const RouteTargets& targets);

}  // namespace allot::svc
