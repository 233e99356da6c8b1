// api/k8s/device_metadata.h and device_metadata_reader.h: the DeviceMetadata codec, path rules, the
// versioned stream, and the reader over a directory tree laid out like the container's.
#include "api/k8s/device_metadata.h"
#include "api/k8s/device_metadata_reader.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <tuple>
#include <unistd.h>

#include <gtest/gtest.h>

#include "api/codec.h"
#include "tests/api/testdata_files.h"

namespace allot::api {
namespace {

DeviceMetadata SampleDocument(const std::string& driver = "gpu.example.com", const std::string& device = "gpu-0") {
  DeviceMetadata doc;
  doc.metadata.name = "my-claim";
  doc.metadata.namespace_ = "default";
  doc.metadata.uid = "uid-1234";
  doc.metadata.generation = 1;
  DeviceMetadataDevice d;
  d.driver = driver;
  d.pool = "worker-0";
  d.name = device;
  d.attributes["model"].string_value = "LATEST-GPU-MODEL";
  d.attributes[driver + "/index"].int_value = 0;
  d.attributes["driverVersion"].version_value = "1.0.0";
  d.attributes["cores"].ints = std::vector<int64_t>{0, 1};
  doc.requests.push_back({"gpu", {d}});
  return doc;
}

TEST(DeviceMetadataTest, StreamHoldsEveryVersionNewestFirstAndDecodesTheFirst) {
  const DeviceMetadata doc = SampleDocument();
  const std::string stream = EncodeDeviceMetadataStream(doc);
  const size_t newline = stream.find('\n');
  ASSERT_NE(newline, std::string::npos);
  EXPECT_EQ(stream.back(), '\n');
  nlohmann::json first = nlohmann::json::parse(stream.substr(0, newline));
  nlohmann::json second = nlohmann::json::parse(stream.substr(newline + 1));
  EXPECT_EQ(first["apiVersion"], "metadata.resource.k8s.io/v1beta1");
  EXPECT_EQ(second["apiVersion"], "metadata.resource.k8s.io/v1alpha1");
  EXPECT_EQ(first["kind"], "DeviceMetadata");
  first.erase("apiVersion");
  second.erase("apiVersion");
  EXPECT_EQ(first, second);
  EXPECT_EQ(first["metadata"], nlohmann::json::parse(R"({"name": "my-claim", "namespace": "default", "uid": "uid-1234",
                                               "generation": 1})"));
  EXPECT_EQ(first["requests"][0]["devices"][0]["attributes"]["driverVersion"], nlohmann::json::parse(R"({"version": "1.0.0"})"));
  EXPECT_FALSE(first.contains("podClaimName"));

  StatusOr<DeviceMetadata> decoded = DecodeDeviceMetadataStream(stream);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->api_version, kDeviceMetadataV1beta1);
  DeviceMetadata expected = doc;
  expected.api_version = std::string(kDeviceMetadataV1beta1);
  expected.kind = "DeviceMetadata";
  EXPECT_EQ(*decoded, expected);

  StatusOr<DeviceMetadata> alpha = DecodeDeviceMetadataStream(EncodeDeviceMetadataStream(doc, {kDeviceMetadataV1alpha1}));
  ASSERT_TRUE(alpha.ok());
  EXPECT_EQ(alpha->api_version, kDeviceMetadataV1alpha1);
  EXPECT_EQ(alpha->requests, doc.requests);
}

TEST(DeviceMetadataTest, UnknownVersionsAreSkippedLikeGo) {
  const std::string future =
      R"({"apiVersion":"metadata.resource.k8s.io/v1000","kind":"DeviceMetadata","metadata":{"claimName":"x"},"requests":"not-a-list"})";
  const std::string stream = future + "\n" + EncodeDeviceMetadataStream(SampleDocument(), {kDeviceMetadataV1alpha1});
  StatusOr<DeviceMetadata> decoded = DecodeDeviceMetadataStream(stream);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->api_version, kDeviceMetadataV1alpha1);
  EXPECT_EQ(decoded->metadata.name, "my-claim");
}

