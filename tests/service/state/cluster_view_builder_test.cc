// ClusterViewBuilder and ClusterViewPublisher: a view holds everything a verb reads, shares each part whose
// inputs did not change, decodes a claim once per stored object, and is never older than the store snapshot
// the caller saw.
#include "service/state/cluster_view_builder.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "service/state/cluster_view_publisher.h"

namespace allot::svc {
namespace {

Json Node(const std::string& name) { return {{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", name}}}}; }

Json Class(const std::string& name) {
  return {{"apiVersion", "resource.k8s.io/v1"}, {"kind", "DeviceClass"}, {"metadata", {{"name", name}}}, {"spec", Json::object()}};
}

// A node-local slice of `node` with `devices` plain devices.
Json Slice(const std::string& node, int devices) {
  Json list = Json::array();
  for (int i = 0; i < devices; ++i) list.push_back({{"name", "dev-" + std::to_string(i)}});
  return {{"apiVersion", "resource.k8s.io/v1"},
          {"kind", "ResourceSlice"},
          {"metadata", {{"name", node + "-slice"}, {"resourceVersion", "1"}}},
          {"spec",
           {{"driver", "gpu.example.com"},
            {"nodeName", node},
            {"pool", {{"name", node}, {"generation", 1}, {"resourceSliceCount", 1}}},
            {"devices", list}}}};
}

// A claim for one device of class "gpu"; allocated to `device` of `node` unless `device` is empty.
Json Claim(const std::string& name, const std::string& node = "", const std::string& device = "") {
  Json claim = {{"apiVersion", "resource.k8s.io/v1"},
                {"kind", "ResourceClaim"},
                {"metadata", {{"name", name}, {"namespace", "default"}, {"resourceVersion", "1"}}},
                {"spec",
                 {{"devices",
                   {{"requests", Json::array({{{"name", "gpu"}, {"exactly", {{"deviceClassName", "gpu"}}}}})}}}}}};
  if (!device.empty()) {
    Json result = {{"request", "gpu"}, {"driver", "gpu.example.com"}, {"pool", node}, {"device", device}};
    claim["status"]["allocation"]["devices"]["results"] = Json::array({result});
  }
  return claim;
}

void Sync(ClusterStore& store) {
  for (ObjectKind k : {ObjectKind::kNode, ObjectKind::kResourceSlice, ObjectKind::kDeviceClass, ObjectKind::kResourceClaim,
                       ObjectKind::kDeviceTaintRule}) {
    store.MarkSynced(ResourceTypeOf(k));
  }
}

class ClusterViewBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_.Replace(NodesResource(), {Node("n1"), Node("n2")});
    store_.Replace(DeviceClassesResource(), {Class("gpu")});
    store_.Replace(ResourceSlicesResource(), {Slice("n1", 2), Slice("n2", 3)});
    store_.Replace(ResourceClaimsResource(), {Claim("free"), Claim("held", "n1", "dev-0")});
    Sync(store_);
  }
  ClusterStore store_;
  ClusterViewBuilder builder_{/*consumable_capacity=*/true};
};

TEST_F(ClusterViewBuilderTest, HoldsDevicesNodesClaimsAndTheAllocatedState) {
  auto view = builder_.Build(store_.Load());
  EXPECT_EQ(view->devices->device_uid_count(), 5u);
  ASSERT_NE(view->FindNode("n1"), nullptr);
  EXPECT_EQ(view->FindNode("n3"), nullptr);
  ASSERT_NE(view->FindClaim("default/free"), nullptr);
  EXPECT_NE(view->FindClaim("default/free")->claim, nullptr);
  EXPECT_EQ(view->allocated->claims.size(), 1u);
  EXPECT_EQ(view->allocated->keys.count("default/held"), 1u);
  EXPECT_EQ(view->allocated->state->exclusive_count(), 1u);
  EXPECT_TRUE(view->problems->empty());
  EXPECT_EQ(builder_.Build(store_.Load()), view) << "the same store snapshot gives the same view";
}

TEST_F(ClusterViewBuilderTest, AClaimChangeRebuildsOnlyWhatDependsOnClaims) {
  auto before = builder_.Build(store_.Load());
  const DecodedClaim* held_before = before->FindClaim("default/held");
  store_.Upsert(ResourceClaimsResource(), Claim("new-unallocated"));
  auto after = builder_.Build(store_.Load());
  EXPECT_NE(after, before);
  EXPECT_EQ(after->devices, before->devices) << "slices and classes did not change";
  EXPECT_EQ(after->nodes, before->nodes);
  EXPECT_EQ(after->FindClaim("default/held"), held_before) << "an unchanged claim object is not decoded again";
  EXPECT_EQ(after->allocated, before->allocated) << "the allocated claims are the same";

  store_.Upsert(ResourceClaimsResource(), Claim("free", "n2", "dev-1"));
  auto allocated = builder_.Build(store_.Load());
  EXPECT_NE(allocated->allocated, after->allocated);
  EXPECT_EQ(allocated->allocated->claims.size(), 2u);
  EXPECT_EQ(allocated->allocated->state->exclusive_count(), 2u);
  EXPECT_EQ(allocated->devices, before->devices);
}

TEST_F(ClusterViewBuilderTest, ASliceChangeRebuildsTheIndexAndTheAllocatedState) {
  auto before = builder_.Build(store_.Load());
  store_.Upsert(ResourceSlicesResource(), Slice("n3", 4));
  auto after = builder_.Build(store_.Load());
  EXPECT_NE(after->devices, before->devices);
  EXPECT_EQ(after->devices->device_uid_count(), 9u);
  EXPECT_EQ(after->nodes, before->nodes);
  EXPECT_NE(after->allocated, before->allocated) << "built against the new index";
  EXPECT_EQ(after->allocated->state->exclusive_count(), 1u);
}

TEST_F(ClusterViewBuilderTest, BadObjectsAreLeftOutAndNamed) {
  Json bad_class = Class("broken");
  bad_class["spec"]["selectors"] = "not a list";
  store_.Upsert(DeviceClassesResource(), bad_class);
  Json bad_claim = Claim("broken");
  bad_claim["spec"]["devices"]["requests"] = 7;
  store_.Upsert(ResourceClaimsResource(), bad_claim);
  auto view = builder_.Build(store_.Load());
  ASSERT_EQ(view->problems->size(), 1u);
  EXPECT_NE(view->problems->front().find("DeviceClass broken"), std::string::npos) << view->problems->front();
  const DecodedClaim* claim = view->FindClaim("default/broken");
  ASSERT_NE(claim, nullptr);
  EXPECT_EQ(claim->claim, nullptr);
  EXPECT_FALSE(claim->status.ok());
  EXPECT_NE(std::string(claim->status.message()).find("requests"), std::string::npos) << claim->status;
  EXPECT_EQ(view->devices->device_uid_count(), 5u) << "the good objects are still indexed";
}

TEST(ClusterViewPublisherTest, UnavailableUntilSyncedThenCurrentAndReadyAfterWarmUp) {
  ClusterStore store;
  int warmed = 0;
  ClusterViewPublisher views(store, nullptr, true, [&](const ClusterView&) { ++warmed; });
  EXPECT_EQ(views.Current().status().code(), StatusCode::kUnavailable);
  store.Replace(NodesResource(), {Node("n1")});
  store.Replace(DeviceClassesResource(), {Class("gpu")});
  store.Replace(ResourceSlicesResource(), {Slice("n1", 2)});
  Sync(store);
  auto view = views.Current();
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ((*view)->store, store.Load()) << "the view of the snapshot current at the call";
  for (int i = 0; i < 500 && !views.Ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(views.Ready());
  store.Upsert(ResourceClaimsResource(), Claim("c"));
  auto next = views.Current();
  ASSERT_TRUE(next.ok());
  EXPECT_NE((*next)->FindClaim("default/c"), nullptr) << "a request never sees a view older than the store";
  EXPECT_EQ((*next)->devices, (*view)->devices);
  // The builder thread warms each new device index once (claims do not make a new index).
  for (int i = 0; i < 100 && warmed < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(warmed, 1);
}

}  // namespace
}  // namespace allot::svc
