// Round trips of hand-written objects in the form the API server returns them (modelled fields only).
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/codec.h"
#include "api/k8s/device_taint_rule_v1.h"

namespace allot::api {
namespace {

// Decodes `text` as T, checks that encoding gives back the same JSON value, and returns the value.
template <class T>
T ExpectLosslessRoundTrip(const std::string& text) {
  StatusOr<T> value = Decode<T>(text);
  EXPECT_TRUE(value.ok()) << value.status();
  if (!value.ok()) return T{};
  EXPECT_EQ(Encode(*value), nlohmann::json::parse(text));
  return *value;
}

// resource.k8s.io/v1 DeviceTaintRule (1.37); status is not modelled, so the round trip is of an object
// without one.
TEST(K8sObjectsTest, DeviceTaintRule) {
  auto r = ExpectLosslessRoundTrip<DeviceTaintRule>(R"({
    "apiVersion": "resource.k8s.io/v1", "kind": "DeviceTaintRule",
    "metadata": {"name": "gpu-3-maintenance", "uid": "r-1", "resourceVersion": "7", "generation": 2},
    "spec": {"deviceSelector": {"driver": "gpu.example.com", "pool": "node-1", "device": "gpu-3"},
             "taint": {"key": "example.com/maintenance", "value": "planned", "effect": "NoExecute",
                       "timeAdded": "2026-12-01T10:00:00Z"}}})");
  ASSERT_TRUE(r.spec.device_selector.has_value());
  EXPECT_EQ(r.spec.device_selector->driver, std::optional<std::string>("gpu.example.com"));
  EXPECT_EQ(r.spec.device_selector->pool, std::optional<std::string>("node-1"));
  EXPECT_EQ(r.spec.device_selector->device, std::optional<std::string>("gpu-3"));
  EXPECT_EQ(r.spec.taint.effect, "NoExecute");
  EXPECT_EQ(r.spec.taint.time_added, std::optional<std::string>("2026-12-01T10:00:00Z"));

  auto all = ExpectLosslessRoundTrip<DeviceTaintRule>(R"({"apiVersion": "resource.k8s.io/v1", "kind": "DeviceTaintRule",
    "metadata": {"name": "all"}, "spec": {"deviceSelector": {}, "taint": {"key": "k", "effect": "None"}}})");
  ASSERT_TRUE(all.spec.device_selector.has_value()) << "an empty selector (every device) differs from none";
  EXPECT_FALSE(all.spec.device_selector->driver.has_value());

  auto missing = Decode<DeviceTaintRule>(R"({"metadata": {"name": "x"}, "spec": {"deviceSelector": {}}})");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("spec.taint: missing required field"), std::string::npos)
      << missing.status();
}

TEST(K8sObjectsTest, ResourceClaimTemplate) {
  auto t = ExpectLosslessRoundTrip<ResourceClaimTemplate>(R"({
    "apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaimTemplate",
    "metadata": {"name": "gpu-t", "namespace": "ns", "uid": "t-1", "resourceVersion": "12",
                 "creationTimestamp": "2026-05-18T09:00:00Z"},
    "spec": {"metadata": {"labels": {"app": "x"}, "annotations": {"a": "b"}},
             "spec": {"devices": {"requests": [{"name": "gpu", "exactly": {"deviceClassName": "gpu.example.com",
                      "selectors": [{"cel": {"expression": "device.attributes['gpu.example.com'].model == 'A'"}}],
                      "allocationMode": "All", "adminAccess": true}}]}}}})");
  EXPECT_EQ(t.spec.metadata.labels.at("app"), "x");
  const ExactDeviceRequest& req = t.spec.spec.devices.requests.at(0).exactly.value();
  EXPECT_EQ(req.allocation_mode, "All");
  EXPECT_EQ(req.admin_access, std::optional<bool>(true));
  EXPECT_EQ(req.selectors.at(0).cel->expression, "device.attributes['gpu.example.com'].model == 'A'");
}

TEST(K8sObjectsTest, AllocatedClaimBeingDeleted) {
  auto c = ExpectLosslessRoundTrip<ResourceClaim>(R"({
    "apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim",
    "metadata": {"name": "p-gpu-7xk2q", "generateName": "p-gpu-", "namespace": "ns", "uid": "c-1",
                 "resourceVersion": "99", "generation": 1, "creationTimestamp": "2026-05-18T09:00:00Z",
                 "deletionTimestamp": "2026-05-18T10:00:00Z", "deletionGracePeriodSeconds": 0,
                 "finalizers": ["resource.kubernetes.io/delete-protection"],
                 "annotations": {"resource.kubernetes.io/pod-claim-name": "gpu"},
                 "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "p", "uid": "u-1",
                                      "controller": true, "blockOwnerDeletion": true}]},
    "spec": {"devices": {"requests": [{"name": "gpu", "exactly": {"deviceClassName": "c",
             "allocationMode": "ExactCount", "count": 1}}]}},
    "status": {
      "allocation": {
        "devices": {"results": [{"request": "gpu", "driver": "gpu.example.com", "pool": "n1", "device": "gpu-0",
                                 "bindingConditions": ["Ready"], "bindingFailureConditions": ["Failed"]}],
                    "config": [{"source": "FromClass", "opaque": {"driver": "gpu.example.com",
                                "parameters": {"kind": "GpuConfig", "sharing": {"strategy": "TimeSlicing"}}}}]},
        "nodeSelector": {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In",
                                                                  "values": ["n1"]}]}]},
        "allocationTimestamp": "2026-05-18T09:00:01Z"},
      "reservedFor": [{"resource": "pods", "name": "p", "uid": "u-1"}],
      "devices": [{"driver": "gpu.example.com", "pool": "n1", "device": "gpu-0",
                   "conditions": [{"type": "Ready", "status": "True", "observedGeneration": 1,
                                   "lastTransitionTime": "2026-05-18T09:00:02Z", "reason": "Ok", "message": ""}],
                   "data": {"any": ["thing"]},
                   "networkData": {"interfaceName": "eth1", "ips": ["10.0.0.1/24"], "hardwareAddress": "aa:bb"}}]}})");
  EXPECT_EQ(c.metadata.deletion_timestamp, std::optional<std::string>("2026-05-18T10:00:00Z"));
  EXPECT_EQ(c.metadata.finalizers, std::vector<std::string>{"resource.kubernetes.io/delete-protection"});
  EXPECT_EQ(c.metadata.owner_references.at(0).uid, "u-1");
  EXPECT_EQ(c.status.allocation->devices.config.at(0).source, "FromClass");
  EXPECT_EQ(c.status.allocation->devices.results.at(0).binding_conditions, std::vector<std::string>{"Ready"});
  EXPECT_EQ(c.status.devices.at(0).network_data->ips, std::vector<std::string>{"10.0.0.1/24"});
}

