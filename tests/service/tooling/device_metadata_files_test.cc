// BuildDeviceMetadataFiles (service/tooling/device_metadata_files.h) over the demo cluster's ResourceSlices
// (deploy/demo): the files a driver with device metadata enabled would write for MIG, shared-GPU, admin-access,
// multi-request/multi-driver, prioritized-list and template claims. Expected attributes come from the slices
// as decoded from the files, never typed in here.
//
// With ALLOT_DEVICE_METADATA_EXPORT_DIR set, every case also writes <dir>/<case>.json (the claim, its devices'
// slices, and each file's path and stream) for the Go cross-check (tests/e2e/devicemetadata), which decodes the
// streams with k8s.io/dynamic-resource-allocation/devicemetadata v0.37.2 and compares them field by field.
#include "service/tooling/device_metadata_files.h"

#include <cstdlib>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "api/codec.h"
#include "tests/testutil/cluster.h"

namespace allot::svc {
namespace {

using Json = nlohmann::json;

class DeviceMetadataFilesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    objects_ = new testutil::Objects();
    for (const char* f : {"deploy/demo/10-deviceclasses.json", "deploy/demo/20-slices-example-driver.json",
                          "deploy/demo/21-slices-h100-mig.json", "deploy/demo/22-slices-shared-gpu.json"}) {
      ASSERT_TRUE(testutil::LoadObjects(f, *objects_).ok()) << f;
    }
    // A second driver: a NIC pool on gpu-node-1.
    testutil::SliceBuilder nic("gpu-node-1-nic", "nic.example.com", "gpu-node-1-nics", "gpu-node-1");
    nic.Device("eth1").StringAttr("nic.example.com/vendor", "acme").IntAttr("speedGbps", 100);
    objects_->slices.push_back(nic.Build());
    snapshot_ = new std::shared_ptr<const index::Snapshot>(testutil::BuildSnapshot(objects_->slices, objects_->classes));
  }
  static void TearDownTestSuite() {
    delete snapshot_;
    delete objects_;
  }

  static api::ResourceClaim Claim(const std::string& name) {
    api::ResourceClaim c;
    c.api_version = "resource.k8s.io/v1";
    c.kind = "ResourceClaim";
    c.metadata.name = name;
    c.metadata.namespace_ = "team-a";
    c.metadata.uid = "uid-" + name;
    c.status.allocation.emplace();
    return c;
  }
  static api::DeviceRequestAllocationResult& Add(api::ResourceClaim& c, const std::string& request,
                                                 const std::string& driver, const std::string& pool,
                                                 const std::string& device) {
    api::DeviceRequestAllocationResult r;
    r.request = request;
    r.driver = driver;
    r.pool = pool;
    r.device = device;
    c.status.allocation->devices.results.push_back(r);
    return c.status.allocation->devices.results.back();
  }
  // The api::Device of the demo slices (the newest generation's).
  static const api::Device& SliceDevice(const std::string& driver, const std::string& pool, const std::string& name) {
    for (const api::ResourceSlice& s : objects_->slices) {
      if (s.spec.driver != driver || s.spec.pool.name != pool) continue;
      for (const api::Device& d : s.spec.devices) {
        if (d.name == name) return d;
      }
    }
    ADD_FAILURE() << "no device " << driver << "/" << pool << "/" << name;
    static const api::Device kNone;
    return kNone;
  }
  std::vector<DeviceMetadataFile> Build(const std::string& case_name, const api::ResourceClaim& claim,
                                        std::string_view version = api::kDeviceMetadataV1beta1) {
    StatusOr<std::vector<DeviceMetadataFile>> files =
        BuildDeviceMetadataFiles(claim, *claim.status.allocation, **snapshot_, version);
    EXPECT_TRUE(files.ok()) << files.status().message();
    if (!files.ok()) return {};
    Export(case_name, claim, *files);
    return *files;
  }
  // Writes the case for the Go cross-check when ALLOT_DEVICE_METADATA_EXPORT_DIR is set.
  static void Export(const std::string& case_name, const api::ResourceClaim& claim,
                     const std::vector<DeviceMetadataFile>& files) {
    const char* dir = std::getenv("ALLOT_DEVICE_METADATA_EXPORT_DIR");
    if (dir == nullptr || *dir == '\0') return;
    std::set<std::pair<std::string, std::string>> pools;
    for (const auto& r : claim.status.allocation->devices.results) pools.insert({r.driver, r.pool});
    Json slices = Json::array();
    for (const api::ResourceSlice& s : objects_->slices) {
      if (pools.count({s.spec.driver, s.spec.pool.name}) != 0) slices.push_back(api::Encode(s));
    }
    Json out_files = Json::array();
    for (const DeviceMetadataFile& f : files) {
      out_files.push_back({{"path", f.path}, {"driver", f.driver}, {"request", f.request},
                           {"stream", api::EncodeDeviceMetadataStream(f.document)}});
    }
    std::ofstream out(std::string(dir) + "/" + case_name + ".json");
    out << Json{{"case", case_name}, {"claim", api::Encode(claim)}, {"slices", slices}, {"files", out_files}}.dump(2);
    ASSERT_TRUE(out.good()) << dir;
  }