TEST(DeviceMetadataTest, DecodeErrors) {
  struct Case {
    std::string stream;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"", "no metadata objects found in stream"},
      {"  \n", "no metadata objects found in stream"},
      {R"({"apiVersion":"metadata.k8s.io/v99","kind":"DeviceMetadata"})",
       "no compatible metadata version found in stream (unknown versions: metadata.k8s.io/v99)"},
      {R"({"kind":"DeviceMetadata","metadata":{"name":"test"}})", "object 0: apiVersion: missing"},
      {R"({"apiVersion":"metadata.resource.k8s.io/v1alpha1","metadata":{"name":"test"}})",
       "object 0 (metadata.resource.k8s.io/v1alpha1): kind: want DeviceMetadata"},
      {R"({"apiVersion":"metadata.resource.k8s.io/v1alpha1","kind":"DeviceMetadata","requests":"x"})",
       "object 0 (metadata.resource.k8s.io/v1alpha1): requests: expected array"},
      {R"({"apiVersion":"metadata.resource.k8s.io/v1beta1","kind":"DeviceMetadata","requests":[{"devices":[]}]})",
       "object 0 (metadata.resource.k8s.io/v1beta1): requests[0].name: missing required field"},
      {R"({"apiVersion":"metadata.resource.k8s.io/v1beta1","kind":"DeviceMetadata","requests":[{"name":"gpu","devices":[{"driver":"d","name":"n"}]}]})",
       "requests[0].devices[0].pool: missing required field"},
      {R"([1, 2])", "object 0: not a JSON object"},
      {R"({"apiVersion": )", "object 0: invalid JSON"},
      {EncodeDeviceMetadataStream(SampleDocument(), {kDeviceMetadataV1beta1}).substr(0, 40), "object 0: invalid JSON"},
  };
  for (const Case& c : cases) {
    StatusOr<DeviceMetadata> decoded = DecodeDeviceMetadataStream(c.stream);
    ASSERT_FALSE(decoded.ok()) << c.stream;
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(decoded.status().message()).find(c.error), std::string::npos)
        << c.stream << "\n  got: " << decoded.status().message();
  }
}

TEST(DeviceMetadataTest, DecodesTheGoWritersFixture) {
  // Written by k8s.io/dynamic-resource-allocation v0.37.2's metadataWriter (pretty-printed, every field set).
  const std::string text = testdata::ReadFile(testdata::RepoRoot() / "tests/testdata/device_metadata/go-v0.37.2-HEAD-metadata.json");
  StatusOr<DeviceMetadata> decoded = DecodeDeviceMetadataStream(text);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->api_version, "metadata.resource.k8s.io/v1beta1");
  EXPECT_EQ(decoded->metadata.name, "claim");
  EXPECT_EQ(decoded->metadata.namespace_, "default");
  EXPECT_EQ(decoded->metadata.uid, "claim-uid");
  EXPECT_EQ(decoded->metadata.generation, 7);
  ASSERT_TRUE(decoded->pod_claim_name.has_value());
  EXPECT_EQ(*decoded->pod_claim_name, "<no json tag> PodClaimNameValue");
  ASSERT_EQ(decoded->requests.size(), 1u);
  EXPECT_EQ(decoded->requests[0].name, "request");
  ASSERT_EQ(decoded->requests[0].devices.size(), 1u);
  const DeviceMetadataDevice& d = decoded->requests[0].devices[0];
  EXPECT_EQ(d.driver, "gpu.example.com");
  EXPECT_EQ(d.pool, "worker-0");
  EXPECT_EQ(d.name, "gpu-0");
  const DeviceAttribute& model = d.attributes.at("model");
  EXPECT_EQ(model.int_value, 2);
  EXPECT_EQ(model.string_value, "LATEST-GPU-MODEL");
  EXPECT_EQ(model.versions, std::vector<std::string>{"versionsValue"});
  ASSERT_TRUE(d.network_data.has_value());
  EXPECT_EQ(d.network_data->interface_name, "interfaceNameValue");
  EXPECT_EQ(d.network_data->ips, std::vector<std::string>{"ipsValue"});
  EXPECT_EQ(d.network_data->hardware_address, "hardwareAddressValue");
}

TEST(DeviceMetadataTest, PathsFollowTheContainerLayout) {
  EXPECT_EQ(ResourceClaimMetadataPath("gpu.example.com", "my-claim", "gpu"),
            "/var/run/kubernetes.io/dra-device-attributes/resourceclaims/my-claim/gpu/gpu.example.com-metadata.json");
  EXPECT_EQ(ResourceClaimTemplateMetadataPath("gpu.example.com", "gpu-entry", "gpu/small"),
            "/var/run/kubernetes.io/dra-device-attributes/resourceclaimtemplates/gpu-entry/gpu/gpu.example.com-metadata.json");
  EXPECT_EQ(ResourceClaimMetadataPath("d", "c", "r", "/tmp/root/"), "/tmp/root/resourceclaims/c/r/d-metadata.json");
  EXPECT_EQ(BaseRequestName("gpu/small"), "gpu");
  EXPECT_EQ(BaseRequestName("gpu"), "gpu");
}

class DeviceMetadataReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("allot-device-metadata-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  std::filesystem::path root_;
};

