// Extender wire messages: PascalCase keys as kube-scheduler sends and expects them.
#include "api/extender/v1.h"

#include <gtest/gtest.h>

#include "api/codec.h"
#include "api/k8s/watch_event.h"

namespace allot::api {
namespace {

TEST(ExtenderArgsTest, DecodesCacheModeFilterRequest) {
  // The filter request from extender-and-cluster.md §1.2.
  auto args = Decode<ExtenderArgs>(
      R"({"Pod":{"metadata":{"name":"p","namespace":"ns","uid":"u-1"},"spec":{"schedulerName":"allot",)"
      R"("resourceClaims":[{"name":"gpu","resourceClaimTemplateName":"gpu-t"}],"containers":[{"name":"c",)"
      R"("image":"x","resources":{"claims":[{"name":"gpu"}]}}]},"status":{"resourceClaimStatuses":[)"
      R"({"name":"gpu","resourceClaimName":"p-gpu-7xk2q"}]}},"Nodes":null,"NodeNames":["node-1","node-2"]})");
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->pod.metadata.name, "p");
  EXPECT_EQ(args->pod.metadata.namespace_, "ns");
  EXPECT_EQ(args->pod.metadata.uid, "u-1");
  EXPECT_EQ(args->pod.spec.scheduler_name, "allot");
  ASSERT_EQ(args->pod.spec.resource_claims.size(), 1u);
  EXPECT_EQ(args->pod.spec.resource_claims[0].resource_claim_template_name, std::optional<std::string>("gpu-t"));
  EXPECT_FALSE(args->pod.spec.resource_claims[0].resource_claim_name.has_value());
  EXPECT_EQ(args->pod.spec.containers.at(0).resources.claims.at(0).name, "gpu");
  EXPECT_EQ(args->pod.status.resource_claim_statuses.at(0).resource_claim_name,
            std::optional<std::string>("p-gpu-7xk2q"));
  EXPECT_FALSE(args->nodes.has_value());
  EXPECT_EQ(args->node_names, std::optional<std::vector<std::string>>({"node-1", "node-2"}));
}

TEST(ExtenderArgsTest, DecodesNonCacheModeNodesAndAnyKeyCase) {
  auto args = Decode<ExtenderArgs>(
      R"({"pod":{"metadata":{"name":"p"}},"nodes":{"metadata":{},"items":[{"metadata":{"name":"n1",)"
      R"("labels":{"zone":"a"}},"status":{"allocatable":{"cpu":"4","memory":"16Gi"},)"
      R"("conditions":[{"type":"Ready","status":"True"}]}}]}})");
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->pod.metadata.name, "p");
  ASSERT_TRUE(args->nodes.has_value());
  const Node& node = args->nodes->items.at(0);
  EXPECT_EQ(node.metadata.labels.at("zone"), "a");
  EXPECT_EQ(node.status.allocatable.at("memory").text, "16Gi");
  EXPECT_EQ(node.status.conditions.at(0).type, "Ready");
  EXPECT_FALSE(args->node_names.has_value());
}

TEST(ExtenderArgsTest, ErrorPathUsesPascalCaseKey) {
  auto args = Decode<ExtenderArgs>(R"({"Pod":{},"NodeNames":["a",3]})");
  ASSERT_FALSE(args.ok());
  EXPECT_EQ(args.status().message(), "NodeNames[1]: expected string, got number");
}

TEST(ExtenderFilterResultTest, EncodesEveryKeyLikeGo) {
  ExtenderFilterResult result;
  result.node_names = std::vector<std::string>{"node-1"};
  result.failed_nodes["node-2"] = "insufficient free devices for claim ns/p-gpu-7xk2q";
  EXPECT_EQ(EncodeString(result),
            R"({"Error":"","FailedAndUnresolvableNodes":{},"FailedNodes":{"node-2":"insufficient free devices )"
            R"(for claim ns/p-gpu-7xk2q"},"NodeNames":["node-1"],"Nodes":null})");
  auto back = Decode<ExtenderFilterResult>(EncodeString(result));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, result);
}

TEST(HostPriorityListTest, IsAJsonArray) {
  HostPriorityList list = {{"node-1", 8}, {"node-3", 2}};
  EXPECT_EQ(EncodeString(list), R"([{"Host":"node-1","Score":8},{"Host":"node-3","Score":2}])");
  auto back = Decode<HostPriorityList>(R"([{"Host":"node-1","Score":8},{"Host":"node-3","Score":2}])");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, list);
}

TEST(ExtenderBindingTest, RoundTrips) {
  auto args = Decode<ExtenderBindingArgs>(R"({"PodName":"p","PodNamespace":"ns","PodUID":"u-1","Node":"node-1"})");
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->pod_name, "p");
  EXPECT_EQ(args->pod_namespace, "ns");
  EXPECT_EQ(args->pod_uid, "u-1");
  EXPECT_EQ(args->node, "node-1");
  EXPECT_EQ(EncodeString(*args), R"({"Node":"node-1","PodName":"p","PodNamespace":"ns","PodUID":"u-1"})");
  EXPECT_EQ(EncodeString(ExtenderBindingResult{}), R"({"Error":""})");
}

TEST(ExtenderPreemptionTest, MetaVictims) {
  auto args = Decode<ExtenderPreemptionArgs>(
      R"({"Pod":{"metadata":{"name":"p"}},"NodeNameToVictims":null,)"
      R"("NodeNameToMetaVictims":{"node-1":{"Pods":[{"UID":"u-9"}],"NumPDBViolations":1}}})");
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_FALSE(args->node_name_to_victims.has_value());
  EXPECT_EQ(args->node_name_to_meta_victims->at("node-1").pods.at(0).uid, "u-9");
  EXPECT_EQ(args->node_name_to_meta_victims->at("node-1").num_pdb_violations, 1);
  ExtenderPreemptionResult result;
  result.node_name_to_meta_victims["node-1"] = MetaVictims{{MetaPod{"u-9"}}, 0};
  EXPECT_EQ(EncodeString(result), R"({"NodeNameToMetaVictims":{"node-1":{"NumPDBViolations":0,"Pods":[{"UID":"u-9"}]}}})");
}

TEST(WatchEventTest, KeepsObjectRawAndDecodesStatus) {
  auto event = Decode<WatchEvent>(
      R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure",)"
      R"j("message":"too old resource version: 1 (2)","reason":"Expired","code":410}})j");
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->type, kWatchError);
  auto status = Decode<ApiStatus>(event->object);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->code, 410);
  EXPECT_EQ(status->reason, "Expired");

  auto missing = Decode<WatchEvent>(R"({"type":"ADDED"})");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "object: missing required field");
}

}  // namespace
}  // namespace allot::api