  static testutil::Objects* objects_;
  static std::shared_ptr<const index::Snapshot>* snapshot_;
};
testutil::Objects* DeviceMetadataFilesTest::objects_ = nullptr;
std::shared_ptr<const index::Snapshot>* DeviceMetadataFilesTest::snapshot_ = nullptr;

TEST_F(DeviceMetadataFilesTest, MigPartition) {
  api::ResourceClaim claim = Claim("mig-claim");
  Add(claim, "mig", "gpu.nvidia.com", "dgx-h100-01", "gpu-0-mig-1g10gb-19-2");
  std::vector<DeviceMetadataFile> files = Build("mig", claim);
  ASSERT_EQ(files.size(), 1u);
  const DeviceMetadataFile& f = files[0];
  EXPECT_EQ(f.path, "/var/run/kubernetes.io/dra-device-attributes/resourceclaims/mig-claim/mig/gpu.nvidia.com-metadata.json");
  EXPECT_EQ(f.driver, "gpu.nvidia.com");
  EXPECT_EQ(f.request, "mig");
  const api::DeviceMetadata& doc = f.document;
  EXPECT_EQ(doc.api_version, "metadata.resource.k8s.io/v1beta1");
  EXPECT_EQ(doc.kind, "DeviceMetadata");
  EXPECT_EQ(doc.metadata.name, "mig-claim");
  EXPECT_EQ(doc.metadata.namespace_, "team-a");
  EXPECT_EQ(doc.metadata.uid, "uid-mig-claim");
  EXPECT_EQ(doc.metadata.generation, 1);
  EXPECT_FALSE(doc.pod_claim_name.has_value());
  ASSERT_EQ(doc.requests.size(), 1u);
  EXPECT_EQ(doc.requests[0].name, "mig");
  ASSERT_EQ(doc.requests[0].devices.size(), 1u);
  const api::DeviceMetadataDevice& d = doc.requests[0].devices[0];
  EXPECT_EQ(d.driver, "gpu.nvidia.com");
  EXPECT_EQ(d.pool, "dgx-h100-01");
  EXPECT_EQ(d.name, "gpu-0-mig-1g10gb-19-2");
  const api::Device& slice_device = SliceDevice("gpu.nvidia.com", "dgx-h100-01", "gpu-0-mig-1g10gb-19-2");
  EXPECT_EQ(d.attributes, slice_device.attributes);
  EXPECT_EQ(d.attributes.at("profile").string_value, "1g.10gb");
  EXPECT_FALSE(d.network_data.has_value());
  ASSERT_EQ(f.devices.size(), 1u);
  EXPECT_EQ(f.devices[0].capacity.size(), slice_device.capacity.size());
  for (const auto& [name, c] : slice_device.capacity) {
    ASSERT_EQ(f.devices[0].capacity.count(name), 1u) << name;
    // The index keeps exact quantities; their canonical text may differ from the slice's ("81152Mi").
    EXPECT_EQ(f.devices[0].capacity.at(name).text, c.value.text) << name;
  }
  EXPECT_FALSE(f.devices[0].admin_access);
  EXPECT_TRUE(f.devices[0].in_slices);

  StatusOr<std::vector<DeviceMetadataFile>> alpha =
      BuildDeviceMetadataFiles(claim, *claim.status.allocation, **snapshot_, api::kDeviceMetadataV1alpha1);
  ASSERT_TRUE(alpha.ok());
  EXPECT_EQ((*alpha)[0].document.api_version, "metadata.resource.k8s.io/v1alpha1");
  EXPECT_EQ((*alpha)[0].document.requests, doc.requests);
}

