// Bind's claim writes keep what others wrote into a claim: a driver's status.devices entries (KEP-4817) and
// fields allot does not know, across the allocation write, a later reservation for a second pod, and the undo
// of either. Over the in-memory API (MemoryKubeClient), whose status PUT replaces the stored status with the
// body's, so anything allot failed to carry over would be lost here as against a real API server.
#include "service/extender/claim_writes.h"

#include <gtest/gtest.h>

#include "api/codec.h"
#include "tests/service/extender/extender_fixture.h"

namespace allot::svc {
namespace {

using testing::ClaimJson;
using testing::ExtenderFixture;
using testing::ParseReply;
using testing::PodJson;

// What a driver writes after preparing the device: a condition, opaque data, network data, and a field from
// a newer API version; plus a status field allot has never heard of.
Json DriverStatus(const Json& result) {
  return Json::array({{{"driver", result["driver"]},
                       {"pool", result["pool"]},
                       {"device", result["device"]},
                       {"conditions", Json::array({{{"type", "Ready"},
                                                    {"status", "True"},
                                                    {"reason", "Prepared"},
                                                    {"message", "prepared by the driver"},
                                                    {"lastTransitionTime", "2026-12-02T10:00:00Z"}}})},
                       {"data", {{"health", "ok"}, {"temperatureC", 41}}},
                       {"networkData", {{"interfaceName", "gpu0"}, {"ips", Json::array({"10.9.8.7/24"})}}},
                       {"futureDeviceField", {{"x", 1}}}}});
}

class ClaimWritesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fx_.LoadDemo();
    fx_.Start();
  }
  Json GetClaim(const std::string& name) {
    auto claim = fx_.kube.Get(ResourceClaimsResource(), "default", name);
    EXPECT_TRUE(claim.ok()) << claim.status();
    return claim.ok() ? *claim : Json();
  }
  // Plays the driver: status.devices for the claim's first allocated device, and an unknown status field.
  Json WriteDriverStatus(const std::string& name) {
    Json claim = GetClaim(name);
    EXPECT_TRUE(claim["status"].contains("allocation")) << claim.dump();
    claim["status"]["devices"] = DriverStatus(claim["status"]["allocation"]["devices"]["results"][0]);
    claim["status"]["futureStatusField"] = {{"since", "1.40"}};
    auto stored = fx_.kube.UpdateStatus(ResourceClaimsResource(), claim);
    EXPECT_TRUE(stored.ok()) << stored.status();
    return stored.ok() ? (*stored)["status"] : Json();
  }
  static std::vector<std::string> ReservedUids(const Json& claim) {
    std::vector<std::string> uids;
    for (const auto& ref : claim["status"].value("reservedFor", Json::array())) uids.push_back(ref.value("uid", ""));
    return uids;
  }
  ClaimWrite WriteFor(const std::string& name) {
    ClaimWrite write;
    write.ns = "default";
    write.name = name;
    write.key = "default/" + name;
    return write;
  }
  api::Pod Pod(const Json& pod) {
    auto decoded = api::Decode<api::Pod>(pod);
    EXPECT_TRUE(decoded.ok()) << decoded.status();
    return decoded.ok() ? *decoded : api::Pod();
  }
  ExtenderFixture fx_;
};

