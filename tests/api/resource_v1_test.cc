// Typed decoding of resource.k8s.io/v1 objects from the real fixtures, and Go omitempty encoding.
#include "api/k8s/resource_v1.h"

#include <string>

#include <gtest/gtest.h>

#include "api/codec.h"
#include "tests/api/testdata_files.h"

namespace allot::api {
namespace {

ResourceSliceList LoadSlices(const std::string& file) {
  auto list = Decode<ResourceSliceList>(testdata::ReadFile(testdata::RepoRoot() / "tests/testdata/data" / file));
  EXPECT_TRUE(list.ok()) << list.status();
  return list.ok() ? *list : ResourceSliceList{};
}

TEST(ResourceSliceDecodeTest, NvidiaDynamicMigSplitModel) {
  ResourceSliceList list = LoadSlices("nvidia-h100-80gb-x8-dynmig.json");
  ASSERT_EQ(list.items.size(), 9u);
  EXPECT_EQ(list.kind, "List");
  EXPECT_EQ(list.metadata.resource_version, std::optional<std::string>(""));
  size_t devices = 0;
  for (const ResourceSlice& s : list.items) devices += s.spec.devices.size();
  EXPECT_EQ(devices, 208u);

  const ResourceSlice& counters = list.items[0];
  EXPECT_EQ(counters.spec.driver, "gpu.nvidia.com");
  EXPECT_EQ(counters.spec.node_name, std::optional<std::string>("dgx-h100-01"));
  EXPECT_EQ(counters.spec.pool.name, "dgx-h100-01");
  EXPECT_EQ(counters.spec.pool.generation, 1);
  EXPECT_EQ(counters.spec.pool.resource_slice_count, 9);
  ASSERT_FALSE(counters.spec.shared_counters.empty());
  EXPECT_EQ(counters.spec.shared_counters[0].counters.at("memory").value.text, "81152Mi");
  EXPECT_TRUE(counters.spec.devices.empty());

  const Device& mig = list.items[1].spec.devices[1];
  EXPECT_EQ(mig.name, "gpu-0-mig-1g10gb-19-0");
  EXPECT_EQ(mig.attributes.at("profile").string_value, std::optional<std::string>("1g.10gb"));
  EXPECT_EQ(mig.attributes.at("cudaComputeCapability").version_value, std::optional<std::string>("9.0.0"));
  EXPECT_FALSE(mig.attributes.at("profile").int_value.has_value());
  EXPECT_EQ(mig.capacity.at("memory").value, Quantity("9984Mi"));
  ASSERT_EQ(mig.consumes_counters.size(), 1u);
  EXPECT_EQ(mig.consumes_counters[0].counter_set, "gpu-0-counter-set");
  EXPECT_EQ(mig.consumes_counters[0].counters.at("memory-slice-0").value.text, "1");
  EXPECT_EQ(list.items[1].metadata.owner_references.at(0).controller, std::optional<bool>(true));
}

TEST(ResourceSliceDecodeTest, RequestPolicyOfSharedNic) {
  ResourceSliceList list = LoadSlices("kep5075-shared-nic.json");
  ASSERT_EQ(list.items.size(), 1u);
  const Device& nic = list.items[0].spec.devices.at(0);
  EXPECT_EQ(nic.allow_multiple_allocations, std::optional<bool>(true));
  const DeviceCapacity& bw = nic.capacity.at("bandwidth");
  EXPECT_EQ(bw.value.text, "10Gi");
  ASSERT_TRUE(bw.request_policy.has_value());
  EXPECT_EQ(bw.request_policy->default_value, std::optional<Quantity>(Quantity("1Mi")));
  ASSERT_TRUE(bw.request_policy->valid_range.has_value());
  EXPECT_EQ(bw.request_policy->valid_range->min, std::optional<Quantity>(Quantity("1Mi")));
  EXPECT_EQ(bw.request_policy->valid_range->step, std::optional<Quantity>(Quantity("8")));
  EXPECT_FALSE(bw.request_policy->valid_range->max.has_value());
}

TEST(ResourceSliceDecodeTest, ListTypeAttributes) {
  auto device = Decode<Device>(R"({"name":"d","attributes":{"numa":{"ints":[0,1,2]},"ok":{"bools":[true,false]},)"
                               R"("s":{"strings":["a"]},"v":{"versions":["1.0.0"]},"empty":{}}})");
  ASSERT_TRUE(device.ok()) << device.status();
  EXPECT_EQ(device->attributes.at("numa").ints, std::optional<std::vector<int64_t>>({0, 1, 2}));
  EXPECT_EQ(device->attributes.at("ok").bools, std::optional<std::vector<bool>>({true, false}));
  EXPECT_EQ(device->attributes.at("s").strings, std::optional<std::vector<std::string>>({"a"}));
  EXPECT_EQ(device->attributes.at("v").versions, std::optional<std::vector<std::string>>({"1.0.0"}));
  EXPECT_EQ(device->attributes.at("empty"), DeviceAttribute{});
  EXPECT_EQ(Encode(device->attributes.at("empty")), nlohmann::json::object());
}

TEST(ResourceClaimDecodeTest, FirstAvailableWithTolerations) {
  auto claim = Decode<ResourceClaim>(
      R"({"apiVersion":"resource.k8s.io/v1","kind":"ResourceClaim","metadata":{"name":"c","namespace":"ns"},)"
      R"("spec":{"devices":{"requests":[{"name":"req-0","firstAvailable":[)"
      R"({"name":"a","deviceClassName":"class-a","allocationMode":"ExactCount","count":1},)"
      R"({"name":"b","deviceClassName":"class-a","tolerations":[{"key":"k","operator":"Exists","effect":"NoExecute",)"
      R"("tolerationSeconds":30}],"capacity":{"requests":{"bw":"1Gi"}}}]}],)"
      R"("constraints":[{"requests":["req-0"],"matchAttribute":"driver-a/numa"}],)"
      R"("config":[{"opaque":{"driver":"drv","parameters":{"a":[1,{"b":null}]}}}]}},)"
      R"("status":{"allocation":{"devices":{"results":[{"request":"req-0/b","driver":"drv","pool":"p","device":"d",)"
      R"("shareID":"aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa","consumedCapacity":{"bw":"1Gi"}}]},)"
      R"("allocationTimestamp":"2026-01-01T00:00:00Z"},"reservedFor":[{"resource":"pods","name":"p","uid":"u"}]}})");
  ASSERT_TRUE(claim.ok()) << claim.status();
  EXPECT_EQ(claim->metadata.namespace_, "ns");
  const DeviceRequest& req = claim->spec.devices.requests.at(0);
  EXPECT_FALSE(req.exactly.has_value());
  ASSERT_EQ(req.first_available.size(), 2u);
  EXPECT_EQ(req.first_available[0].count, 1);
  EXPECT_EQ(req.first_available[1].count, 0);  // absent: no defaulting in api/
  EXPECT_EQ(req.first_available[1].allocation_mode, "");
  EXPECT_EQ(req.first_available[1].tolerations.at(0).operator_, "Exists");
  EXPECT_EQ(req.first_available[1].tolerations.at(0).toleration_seconds, std::optional<int64_t>(30));
  EXPECT_EQ(req.first_available[1].capacity->requests.at("bw").text, "1Gi");
  EXPECT_EQ(claim->spec.devices.constraints.at(0).match_attribute, std::optional<std::string>("driver-a/numa"));
  EXPECT_EQ(claim->spec.devices.config.at(0).opaque->parameters, nlohmann::json::parse(R"({"a":[1,{"b":null}]})"));
  ASSERT_TRUE(claim->status.allocation.has_value());
  const DeviceRequestAllocationResult& result = claim->status.allocation->devices.results.at(0);
  EXPECT_EQ(result.share_id, std::optional<std::string>("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"));
  EXPECT_EQ(result.consumed_capacity.at("bw").text, "1Gi");
  EXPECT_FALSE(result.admin_access.has_value());
  EXPECT_EQ(claim->status.reserved_for.at(0).uid, "u");
}

TEST(EncodeTest, FollowsGoOmitEmpty) {
  DeviceRequestAllocationResult result;
  result.request = "r";
  result.driver = "d";
  result.pool = "p";
  result.device = "x";
  EXPECT_EQ(EncodeString(result), R"({"device":"x","driver":"d","pool":"p","request":"r"})");
  result.admin_access = false;  // a set pointer is written even when false
  EXPECT_EQ(Encode(result).at("adminAccess"), false);

  ResourceClaim claim;
  claim.metadata.name = "c";
  // spec is always written, status only when something is set.
  EXPECT_EQ(EncodeString(claim), R"({"metadata":{"name":"c"},"spec":{"devices":{}}})");
  claim.status.reserved_for.push_back({"", "pods", "p", "u"});
  EXPECT_EQ(Encode(claim).at("status"), nlohmann::json::parse(R"({"reservedFor":[{"name":"p","resource":"pods","uid":"u"}]})"));

  AllocationResult allocation;  // `devices` is a struct in Go and never omitted
  EXPECT_EQ(EncodeString(allocation), R"({"devices":{}})");
  NodeSelector selector;  // nodeSelectorTerms has no omitempty
  EXPECT_EQ(EncodeString(selector), R"({"nodeSelectorTerms":[]})");
  ResourcePool pool;
  pool.name = "p";
  EXPECT_EQ(EncodeString(pool), R"({"generation":0,"name":"p","resourceSliceCount":0})");
}

TEST(EncodeTest, EncodeStringReplacesInvalidUtf8) {
  ObjectMeta meta;
  meta.name = std::string("a\xff");
  EXPECT_EQ(EncodeString(meta), "{\"name\":\"a\xEF\xBF\xBD\"}");
}

}  // namespace
}  // namespace allot::api