TEST_F(DeviceMetadataFilesTest, SharedGpuWithConsumedCapacity) {
  api::ResourceClaim claim = Claim("shared-claim");
  auto& r = Add(claim, "gpu", "gpu.example.com", "shared-gpu-node-1", "gpu-3");
  r.share_id = "5f1b3c7e-0000-4000-8000-000000000001";
  r.consumed_capacity["memory"] = api::Quantity("10Gi");
  r.consumed_capacity["compute"] = api::Quantity("25");
  std::vector<DeviceMetadataFile> files = Build("shared", claim);
  ASSERT_EQ(files.size(), 1u);
  const api::DeviceMetadataDevice& d = files[0].document.requests[0].devices[0];
  EXPECT_EQ(d.name, "gpu-3");
  EXPECT_EQ(d.attributes, SliceDevice("gpu.example.com", "shared-gpu-node-1", "gpu-3").attributes);
  const DeviceMetadataDeviceInfo& info = files[0].devices[0];
  EXPECT_EQ(info.share_id, r.share_id);
  EXPECT_EQ(info.consumed_capacity, r.consumed_capacity);
  EXPECT_EQ(info.capacity.at("memory").text, "80Gi");
  EXPECT_EQ(info.capacity.at("compute").text, "100");
}

TEST_F(DeviceMetadataFilesTest, AdminAccessDevicesAreListedAndMarked) {
  api::ResourceClaim claim = Claim("admin-claim");
  Add(claim, "monitor", "gpu.example.com", "gpu-node-2", "gpu-0").admin_access = true;
  Add(claim, "monitor", "gpu.example.com", "gpu-node-2", "gpu-1").admin_access = true;
  std::vector<DeviceMetadataFile> files = Build("admin", claim);
  ASSERT_EQ(files.size(), 1u);
  ASSERT_EQ(files[0].document.requests[0].devices.size(), 2u);
  EXPECT_EQ(files[0].document.requests[0].devices[1].name, "gpu-1");
  ASSERT_EQ(files[0].devices.size(), 2u);
  EXPECT_TRUE(files[0].devices[0].admin_access);
  EXPECT_TRUE(files[0].devices[1].admin_access);
}