TEST(K8sObjectsTest, PodWithClaimsAndExtendedResourceStatus) {
  auto p = ExpectLosslessRoundTrip<Pod>(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "p", "namespace": "ns", "uid": "u-1"},
    "spec": {"nodeName": "n1", "schedulerName": "allot",
             "resourceClaims": [{"name": "gpu", "resourceClaimTemplateName": "gpu-t"},
                                {"name": "shared", "resourceClaimName": "shared-claim"}],
             "initContainers": [{"name": "init", "image": "busybox"}],
             "containers": [{"name": "c", "image": "x",
                             "resources": {"limits": {"nvidia.com/gpu": "1"}, "requests": {"cpu": "100m"},
                                           "claims": [{"name": "gpu", "request": "gpu"}, {"name": "shared"}]}}]},
    "status": {"phase": "Pending",
               "resourceClaimStatuses": [{"name": "gpu", "resourceClaimName": "p-gpu-7xk2q"}, {"name": "none"}],
               "extendedResourceClaimStatus": {"resourceClaimName": "p-extended-resources-abc",
                 "requestMappings": [{"containerName": "c", "resourceName": "nvidia.com/gpu",
                                      "requestName": "container-0-request-0"}]}}})");
  EXPECT_EQ(p.spec.node_name, "n1");
  EXPECT_EQ(p.spec.resource_claims.at(1).resource_claim_name, std::optional<std::string>("shared-claim"));
  EXPECT_EQ(p.spec.containers.at(0).resources.limits.at("nvidia.com/gpu").text, "1");
  EXPECT_EQ(p.spec.containers.at(0).resources.claims.at(1).request, "");
  EXPECT_FALSE(p.status.resource_claim_statuses.at(1).resource_claim_name.has_value());
  EXPECT_EQ(p.status.extended_resource_claim_status->request_mappings.at(0).request_name, "container-0-request-0");
}

TEST(K8sObjectsTest, NodeAndSlicePerDeviceNodeSelection) {
  auto n = ExpectLosslessRoundTrip<Node>(R"({
    "apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "labels": {"zone": "a"}},
    "spec": {"unschedulable": true, "taints": [{"key": "k", "value": "v", "effect": "NoSchedule"}]},
    "status": {"capacity": {"cpu": "8"}, "allocatable": {"cpu": "7500m"},
               "conditions": [{"type": "Ready", "status": "True", "lastHeartbeatTime": "2026-05-18T09:00:00Z",
                               "lastTransitionTime": "2026-05-18T09:00:00Z", "reason": "KubeletReady",
                               "message": "kubelet is posting ready status"}]}})");
  EXPECT_TRUE(n.spec.unschedulable);
  EXPECT_EQ(n.status.allocatable.at("cpu").text, "7500m");

  auto s = ExpectLosslessRoundTrip<ResourceSlice>(R"({
    "metadata": {"name": "s"},
    "spec": {"driver": "d", "pool": {"name": "p", "generation": 0, "resourceSliceCount": 1},
             "perDeviceNodeSelection": true,
             "devices": [{"name": "a", "allNodes": true, "bindsToNode": true},
                         {"name": "b", "nodeSelector": {"nodeSelectorTerms": [{"matchExpressions": [
                           {"key": "zone", "operator": "Exists"}]}]},
                          "taints": [{"key": "k", "effect": "NoExecute", "timeAdded": "2026-05-18T09:00:00Z"}],
                          "capacity": {"mem": {"value": "8Gi", "requestPolicy": {"default": "1Gi",
                            "validValues": ["1Gi", "2Gi", "8Gi"]}}}}]}})");
  EXPECT_EQ(s.spec.per_device_node_selection, std::optional<bool>(true));
  EXPECT_EQ(s.spec.devices.at(0).binds_to_node, std::optional<bool>(true));
  EXPECT_EQ(s.spec.devices.at(1).node_selector->node_selector_terms.at(0).match_expressions.at(0).operator_,
            "Exists");
  EXPECT_EQ(s.spec.devices.at(1).capacity.at("mem").request_policy->valid_values.size(), 3u);
}

TEST(K8sObjectsTest, ListWithContinueToken) {
  auto l = ExpectLosslessRoundTrip<ResourceClaimList>(R"({
    "apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaimList",
    "metadata": {"resourceVersion": "123", "continue": "abc", "remainingItemCount": 5}, "items": []})");
  EXPECT_EQ(l.metadata.continue_token, "abc");
  EXPECT_EQ(l.metadata.remaining_item_count, std::optional<int64_t>(5));
  EXPECT_TRUE(l.items.empty());
}

}  // namespace
}  // namespace allot::api
