// Reflector against a fake API server replaying recorded list/watch streams: paging, bookmarks,
// ERROR 410 events, HTTP 410, disconnects, list failures with backoff, and Stop() during a hanging watch.
#include "service/watch/reflector.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "service/store/cluster_store.h"
#include "service/watch/http_kube_client.h"
#include "tests/service/fake_apiserver.h"

namespace allot::svc {
namespace {

using testing::FakeApiServer;
using namespace std::chrono_literals;

const char* kData = "tests/service/watch/testdata/";

// Watch handler: the first watch is answered 410 Expired (the reflector must relist), later ones stay open.
void ExpireFirstWatch(FakeApiServer& server, httplib::Response& res, std::atomic<int>& watches) {
  if (++watches == 1) {
    res.status = 410;
    res.set_content(R"J({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410,"message":"too old resource version"})J",
                    "application/json");
  } else {
    server.Stream(res, {}, FakeApiServer::End::kHang);
  }
}

Json Slice(const std::string& name, const std::string& rv, int generation) {
  return Json{{"metadata", {{"name", name}, {"resourceVersion", rv}}},
              {"spec", {{"driver", "gpu.example.com"}, {"pool", {{"name", name}, {"generation", generation}}}}}};
}

std::string ListBody(std::vector<Json> items, const std::string& rv, const std::string& cont) {
  Json list = {{"kind", "ResourceSliceList"}, {"apiVersion", "resource.k8s.io/v1"},
               {"metadata", {{"resourceVersion", rv}}}, {"items", items}};
  if (!cont.empty()) list["metadata"]["continue"] = cont;
  return list.dump();
}

// Forwards to a ClusterStore and records the operations in order.
class RecordingSink : public ReflectorSink {
 public:
  void Replace(const ResourceType& type, std::vector<Json> items) override {
    Log("replace:" + std::to_string(items.size()));
    store.Replace(type, std::move(items));
  }
  void Upsert(const ResourceType& type, Json object) override {
    Log("upsert:" + ObjectKey(object));
    store.Upsert(type, std::move(object));
  }
  void Remove(const ResourceType& type, const Json& object) override {
    Log("remove:" + ObjectKey(object));
    store.Remove(type, object);
  }
  std::vector<std::string> log() {
    std::lock_guard<std::mutex> lock(mu);
    return ops;
  }
  ClusterStore store;

 private:
  void Log(std::string op) {
    std::lock_guard<std::mutex> lock(mu);
    ops.push_back(std::move(op));
  }
  std::mutex mu;
  std::vector<std::string> ops;
};

ReflectorOptions FastOptions() {
  ReflectorOptions options;
  options.page_size = 2;
  options.initial_backoff = 10ms;
  options.max_backoff = 50ms;
  return options;
}

std::unique_ptr<HttpKubeClient> ClientFor(const FakeApiServer& server) {
  ClusterConnection conn;
  conn.server = server.url();
  conn.token = "secret-token";
  auto client = HttpKubeClient::Create(conn);
  EXPECT_TRUE(client.ok()) << client.status();
  return std::move(client).value();
}

template <typename Pred>
bool Eventually(Pred pred, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return pred();
}

std::vector<std::string> WatchRequests(const FakeApiServer& server) {
  std::vector<std::string> out;
  for (const auto& r : server.requests()) {
    if (r.find("watch=1") != std::string::npos) out.push_back(r);
  }
  return out;
}

TEST(ReflectorTest, PagedListWatchBookmarkThenGoneEventRelists) {
  FakeApiServer server;
  std::atomic<int> lists{0};
  std::atomic<int> watches{0};
  server.OnGet("/apis/resource.k8s.io/v1/resourceslices", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("watch")) {
      int n = ++watches;
      if (n == 1) {
        server.Stream(res, FakeApiServer::ReadLines(std::string(kData) + "slices-watch-1.jsonl"),
                      FakeApiServer::End::kClose);
      } else if (n == 2) {
        server.Stream(res, FakeApiServer::ReadLines(std::string(kData) + "slices-watch-2.jsonl"),
                      FakeApiServer::End::kClose);
      } else {
        server.Stream(res, {}, FakeApiServer::End::kHang);
      }
      return;
    }
    if (req.get_param_value("continue") == "page-2") {
      res.set_content(ListBody({Slice("node-4-gpu", "9", 1)}, "10", ""), "application/json");
      return;
    }
    int n = ++lists;
    if (n == 1) {
      res.set_content(ListBody({Slice("node-1-gpu", "5", 1), Slice("node-2-gpu", "6", 1)}, "10", "page-2"),
                      "application/json");
    } else {
      res.set_content(ListBody({Slice("node-1-gpu", "33", 3)}, "40", ""), "application/json");
    }
  });
  auto client = ClientFor(server);
  RecordingSink sink;
  ServiceMetrics metrics;
  Reflector reflector(*client, ResourceSlicesResource(), sink, FastOptions(), &metrics);
  reflector.Start();
  ASSERT_TRUE(reflector.WaitForSync(5s));
  ASSERT_TRUE(Eventually([&] { return watches.load() >= 3; }));
  reflector.Stop();