TEST_F(DeviceMetadataFilesTest, OneFilePerRequestAndDriver) {
  api::ResourceClaim claim = Claim("multi");
  Add(claim, "gpus", "gpu.example.com", "gpu-node-1", "gpu-0");
  Add(claim, "nic", "nic.example.com", "gpu-node-1-nics", "eth1");
  Add(claim, "gpus", "gpu.example.com", "gpu-node-1", "gpu-1");
  Add(claim, "nic", "gpu.example.com", "gpu-node-1", "gpu-2");  // one request served by two drivers
  api::AllocatedDeviceStatus status;
  status.driver = "nic.example.com";
  status.pool = "gpu-node-1-nics";
  status.device = "eth1";
  status.network_data = api::NetworkDeviceData{"net1", {"10.1.2.3/24"}, "02:00:00:00:00:01"};
  claim.status.devices.push_back(status);
  std::vector<DeviceMetadataFile> files = Build("multi", claim);
  ASSERT_EQ(files.size(), 3u);
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& f : files) got.push_back({f.request, f.driver});
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{
                     {"gpus", "gpu.example.com"}, {"nic", "nic.example.com"}, {"nic", "gpu.example.com"}}));
  ASSERT_EQ(files[0].document.requests[0].devices.size(), 2u);
  EXPECT_EQ(files[0].document.requests[0].devices[0].name, "gpu-0");
  EXPECT_EQ(files[0].document.requests[0].devices[1].name, "gpu-1");
  const api::DeviceMetadataDevice& nic = files[1].document.requests[0].devices[0];
  EXPECT_EQ(files[1].path, "/var/run/kubernetes.io/dra-device-attributes/resourceclaims/multi/nic/nic.example.com-metadata.json");
  EXPECT_EQ(nic.attributes.at("nic.example.com/vendor").string_value, "acme");
  EXPECT_EQ(nic.attributes.at("speedGbps").int_value, 100);
  ASSERT_TRUE(nic.network_data.has_value());
  EXPECT_EQ(*nic.network_data, *status.network_data);
  EXPECT_FALSE(files[2].document.requests[0].devices[0].network_data.has_value());
  EXPECT_EQ(files[2].path, "/var/run/kubernetes.io/dra-device-attributes/resourceclaims/multi/nic/gpu.example.com-metadata.json");
}

TEST_F(DeviceMetadataFilesTest, TemplateClaimsUseThePodClaimName) {
  api::ResourceClaim claim = Claim("trainer-gpu-x7k2p");
  claim.metadata.annotations["resource.kubernetes.io/pod-claim-name"] = "gpu";
  Add(claim, "large/h100", "gpu.nvidia.com", "dgx-h100-01", "gpu-0");
  std::vector<DeviceMetadataFile> files = Build("template", claim);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path,
            "/var/run/kubernetes.io/dra-device-attributes/resourceclaimtemplates/gpu/large/gpu.nvidia.com-metadata.json");
  EXPECT_EQ(files[0].request, "large");
  EXPECT_EQ(files[0].document.pod_claim_name, "gpu");
  EXPECT_EQ(files[0].document.metadata.name, "trainer-gpu-x7k2p");
  EXPECT_EQ(files[0].document.requests[0].name, "large/h100");  // the subrequest is kept in the document
  EXPECT_EQ(files[0].document.requests[0].devices[0].attributes.at("type").string_value, "gpu");

  // An empty annotation: podClaimName is written (as Go does), the path is the claim's.
  claim.metadata.annotations["resource.kubernetes.io/pod-claim-name"] = "";
  std::vector<DeviceMetadataFile> plain = Build("template-empty-annotation", claim);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].document.pod_claim_name, "");
  EXPECT_EQ(plain[0].path,
            "/var/run/kubernetes.io/dra-device-attributes/resourceclaims/trainer-gpu-x7k2p/large/gpu.nvidia.com-metadata.json");
}

TEST_F(DeviceMetadataFilesTest, ADeviceNoSliceHasIsListedWithoutAttributes) {
  api::ResourceClaim claim = Claim("gone");
  Add(claim, "gpu", "gpu.example.com", "gpu-node-1", "gpu-99");
  std::vector<DeviceMetadataFile> files = Build("missing-device", claim);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].document.requests[0].devices[0].attributes.empty());
  EXPECT_FALSE(files[0].devices[0].in_slices);
}

TEST_F(DeviceMetadataFilesTest, UnknownVersionIsAnError) {
  api::ResourceClaim claim = Claim("c");
  Add(claim, "gpu", "gpu.example.com", "gpu-node-1", "gpu-0");
  StatusOr<std::vector<DeviceMetadataFile>> files =
      BuildDeviceMetadataFiles(claim, *claim.status.allocation, **snapshot_, "metadata.resource.k8s.io/v2");
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), StatusCode::kInvalidArgument);
  api::ResourceClaim empty = Claim("empty");
  StatusOr<std::vector<DeviceMetadataFile>> none =
      BuildDeviceMetadataFiles(empty, *empty.status.allocation, **snapshot_, api::kDeviceMetadataV1alpha1);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace allot::svc