TEST_F(ClaimWritesTest, ASecondPodsBindKeepsTheDriversDeviceStatus) {
  const char* k40Gi = "device.capacity['gpu.example.com'].memory.compareTo(quantity('40Gi')) >= 0";
  fx_.Create(ClaimJson("shared", "gpu.example.com", k40Gi));
  Json a = fx_.Create(PodJson("a", {"shared"}));
  Json bind_a = {
      {"PodName", "a"}, {"PodNamespace", "default"}, {"PodUID", a["metadata"]["uid"]}, {"Node", "gpu-node-1"}};
  ASSERT_EQ(ParseReply(fx_.extender->Bind(bind_a.dump()))["Error"], "");
  Json driver = WriteDriverStatus("shared");
  // Let the watch catch up, so bind's view has the allocation (the claim write itself reads the API).
  ASSERT_NE(fx_.WaitForClaim("default/shared", [](const Json& c) { return c.contains("status") && c["status"].contains("devices"); }), nullptr);

  Json b = fx_.Create(PodJson("b", {"shared"}));
  Json bind_b = {
      {"PodName", "b"}, {"PodNamespace", "default"}, {"PodUID", b["metadata"]["uid"]}, {"Node", "gpu-node-1"}};
  ASSERT_EQ(ParseReply(fx_.extender->Bind(bind_b.dump()))["Error"], "");

  Json claim = GetClaim("shared");
  EXPECT_EQ(ReservedUids(claim), (std::vector<std::string>{a["metadata"]["uid"].get<std::string>(),
                                                          b["metadata"]["uid"].get<std::string>()}));
  EXPECT_EQ(claim["status"]["allocation"], driver["allocation"]);
  EXPECT_EQ(claim["status"]["devices"], driver["devices"]);
  EXPECT_EQ(claim["status"]["futureStatusField"], driver["futureStatusField"]);
}

TEST_F(ClaimWritesTest, UndoKeepsDeviceStatusUntilItTakesTheAllocationBack) {
  fx_.Create(ClaimJson("c", "gpu.example.com"));
  api::Pod a = Pod(fx_.Create(PodJson("a", {"c"})));
  api::Pod b = Pod(fx_.Create(PodJson("b", {"c"})));
  const VerbContext& ctx = fx_.extender->context();

  // a's bind allocates and reserves; then the driver reports on the device.
  ClaimWrite write_a = WriteFor("c");
  auto allocation = api::Decode<api::AllocationResult>(Json::parse(R"({
    "devices": {"results": [{"request": "gpu", "driver": "gpu.example.com", "pool": "gpu-node-1", "device": "gpu-0"}]},
    "nodeSelector": {"nodeSelectorTerms": [
      {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["gpu-node-1"]}]}]}})"));
  ASSERT_TRUE(allocation.ok()) << allocation.status();
  write_a.allocation = *allocation;
  write_a.we_allocated = true;
  ASSERT_TRUE(WriteClaim(ctx, a, write_a).ok());
  ASSERT_TRUE(write_a.wrote_allocation);
  Json driver = WriteDriverStatus("c");

  // b's bind only adds its reservation: the driver's entries stay.
  ClaimWrite write_b = WriteFor("c");
  ASSERT_TRUE(WriteClaim(ctx, b, write_b).ok());
  EXPECT_FALSE(write_b.wrote_allocation);
  Json claim = GetClaim("c");
  EXPECT_EQ(ReservedUids(claim), (std::vector<std::string>{a.metadata.uid, b.metadata.uid}));
  EXPECT_EQ(claim["status"]["devices"], driver["devices"]);
  EXPECT_EQ(claim["status"]["futureStatusField"], driver["futureStatusField"]);

  // Undoing b's bind removes b's reservation only.
  UndoClaim(ctx, b, write_b);
  claim = GetClaim("c");
  EXPECT_EQ(ReservedUids(claim), std::vector<std::string>{a.metadata.uid});
  EXPECT_EQ(claim["status"]["allocation"], driver["allocation"]);
  EXPECT_EQ(claim["status"]["devices"], driver["devices"]);
  EXPECT_EQ(claim["status"]["futureStatusField"], driver["futureStatusField"]);

  // Undoing a's bind takes its allocation back, and with it the entries about the deallocated device; the
  // field allot does not know stays.
  UndoClaim(ctx, a, write_a);
  claim = GetClaim("c");
  EXPECT_FALSE(claim["status"].contains("allocation")) << claim.dump();
  EXPECT_FALSE(claim["status"].contains("reservedFor")) << claim.dump();
  EXPECT_FALSE(claim["status"].contains("devices")) << claim.dump();
  EXPECT_EQ(claim["status"]["futureStatusField"], driver["futureStatusField"]);
  EXPECT_EQ(fx_.metrics.ValueForTest("allot_bind_undo_total", {{"result", "ok"}}), 2);
}

}  // namespace
}  // namespace allot::svc