  EXPECT_EQ(reflector.lists_completed(), 2);
  EXPECT_EQ(sink.log(), (std::vector<std::string>{"replace:3", "upsert:node-3-gpu", "upsert:node-1-gpu",
                                                  "remove:node-2-gpu", "replace:1"}));
  auto snapshot = sink.store.Load();
  ASSERT_EQ(snapshot->of(ObjectKind::kResourceSlice).size(), 1u);
  EXPECT_EQ((*snapshot->Find(ObjectKind::kResourceSlice, "node-1-gpu"))["spec"]["pool"]["generation"], 3);

  auto watch_requests = WatchRequests(server);
  ASSERT_GE(watch_requests.size(), 3u);
  EXPECT_NE(watch_requests[0].find("resourceVersion=10&allowWatchBookmarks=true"), std::string::npos);
  EXPECT_NE(watch_requests[1].find("resourceVersion=20&"), std::string::npos) << "bookmark must move the resume point";
  EXPECT_NE(watch_requests[2].find("resourceVersion=40&"), std::string::npos);
  EXPECT_NE(server.CountRequests("limit=2"), 0u);
  EXPECT_EQ(server.CountRequests("continue=page-2"), 1u);
  for (const auto& auth : server.authorization_headers()) EXPECT_EQ(auth, "Bearer secret-token");

  EXPECT_EQ(metrics.ValueForTest("allot_watch_lists_total", {{"kind", "ResourceSlice"}, {"reason", "gone"}}), 1);
  EXPECT_EQ(metrics.ValueForTest("allot_watch_events_total", {{"kind", "ResourceSlice"}, {"type", "BOOKMARK"}}), 1);
  EXPECT_EQ(metrics.ValueForTest("allot_watch_synced", {{"kind", "ResourceSlice"}}), 1);
}

