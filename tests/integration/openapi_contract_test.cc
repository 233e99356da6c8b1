// The OpenAPI contract (issue 13 §5): service/http/openapi.json describes every route allot serves, and
// every route's real answers match it.
//
//   1. The route table and the document agree: each registered route has an operation and vice versa, at
//      its path and under the --url-prefix. A route added without its operation fails here, by name.
//   2. The document is well formed (every $ref resolves, every operation has responses, only schema
//      keywords the test's validator checks), served at /openapi.json as the checked-in file, and its
//      ReasonCode enum is exactly core/alloc/explain.h's codes.
//   3. Every route is driven over HTTP, with good and bad input, on the demo cluster and on a server whose
//      store never syncs; each answer's status, media type and body are checked against the document, and
//      every documented status must be seen (or be listed in kNotExercised with the reason).
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include "core/alloc/explain.h"
#include "service/http/openapi.h"
#include "service/service.h"
#include "tests/service/fake_apiserver.h"
#include "tests/testutil/openapi_document.h"

namespace allot::svc {
namespace {

using namespace std::chrono_literals;
using ::testing::IsEmpty;
using testutil::OpenApiDocument;
namespace fs = std::filesystem;

constexpr char kDocumentFile[] = "service/http/openapi.json";  // tests run in the source directory
constexpr char kUrlPrefix[] = "/allot";                         // ServiceConfig's default --url-prefix

// Documented statuses this test cannot provoke, with why. Everything else documented must be seen.
const std::map<std::string, std::string>& NotExercised() {
  static const std::map<std::string, std::string> kNotExercised = {
      {"POST /api/v1/explain 500", "only when loading the cluster state fails for a reason other than not synced"},
      {"GET /api/v1/inventory 500", "only when loading the cluster state or ComputeInventory fails internally"},
      {"POST /api/v1/simulate 500", "only when loading the cluster state fails for a reason other than not synced"},
  };
  return kNotExercised;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::unique_ptr<OpenApiDocument> LoadDocument() {
  return std::make_unique<OpenApiDocument>(nlohmann::json::parse(OpenApiJson()));
}

// A documented path template with every {parameter} replaced by a sample segment.
std::string Sample(const std::string& path_template) {
  return std::regex_replace(path_template, std::regex(R"(\{[^}/]+\})"), "sample-value");
}

// The routes a Service registered, as "METHOD pattern" (cpp-httplib regex), and which of them serve `path`.
struct RouteTable {
  std::vector<RegisteredRoute> routes;
  std::vector<const RegisteredRoute*> Serving(const std::string& method, const std::string& path) const {
    std::vector<const RegisteredRoute*> out;
    for (const RegisteredRoute& r : routes) {
      if (r.method == method && std::regex_match(path, std::regex(r.pattern))) out.push_back(&r);
    }
    return out;
  }
};

// One served answer.
struct Answer {
  int status = 0;
  std::string content_type;
  std::string body;
  Json json;  // parsed when the body is JSON, else null
};

// Calls routes over HTTP, checks every answer against the document, and records which documented
// statuses were seen.
class ContractClient {
 public:
  ContractClient(const OpenApiDocument& doc, int port) : doc_(doc), http_("127.0.0.1", port) {
    http_.set_read_timeout(20, 0);
  }

  // `path` may carry a query and the URL prefix. A `good` body must match the documented request schema.
  Answer Call(const std::string& method, const std::string& path, const std::string& body = "",
              const std::string& content_type = "application/json", bool good = true) {
    const std::string what = method + " " + path;
    std::string bare = path.substr(0, path.find('?'));
    if (bare.rfind(std::string(kUrlPrefix) + "/", 0) == 0) bare = bare.substr(std::string(kUrlPrefix).size());
    auto path_template = doc_.MatchPath(bare);
    if (!path_template) {
      ADD_FAILURE() << what << ": no documented path matches " << bare;
      return {};
    }
    if (good && method == "POST" && content_type == "application/json") {
      for (const auto& p : doc_.CheckRequest(method, *path_template, content_type, body)) {
        ADD_FAILURE() << what << ": the test's good request does not match the document: " << p;
      }
    }
    httplib::Result res = method == "GET" ? http_.Get(path) : http_.Post(path, body, content_type);
    if (!res) {
      ADD_FAILURE() << what << ": no answer (" << httplib::to_string(res.error()) << ")";
      return {};
    }
    Answer answer{res->status, res->get_header_value("Content-Type"), res->body, Json()};
    if (testutil::MediaType(answer.content_type) == "application/json") {
      answer.json = Json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
    }
    for (const auto& p : doc_.CheckResponse(method, *path_template, answer.status, answer.content_type, answer.body)) {
      ADD_FAILURE() << what << " -> " << answer.status << ": " << p << "\n  body: " << answer.body.substr(0, 400);
    }
    seen_[method + " " + *path_template].insert(std::to_string(answer.status));
    return answer;
  }

  // Call, expecting `status`.
  Answer Expect(int status, const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& content_type = "application/json") {
    const bool good = status < 400;
    Answer answer = Call(method, path, body, content_type, good);
    EXPECT_EQ(answer.status, status) << method << " " << path << ": " << answer.body.substr(0, 400);
    return answer;
  }

  const std::map<std::string, std::set<std::string>>& seen() const { return seen_; }
  void Merge(const ContractClient& other) {
    for (const auto& [op, statuses] : other.seen_) seen_[op].insert(statuses.begin(), statuses.end());
  }

 private:
  const OpenApiDocument& doc_;
  httplib::Client http_;
  std::map<std::string, std::set<std::string>> seen_;  // "GET /api/v1/nodes" -> {"200"}
};

std::unique_ptr<Service> StartDemo() {
  ServiceConfig config;
  config.force_demo = true;
  config.demo_dir = "deploy/demo";
  config.http.host = "127.0.0.1";
  config.http.port = 0;
  config.http.workers = 4;
  config.http.max_body_bytes = 1 << 20;
  auto service = Service::Create(config);
  EXPECT_TRUE(service.ok()) << service.status();
  if (!service.ok()) return nullptr;
  EXPECT_TRUE((*service)->Start().ok());
  return std::move(service).value();
}

bool WaitReady(int port) {
  httplib::Client client("127.0.0.1", port);
  for (int i = 0; i < 2000; ++i) {
    auto res = client.Get("/readyz");
    if (res && res->status == 200) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

TEST(OpenApiContractTest, EveryRouteHasAnOperationAndEveryOperationARoute) {
  auto service = StartDemo();
  ASSERT_NE(service, nullptr);
  auto doc = LoadDocument();
  RouteTable table{service->http().routes()};
  ASSERT_FALSE(table.routes.empty());

  // Route -> operation: the route's pattern must serve the sample path of an operation of its method.
  const auto operations = doc->Operations();
  std::set<std::string> checked;  // "METHOD pattern" without the prefix: each route is reported once
  for (const RegisteredRoute& route : table.routes) {
    std::string pattern = route.pattern;
    if (pattern.rfind(std::string(kUrlPrefix) + "/", 0) == 0) pattern = pattern.substr(std::string(kUrlPrefix).size());
    if (!checked.insert(route.method + " " + pattern).second) continue;
    bool documented = false;
    for (const auto& op : operations) {
      documented = documented || (op.method == route.method && std::regex_match(Sample(op.path), std::regex(pattern)));
    }
    EXPECT_TRUE(documented) << "route " << route.method << " " << pattern << " (metrics label \"" << route.route
                            << "\") is served but " << kDocumentFile
                            << " has no operation for it: add its path, parameters, request body and every "
                               "response it can answer (docs/tooling.md, \"OpenAPI\")";
  }
  // Operation -> route, at its path and under the URL prefix; exactly one route serves each.
  for (const auto& op : operations) {
    for (const std::string prefix : {"", kUrlPrefix}) {
      const std::string path = prefix + Sample(op.path);
      auto serving = table.Serving(op.method, path);
      EXPECT_EQ(serving.size(), 1u) << "operation " << op.method << " " << op.path << " is documented in "
                                    << kDocumentFile << " but " << serving.size() << " routes serve "
                                    << op.method << " " << path;
    }
  }
  service->Stop();
}

TEST(OpenApiContractTest, TheDocumentIsWellFormedAndServedAsCheckedIn) {
  auto doc = LoadDocument();
  EXPECT_THAT(doc->StructureProblems(), IsEmpty());
  const std::string file = ReadFile(kDocumentFile);
  ASSERT_FALSE(file.empty()) << kDocumentFile;
  EXPECT_EQ(std::string(OpenApiJson()), file) << "the binary embeds another version of " << kDocumentFile;

  auto service = StartDemo();
  ASSERT_NE(service, nullptr);
  httplib::Client client("127.0.0.1", service->port());
  for (const char* path : {"/openapi.json", "/allot/openapi.json"}) {
    auto res = client.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    EXPECT_EQ(Json::parse(res->body), Json::parse(file)) << path;
  }
  service->Stop();
}

TEST(OpenApiContractTest, ReasonCodeEnumIsExactlyTheExplainCodes) {
  auto doc = LoadDocument();
  const nlohmann::json& documented = doc->document()["components"]["schemas"]["ReasonCode"]["enum"];
  std::set<std::string> codes;
  for (int i = 0; i < alloc::kReasonCodeCount; ++i) {
    codes.insert(std::string(alloc::ReasonCodeName(static_cast<alloc::ReasonCode>(i))));
  }
  std::set<std::string> in_document;
  for (const auto& code : documented) in_document.insert(code.get<std::string>());
  EXPECT_EQ(in_document, codes);
  EXPECT_EQ(documented.size(), in_document.size()) << "the enum lists a code twice";
}

// The demo cluster part of EveryDocumentedAnswerIsSeenAndConforms.
void DriveDemoCluster(ContractClient& c) {
  const std::string huge(2 << 20, ' ');  // over the 1 MiB body limit
  // Operations.
  EXPECT_EQ(c.Expect(200, "GET", "/healthz").body, "ok\n");
  c.Expect(200, "GET", "/allot/healthz");
  c.Expect(200, "GET", "/readyz");
  c.Expect(200, "GET", "/metrics");
  c.Expect(200, "GET", "/openapi.json");

  // Nodes and inventory.
  EXPECT_EQ(c.Expect(200, "GET", "/api/v1/nodes").json.size(), 5u);
  Answer inv = c.Expect(200, "GET", "/api/v1/inventory");
  EXPECT_FALSE(inv.json["pools"].empty());
  Answer counters = c.Expect(200, "GET", "/api/v1/inventory?driver=gpu.nvidia.com");
  EXPECT_TRUE(counters.json["pools"][0].contains("counterSets")) << "so that the counter set schema is checked";
  Answer shared = c.Expect(200, "GET", "/allot/api/v1/inventory?pool=shared-gpu-node-1");
  EXPECT_TRUE(shared.json["pools"][0].contains("sharedDevices")) << "so that the shared device schema is checked";
  EXPECT_TRUE(shared.json["pools"][0].contains("shareableSummary")) << "so that the shareable summary is checked";
  // KEP-5677 partition types by the query's grouping attribute: per class row `partitions`; the H100 pool has
  // a summary error instead of a partitionSummary (its whole GPUs consume counters but have no profile:
  // PartitionTypeMissing; docs/tooling.md, "KEP-5677's summaries").
  Answer parts = c.Expect(200, "GET",
                          "/api/v1/inventory?node=dgx-h100-01&class=mig.nvidia.com"
                          "&partitionTypeAttribute=gpu.nvidia.com/profile");
  ASSERT_EQ(parts.json["classes"].size(), 1u) << parts.body.substr(0, 400);
  EXPECT_FALSE(parts.json["classes"][0].value("partitions", Json::array()).empty()) << "so that partitions are checked";
  ASSERT_EQ(parts.json["pools"].size(), 1u);
  EXPECT_EQ(parts.json["pools"][0].value("validationError", "").rfind("Partition", 0), 0u)
      << "so that a summary error is checked: " << parts.json["pools"][0].value("validationError", "(none)");
  c.Expect(400, "GET", "/api/v1/inventory?partitionTypeAttribute=profile");
  c.Expect(400, "GET", "/api/v1/inventory?partitionTypeAttribute=gpu.nvidia.com/profile/x");
  c.Expect(200, "GET", "/api/v1/inventory?node=gpu-node-1&class=gpu.example.com");
  c.Expect(400, "GET", "/api/v1/inventory?nodes=x");
  c.Expect(400, "GET", "/api/v1/inventory?node=no-such-node");
  c.Expect(400, "GET", "/api/v1/inventory?driver=");
  c.Expect(400, "GET", "/api/v1/inventory?driver=a&driver=b");

  // Demo objects: a claim (JSON), a pod using it (YAML), a list of two claims, and bad input.
  const Json claim = {{"apiVersion", "resource.k8s.io/v1"},
                      {"kind", "ResourceClaim"},
                      {"metadata", {{"name", "contract-gpu"}, {"namespace", "default"}}},
                      {"spec",
                       {{"devices",
                         {{"requests", {{{"name", "gpu"}, {"exactly", {{"deviceClassName", "gpu.example.com"}}}}}}}}}}};
  EXPECT_EQ(c.Expect(201, "POST", "/api/v1/demo/objects", claim.dump()).json["metadata"]["name"], "contract-gpu");
  c.Expect(409, "POST", "/api/v1/demo/objects", claim.dump());
  Json strict = claim;
  strict["metadata"]["name"] = "contract-strict";
  strict["spec"]["devices"]["requests"][0]["exactly"]["selectors"] = {
      {{"cel", {{"expression", "device.capacity['gpu.example.com'].memory.compareTo(quantity('1Ti')) >= 0"}}}}};
  Json other = claim;
  other["metadata"]["name"] = "contract-other";
  Answer two = c.Expect(201, "POST", "/api/v1/demo/objects", Json::array({strict, other}).dump());
  EXPECT_EQ(two.json.size(), 2u);
  Answer pod = c.Expect(201, "POST", "/allot/api/v1/demo/objects",
                        "apiVersion: v1\nkind: Pod\nmetadata: {name: contract-pod, namespace: default}\n"
                        "spec:\n  schedulerName: allot\n  resourceClaims: [{name: gpu, resourceClaimName: contract-gpu}]\n"
                        "  containers: [{name: main, image: busybox, resources: {claims: [{name: gpu}]}}]\n",
                        "application/yaml");
  const std::string uid = pod.json["metadata"].value("uid", "");
  EXPECT_FALSE(uid.empty());
  c.Expect(400, "POST", "/api/v1/demo/objects", R"({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}})");
  c.Expect(400, "POST", "/api/v1/demo/objects", "{not json");
  c.Expect(413, "POST", "/api/v1/demo/objects", huge);

  // Claims reach the store through the watch, in creation order: once the last one is there, all are.
  Answer last;
  for (int i = 0; i < 2000 && last.status != 200; ++i) {
    if (i > 0) std::this_thread::sleep_for(5ms);
    last = c.Call("GET", "/api/v1/claims/default/contract-other");
  }
  EXPECT_EQ(last.status, 200);
  EXPECT_EQ(c.Expect(200, "GET", "/api/v1/claims/default/contract-gpu").json["metadata"]["name"], "contract-gpu");
  c.Expect(404, "GET", "/api/v1/claims/default/no-such-claim");
  c.Expect(404, "GET", "/allot/api/v1/claims/other-namespace/contract-gpu");

  // Device metadata of a claim that is never allocated (the strict one fits nowhere), and bad input.
  c.Expect(409, "GET", "/api/v1/claims/default/contract-strict/metadata");
  c.Expect(404, "GET", "/api/v1/claims/default/no-such-claim/metadata");
  c.Expect(400, "GET", "/api/v1/claims/default/contract-strict/metadata?version=v2");
  c.Expect(400, "GET", "/api/v1/claims/default/contract-strict/metadata?versions=v1beta1");
  c.Expect(400, "GET", "/api/v1/claims/default/contract-strict/metadata?version=v1beta1&version=v1alpha1");

  // Extender verbs, as kube-scheduler sends them (under the prefix), both node modes.
  const std::vector<std::string> nodes = {"gpu-node-1", "gpu-node-2", "dgx-h100-01", "shared-gpu-node-1", "cpu-node-1"};
  Json args = {{"Pod", pod.json}, {"Nodes", nullptr}, {"NodeNames", nodes}};
  Answer filtered = c.Expect(200, "POST", "/allot/filter", args.dump());
  EXPECT_EQ(filtered.json["Error"], "");
  EXPECT_FALSE(filtered.json["NodeNames"].empty());
  EXPECT_FALSE(filtered.json["FailedNodes"].empty());
  Json node_list = {{"items", Json::array()}};
  for (const auto& n : nodes) node_list["items"].push_back({{"metadata", {{"name", n}}}});
  Answer by_list = c.Expect(200, "POST", "/filter", Json({{"Pod", pod.json}, {"Nodes", node_list}}).dump());
  EXPECT_TRUE(by_list.json["Nodes"].is_object()) << by_list.body;
  Json unknown_claim = pod.json;  // another pod (filter remembers pods by uid for bind)
  unknown_claim["metadata"]["name"] = "contract-unknown";
  unknown_claim["metadata"]["uid"] = "contract-unknown-uid";
  unknown_claim["spec"]["resourceClaims"][0]["resourceClaimName"] = "no-such-claim";
  EXPECT_NE(c.Expect(200, "POST", "/filter", Json({{"Pod", unknown_claim}, {"NodeNames", nodes}}).dump()).json["Error"], "");
  c.Expect(400, "POST", "/filter", "{not json");
  c.Expect(400, "POST", "/filter", R"({"Pod": 42})");
  c.Expect(413, "POST", "/filter", huge);

  args["NodeNames"] = filtered.json["NodeNames"];
  Answer scores = c.Expect(200, "POST", "/allot/prioritize", args.dump());
  EXPECT_EQ(scores.json.size(), args["NodeNames"].size());
  c.Expect(400, "POST", "/prioritize", R"({"NodeNames": "gpu-node-1"})");
  c.Expect(413, "POST", "/prioritize", huge);

  // Explain before the bind: the strict claim fits nowhere, with reason codes.
  Json strict_pod = pod.json;
  strict_pod["spec"]["resourceClaims"][0]["resourceClaimName"] = "contract-strict";
  Answer explained = c.Expect(200, "POST", "/api/v1/explain", Json({{"pod", strict_pod}, {"nodes", nodes}}).dump());
  EXPECT_TRUE(explained.json["fits"].empty());
  ASSERT_EQ(explained.json["nodes"].size(), nodes.size());
  EXPECT_FALSE(explained.json["nodes"][0]["reasons"].empty()) << "so that the reason schema is checked";
  Answer by_ref = c.Expect(200, "POST", "/allot/api/v1/explain", R"({"podRef": {"name": "contract-pod"}})");
  EXPECT_FALSE(by_ref.json["fits"].empty());
  Json with_unknown_node = {{"pod", strict_pod}, {"nodes", {"no-such-node"}}};
  EXPECT_TRUE(c.Expect(200, "POST", "/api/v1/explain", with_unknown_node.dump()).json["nodes"][0].contains("error"));
  c.Expect(404, "POST", "/api/v1/explain", R"({"podRef": {"namespace": "default", "name": "no-such-pod"}})");
  c.Expect(400, "POST", "/api/v1/explain", "{}");
  c.Expect(400, "POST", "/api/v1/explain", Json({{"pod", strict_pod}, {"podRef", {{"name", "x"}}}}).dump());
  c.Expect(400, "POST", "/api/v1/explain", R"({"podRef": {"namespace": "default"}})");
  c.Expect(400, "POST", "/api/v1/explain", "[1, 2]");
  c.Expect(413, "POST", "/api/v1/explain", huge);

  // Simulate: copies of a pod whose claim comes from a template (minted per replica) until one fits nowhere,
  // a few on chosen nodes with generateName, and the strict claim (given in the body), which fits nowhere.
  const Json claim_template = {{"apiVersion", "resource.k8s.io/v1"},
                               {"kind", "ResourceClaimTemplate"},
                               {"metadata", {{"name", "contract-template"}, {"namespace", "default"}}},
                               {"spec", {{"spec", claim["spec"]}}}};
  Json worker = pod.json;
  worker["metadata"] = {{"name", "contract-worker"}, {"namespace", "default"}};
  worker["spec"]["resourceClaims"] =
      Json::array({{{"name", "gpu"}, {"resourceClaimTemplateName", "contract-template"}}});
  Json simulate = {{"pod", worker}, {"templates", Json::array({claim_template})}, {"replicas", 100}};
  Answer sim = c.Expect(200, "POST", "/api/v1/simulate", simulate.dump());
  EXPECT_GT(sim.json.value("placed", 0), 0);
  EXPECT_LT(sim.json.value("placed", 100), 100);
  EXPECT_TRUE(sim.json.contains("firstFailure")) << "so that firstFailure is checked";
  EXPECT_FALSE(sim.json["placements"][0]["allocations"].empty()) << "so that the allocation schema is checked";
  Json by_name = simulate;
  by_name["pod"]["metadata"] = {{"generateName", "contract-worker-"}, {"namespace", "default"}};
  by_name["replicas"] = 2;
  by_name["nodes"] = Json::array({"gpu-node-2", "cpu-node-1"});
  Answer two_placed = c.Expect(200, "POST", "/allot/api/v1/simulate", by_name.dump());
  EXPECT_EQ(two_placed.json["placed"], 2);
  EXPECT_FALSE(two_placed.json.contains("firstFailure"));
  const Json strict_body = {{"pod", strict_pod}, {"claims", Json::array({strict})}};
  Answer nowhere = c.Expect(200, "POST", "/api/v1/simulate", strict_body.dump());
  EXPECT_EQ(nowhere.json["placed"], 0);
  EXPECT_TRUE(nowhere.json["firstFailure"]["fits"].empty());
  Json zero = simulate;
  zero["replicas"] = 0;
  c.Expect(400, "POST", "/api/v1/simulate", zero.dump());
  c.Expect(400, "POST", "/api/v1/simulate", "{}");
  c.Expect(400, "POST", "/api/v1/simulate", "{not json");
  c.Expect(400, "POST", "/api/v1/simulate", R"({"pod": {"metadata": {"name": "w"}}})");
  c.Expect(400, "POST", "/api/v1/simulate", Json({{"pod", worker}}).dump());
  Json unknown_node = simulate;
  unknown_node["nodes"] = Json::array({"no-such-node"});
  c.Expect(400, "POST", "/api/v1/simulate", unknown_node.dump());
  c.Expect(413, "POST", "/api/v1/simulate", huge);

  // Bind: a real one, one without PodName (an Error in a 200 answer), and bad input.
  Json bind = {{"PodName", "contract-pod"},
               {"PodNamespace", "default"},
               {"PodUID", uid},
               {"Node", filtered.json["NodeNames"][0]}};
  EXPECT_EQ(c.Expect(200, "POST", "/allot/bind", bind.dump()).json["Error"], "");
  EXPECT_NE(c.Expect(200, "POST", "/bind", R"({"PodNamespace": "default"})").json["Error"], "");
  c.Expect(400, "POST", "/bind", R"({"PodName": 42})");
  c.Expect(413, "POST", "/bind", huge);
  // After the bind, the claim shows its allocation (schema: still a claim) and inventory counts it.
  Answer allocated;
  for (int i = 0; i < 2000 && !allocated.json.contains("status"); ++i) {
    if (i > 0) std::this_thread::sleep_for(5ms);
    allocated = c.Call("GET", "/api/v1/claims/default/contract-gpu");
  }
  EXPECT_TRUE(allocated.json.contains("status")) << allocated.body;

  // Its device metadata, in each version form (the view may still show bind's reservation: inFlight).
  Answer metadata;
  for (int i = 0; i < 2000 && metadata.status != 200; ++i) {
    if (i > 0) std::this_thread::sleep_for(5ms);
    metadata = c.Call("GET", "/allot/api/v1/claims/default/contract-gpu/metadata");
  }
  ASSERT_EQ(metadata.status, 200) << metadata.body;
  ASSERT_EQ(metadata.json["files"].size(), 1u) << metadata.body.substr(0, 400);
  const Json& file = metadata.json["files"][0];
  const std::string claim_dir = "/var/run/kubernetes.io/dra-device-attributes/resourceclaims/contract-gpu/gpu/";
  EXPECT_EQ(file.value("path", "").rfind(claim_dir, 0), 0u) << file.value("path", "");
  EXPECT_EQ(file["document"]["apiVersion"], "metadata.resource.k8s.io/v1beta1");
  EXPECT_FALSE(file["document"]["requests"][0]["devices"][0].value("attributes", Json::object()).empty())
      << "so that the attribute schema is checked";
  for (const std::string version : {"v1alpha1", "metadata.resource.k8s.io/v1beta1"}) {
    Answer versioned = c.Expect(200, "GET", "/api/v1/claims/default/contract-gpu/metadata?version=" + version);
    const std::string want = version.find('/') == std::string::npos ? "metadata.resource.k8s.io/" + version : version;
    EXPECT_EQ(versioned.json.value("apiVersion", ""), want);
    EXPECT_EQ(versioned.json["files"][0]["document"].value("apiVersion", ""), want);
  }

  // Simulate a pod whose only claim is allocated now: every replica placed on its node, allocating nothing.
  Answer pinned = c.Expect(200, "POST", "/api/v1/simulate", Json({{"pod", pod.json}, {"replicas", 2}}).dump());
  EXPECT_EQ(pinned.json["placed"], 2);
  EXPECT_TRUE(pinned.json["placements"][0]["allocations"].empty()) << pinned.body.substr(0, 400);

  // A stored claim that does not decode: the metadata route answers 500 (kept last: nothing else reads it).
  Json undecodable = claim;
  undecodable["metadata"]["name"] = "contract-undecodable";
  undecodable["spec"]["devices"] = "not an object";
  c.Expect(201, "POST", "/api/v1/demo/objects", undecodable.dump());
  Answer broken;
  for (int i = 0; i < 2000 && broken.status != 500; ++i) {
    if (i > 0) std::this_thread::sleep_for(5ms);
    broken = c.Call("GET", "/api/v1/claims/default/contract-undecodable/metadata");
  }
  EXPECT_EQ(broken.status, 500) << broken.body;
}

// The never-synced part: a kube-apiserver that answers 500 to everything.
void DriveUnsyncedServer(const OpenApiDocument& doc, ContractClient& merged) {
  testing::FakeApiServer api;
  api.OnGet(".*", [](const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content(R"({"kind":"Status","code":500,"message":"not yet"})", "application/json");
  });
  fs::path kubeconfig = fs::temp_directory_path() / ("allot-openapi-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(kubeconfig) << "current-context: t\nclusters: [{name: c, cluster: {server: \"" << api.url()
                            << "\"}}]\nusers: [{name: u, user: {token: x}}]\n"
                            << "contexts: [{name: t, context: {cluster: c, user: u}}]\n";
  ServiceConfig config;
  config.kubeconfig = kubeconfig.string();
  config.http.host = "127.0.0.1";
  config.http.port = 0;
  config.reflector.initial_backoff = 10ms;
  auto service = Service::Create(config);
  ASSERT_TRUE(service.ok()) << service.status();
  ASSERT_TRUE((*service)->Start().ok());
  ContractClient c(doc, (*service)->port());
  EXPECT_NE(c.Expect(503, "GET", "/readyz").body.find("not synced"), std::string::npos);
  c.Expect(503, "GET", "/api/v1/inventory");
  const Json pod = {{"metadata", {{"name", "p"}, {"namespace", "default"}}},
                    {"spec", {{"resourceClaims", {{{"name", "g"}, {"resourceClaimName", "c"}}}}}}};
  c.Expect(503, "POST", "/api/v1/explain", Json({{"pod", pod}}).dump());
  c.Expect(502, "POST", "/api/v1/explain", R"({"podRef": {"name": "p"}})");
  EXPECT_NE(c.Expect(200, "POST", "/filter", Json({{"Pod", pod}, {"NodeNames", {"n"}}}).dump()).json["Error"], "");
  c.Expect(200, "GET", "/api/v1/nodes");
  c.Expect(404, "GET", "/api/v1/claims/default/c");
  c.Expect(503, "GET", "/api/v1/claims/default/c/metadata");
  c.Expect(503, "POST", "/api/v1/simulate", Json({{"pod", pod}}).dump());
  (*service)->Stop();
  fs::remove(kubeconfig);
  merged.Merge(c);
}

TEST(OpenApiContractTest, EveryDocumentedAnswerIsSeenAndConforms) {
  auto doc = LoadDocument();
  ASSERT_THAT(doc->StructureProblems(), IsEmpty());
  auto service = StartDemo();
  ASSERT_NE(service, nullptr);
  ASSERT_TRUE(WaitReady(service->port())) << "the demo cluster never became ready";
  ContractClient c(*doc, service->port());
  DriveDemoCluster(c);
  service->Stop();
  DriveUnsyncedServer(*doc, c);

  // Every documented status was seen, unless listed (and still documented) in NotExercised.
  for (const auto& op : doc->Operations()) {
    const std::string name = op.method + " " + op.path;
    auto seen = c.seen().find(name);
    EXPECT_NE(seen, c.seen().end()) << name << " was never called";
    for (const std::string& status : doc->Statuses(op.method, op.path)) {
      const bool listed = NotExercised().count(name + " " + status) > 0;
      const bool was_seen = seen != c.seen().end() && seen->second.count(status) > 0;
      EXPECT_TRUE(was_seen || listed) << name << " documents status " << status
                                      << " but this test never sees it: provoke it, or list it in NotExercised";
    }
  }
  for (const auto& [key, why] : NotExercised()) {
    bool documented = false;
    for (const auto& op : doc->Operations()) {
      for (const std::string& status : doc->Statuses(op.method, op.path)) {
        documented = documented || key == op.method + " " + op.path + " " + status;
      }
    }
    EXPECT_TRUE(documented) << "NotExercised lists " << key << ", which the document does not have";
  }
}

}  // namespace
}  // namespace allot::svc