TEST_F(DeviceMetadataReaderTest, RoundTripOneDriverAndTheTemplateForm) {
  DeviceMetadata doc = SampleDocument();
  Write(ResourceClaimMetadataPath("gpu.example.com", "my-claim", "gpu", root_.string()), EncodeDeviceMetadataStream(doc));
  StatusOr<DeviceMetadata> read = ReadResourceClaimMetadataWithDriverName("gpu.example.com", "my-claim", "gpu", root_.string());
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->api_version, kDeviceMetadataV1beta1);
  EXPECT_EQ(read->metadata, doc.metadata);
  EXPECT_EQ(read->requests, doc.requests);

  doc.pod_claim_name = "gpu-entry";
  Write(ResourceClaimTemplateMetadataPath("gpu.example.com", "gpu-entry", "gpu", root_.string()),
        EncodeDeviceMetadataStream(doc, {kDeviceMetadataV1alpha1}));
  StatusOr<DeviceMetadata> templ =
      ReadResourceClaimTemplateMetadataWithDriverName("gpu.example.com", "gpu-entry", "gpu/small", root_.string());
  ASSERT_TRUE(templ.ok()) << templ.status().message();
  EXPECT_EQ(templ->api_version, kDeviceMetadataV1alpha1);
  EXPECT_EQ(templ->pod_claim_name, "gpu-entry");
  StatusOr<DeviceMetadata> merged = ReadResourceClaimTemplateMetadata("gpu-entry", "gpu", root_.string());
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  EXPECT_EQ(merged->pod_claim_name, "gpu-entry");
  EXPECT_EQ(merged->requests, doc.requests);
}

TEST_F(DeviceMetadataReaderTest, MergesEveryDriversFileOfARequest) {
  DeviceMetadata nic = SampleDocument("nic.example.com", "eth1");
  nic.requests[0].devices[0].network_data = NetworkDeviceData{"eth1", {"10.0.0.2/24"}, "aa:bb:cc:dd:ee:ff"};
  DeviceMetadata gpu = SampleDocument("gpu.example.com", "gpu-0");
  Write(ResourceClaimMetadataPath("nic.example.com", "my-claim", "gpu", root_.string()), EncodeDeviceMetadataStream(nic));
  Write(ResourceClaimMetadataPath("gpu.example.com", "my-claim", "gpu", root_.string()), EncodeDeviceMetadataStream(gpu));
  Write((root_ / "resourceclaims/my-claim/gpu/README.txt").string(), "not metadata");
  StatusOr<DeviceMetadata> merged = ReadResourceClaimMetadata("my-claim", "gpu", root_.string());
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  EXPECT_TRUE(merged->api_version.empty());  // like Go: the merge has no TypeMeta or ObjectMeta
  EXPECT_TRUE(merged->metadata.name.empty());
  ASSERT_EQ(merged->requests.size(), 1u);
  ASSERT_EQ(merged->requests[0].devices.size(), 2u);
  EXPECT_EQ(merged->requests[0].devices[0].driver, "gpu.example.com");  // file name order
  EXPECT_EQ(merged->requests[0].devices[1].driver, "nic.example.com");
  EXPECT_EQ(merged->requests[0].devices[1].network_data->ips, std::vector<std::string>{"10.0.0.2/24"});
}

TEST_F(DeviceMetadataReaderTest, Errors) {
  const std::string root = root_.string();
  auto missing = ReadResourceClaimMetadataWithDriverName("gpu.example.com", "nope", "gpu", root);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(std::string(missing.status().message()).find("resourceclaims/nope/gpu/gpu.example.com-metadata.json"),
            std::string::npos);
  auto empty_dir = ReadResourceClaimMetadata("nope", "gpu", root);
  EXPECT_EQ(empty_dir.status().code(), StatusCode::kNotFound);
  EXPECT_NE(std::string(empty_dir.status().message()).find("no metadata files found in"), std::string::npos);

  for (auto [claim, request, driver, error] : std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {"", "gpu", "d", "claim name: must not be empty"},
           {"..", "gpu", "d", "claim name: must not be \".\" or \"..\""},
           {"a/b", "gpu", "d", "claim name: must not contain '/'"},
           {"c", "/x", "d", "request: must not be empty"},
           {"c", "gpu", "x/y", "driver: must not contain '/'"}}) {
    auto bad = ReadResourceClaimMetadataWithDriverName(driver, claim, request, root);
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument) << claim << " " << request << " " << driver;
    EXPECT_EQ(std::string(bad.status().message()).rfind(error, 0), 0u) << bad.status().message();
  }
  EXPECT_EQ(ReadResourceClaimTemplateMetadata("..", "gpu", root).status().code(), StatusCode::kInvalidArgument);

  const std::string path = ResourceClaimMetadataPath("gpu.example.com", "broken", "gpu", root);
  Write(path, R"({"apiVersion":"metadata.resource.k8s.io/v1beta1","kind":"DeviceMetadata","requests":"x"})");
  auto broken = ReadResourceClaimMetadata("broken", "gpu", root);
  EXPECT_EQ(broken.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(broken.status().message()).rfind(path + ": object 0", 0), 0u) << broken.status().message();
}

}  // namespace
}  // namespace allot::api