// The store takes a paged list page by page (ClusterStore::BeginReplace) but publishes it once, whole: no
// snapshot ever shows part of a list; a relist drops what is gone; a list failing on a later page publishes
// nothing and starts again from the first page.
TEST(ReflectorTest, PagedRelistIsPublishedOnceWholeAndDropsDeletedObjects) {
  FakeApiServer server;
  std::atomic<int> first_pages{0};
  std::atomic<int> second_list_page_2{0};
  std::atomic<int> watches{0};
  server.OnGet("/apis/resource.k8s.io/v1/resourceslices", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("watch")) return ExpireFirstWatch(server, res, watches);
    const std::string cont = req.get_param_value("continue");
    if (cont.empty()) {
      if (++first_pages == 1) {
        res.set_content(ListBody({Slice("s1", "1", 1), Slice("s2", "2", 1)}, "10", "l1-p2"), "application/json");
      } else {
        res.set_content(ListBody({Slice("s1", "11", 2), Slice("s2", "2", 1)}, "20", "l2-p2"), "application/json");
      }
    } else if (cont == "l1-p2") {
      res.set_content(ListBody({Slice("s3", "3", 1), Slice("s4", "4", 1)}, "10", "l1-p3"), "application/json");
    } else if (cont == "l1-p3") {
      res.set_content(ListBody({Slice("s5", "5", 1)}, "10", ""), "application/json");
    } else if (cont == "l2-p2") {
      if (++second_list_page_2 == 1) {
        res.status = 500;
        res.set_content(R"({"kind":"Status","code":500,"message":"etcd unavailable"})", "application/json");
        return;
      }
      res.set_content(ListBody({Slice("s4", "4", 1)}, "20", ""), "application/json");
    } else {
      res.status = 400;
    }
  });
  auto client = ClientFor(server);
  ClusterStore store;
  std::mutex mu;
  std::vector<size_t> published;  // slice count of every published snapshot
  store.AddListener([&](const std::shared_ptr<const StoreSnapshot>& s) {
    std::lock_guard<std::mutex> lock(mu);
    published.push_back(s->of(ObjectKind::kResourceSlice).size());
    EXPECT_EQ(s->slices->size(), s->of(ObjectKind::kResourceSlice).size()) << "JSON and converted slices agree";
  });
  Reflector reflector(*client, ResourceSlicesResource(), store, FastOptions());
  reflector.Start();
  ASSERT_TRUE(Eventually([&] { return watches.load() >= 2; }));
  reflector.Stop();

  EXPECT_EQ(reflector.lists_completed(), 2);
  EXPECT_EQ(second_list_page_2.load(), 2);
  EXPECT_EQ(first_pages.load(), 3) << "the failed list starts again from the first page";
  {
    std::lock_guard<std::mutex> lock(mu);
    // initial list (5), MarkSynced (5), relist (3): never a partial list, nothing from the failed attempt.
    EXPECT_EQ(published, (std::vector<size_t>{5, 5, 3}));
  }
  auto snapshot = store.Load();
  ASSERT_EQ(snapshot->of(ObjectKind::kResourceSlice).size(), 3u);
  EXPECT_EQ(snapshot->Find(ObjectKind::kResourceSlice, "s3"), nullptr);
  EXPECT_EQ(snapshot->Find(ObjectKind::kResourceSlice, "s5"), nullptr);
  ASSERT_NE(snapshot->Find(ObjectKind::kResourceSlice, "s1"), nullptr);
  EXPECT_EQ((*snapshot->Find(ObjectKind::kResourceSlice, "s1"))["metadata"]["resourceVersion"], "11");
  EXPECT_EQ(snapshot->slices->at("s1")->resource_version, "11");
  EXPECT_EQ(reflector.resource_version(), "20");
}

TEST(ReflectorTest, WatchAnsweringHttp410Relists) {
  FakeApiServer server;
  std::atomic<int> lists{0};
  std::atomic<int> watches{0};
  server.OnGet("/api/v1/nodes", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("watch")) return ExpireFirstWatch(server, res, watches);
    ++lists;
    Json node = {{"metadata", {{"name", "node-" + std::to_string(lists.load())}, {"resourceVersion", "7"}}}};
    res.set_content(Json{{"metadata", {{"resourceVersion", "7"}}}, {"items", {node}}}.dump(), "application/json");
  });
  auto client = ClientFor(server);
  ClusterStore store;
  Reflector reflector(*client, NodesResource(), store, FastOptions());
  reflector.Start();
  ASSERT_TRUE(Eventually([&] { return watches.load() >= 2; }));
  reflector.Stop();
  EXPECT_EQ(lists.load(), 2);
  auto snapshot = store.Load();
  ASSERT_EQ(snapshot->of(ObjectKind::kNode).size(), 1u);
  EXPECT_NE(snapshot->Find(ObjectKind::kNode, "node-2"), nullptr);
  EXPECT_EQ((*snapshot->Find(ObjectKind::kNode, "node-2"))["kind"], "Node") << "list items get kind back";
}

TEST(ReflectorTest, DisconnectResumesFromLastSeenResourceVersion) {
  FakeApiServer server;
  std::atomic<int> lists{0};
  std::atomic<int> watches{0};
  server.OnGet("/apis/resource.k8s.io/v1/resourceslices", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("watch")) {
      if (++watches == 1) {
        server.Stream(res, FakeApiServer::ReadLines(std::string(kData) + "slices-watch-disconnect.jsonl"),
                      FakeApiServer::End::kBreak);
      } else {
        server.Stream(res, {}, FakeApiServer::End::kHang);
      }
      return;
    }
    ++lists;
    res.set_content(ListBody({}, "50", ""), "application/json");
  });
  auto client = ClientFor(server);
  RecordingSink sink;
  Reflector reflector(*client, ResourceSlicesResource(), sink, FastOptions());
  reflector.Start();
  ASSERT_TRUE(Eventually([&] { return watches.load() >= 2; }));
  reflector.Stop();
  EXPECT_EQ(lists.load(), 1) << "a disconnect resumes the watch, it does not relist";
  EXPECT_EQ(sink.log(), (std::vector<std::string>{"replace:0", "upsert:node-9-gpu"}));
  auto watch_requests = WatchRequests(server);
  ASSERT_GE(watch_requests.size(), 2u);
  EXPECT_NE(watch_requests[1].find("resourceVersion=51&"), std::string::npos) << watch_requests[1];
}

TEST(ReflectorTest, ListFailureBacksOffAndRetries) {
  FakeApiServer server;
  std::atomic<int> lists{0};
  server.OnGet("/apis/resource.k8s.io/v1/deviceclasses", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("watch")) {
      server.Stream(res, {}, FakeApiServer::End::kHang);
      return;
    }
    if (++lists == 1) {
      res.status = 500;
      res.set_content(R"({"kind":"Status","code":500,"message":"etcd unavailable"})", "application/json");
      return;
    }
    res.set_content(ListBody({Json{{"metadata", {{"name", "gpu.example.com"}}}}}, "3", ""), "application/json");
  });
  auto client = ClientFor(server);
  ClusterStore store;
  ServiceMetrics metrics;
  Reflector reflector(*client, DeviceClassesResource(), store, FastOptions(), &metrics);
  reflector.Start();
  ASSERT_TRUE(reflector.WaitForSync(5s));
  reflector.Stop();
  EXPECT_EQ(lists.load(), 2);
  EXPECT_EQ(metrics.ValueForTest("allot_watch_errors_total", {{"kind", "DeviceClass"}}), 1);
  EXPECT_EQ(store.Load()->of(ObjectKind::kDeviceClass).size(), 1u);
  EXPECT_TRUE(store.Load()->kind_synced[static_cast<size_t>(ObjectKind::kDeviceClass)]);
  EXPECT_FALSE(store.Load()->synced()) << "other kinds are not synced yet";
}

TEST(ReflectorTest, StopInterruptsHangingWatchPromptly) {
  FakeApiServer server;
  std::atomic<int> watches{0};
  server.OnGet("/apis/resource.k8s.io/v1/resourceclaims", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("watch")) {
      ++watches;
      server.Stream(res, {}, FakeApiServer::End::kHang);
      return;
    }
    res.set_content(ListBody({}, "1", ""), "application/json");
  });
  auto client = ClientFor(server);
  ClusterStore store;
  Reflector reflector(*client, ResourceClaimsResource(), store, FastOptions());
  reflector.Start();
  ASSERT_TRUE(Eventually([&] { return watches.load() >= 1; }));
  auto start = std::chrono::steady_clock::now();
  reflector.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(server.CountRequests("/apis/resource.k8s.io/v1/resourceclaims?limit=2"), 1u)
      << "claims are listed across all namespaces";
}

}  // namespace
}  // namespace allot::svc
