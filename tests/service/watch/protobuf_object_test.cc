// Wire-level finalizer edits on enveloped Kubernetes protobuf objects.
#include "service/watch/protobuf_object.h"

#include <gtest/gtest.h>

#include "tests/service/watch/protobuf_test_util.h"

namespace allot::svc {
namespace {

using testing::Bytes;
using testing::ClaimEnvelope;
using testing::ClaimMeta;
using testing::Varint;

const std::string kFinalizer = "resource.kubernetes.io/delete-protection";
const std::string& kSpec = testing::ClaimSpecBytes();

TEST(ProtobufObjectTest, ReadsNameResourceVersionAndFinalizers) {
  auto meta = ReadProtobufObjectMeta(ClaimEnvelope(ClaimMeta({"a/b", "c/d"})));
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->name, "claim-1");
  EXPECT_EQ(meta->resource_version, "4711");
  EXPECT_EQ(meta->finalizers, (std::vector<std::string>{"a/b", "c/d"}));
}

TEST(ProtobufObjectTest, AddAppendsTheFinalizerAndKeepsEveryOtherByte) {
  std::string before = ClaimEnvelope(ClaimMeta({"a/b"}));
  auto after = AddFinalizerToProtobufObject(before, kFinalizer);
  ASSERT_TRUE(after.ok()) << after.status();
  // Exactly the envelope a writer would produce with the finalizer appended to metadata.
  EXPECT_EQ(*after, ClaimEnvelope(ClaimMeta({"a/b"}) + Bytes(14, kFinalizer)));
  EXPECT_NE(after->find(kSpec), std::string::npos) << "spec bytes changed";
  auto meta = ReadProtobufObjectMeta(*after);
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->finalizers, (std::vector<std::string>{"a/b", kFinalizer}));
  EXPECT_EQ(meta->resource_version, "4711");
}

TEST(ProtobufObjectTest, AddIsIdempotentAndRemoveDropsOnlyThatFinalizer) {
  std::string with = ClaimEnvelope(ClaimMeta({kFinalizer, "a/b"}));
  auto again = AddFinalizerToProtobufObject(with, kFinalizer);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, with);
  auto removed = RemoveFinalizerFromProtobufObject(with, kFinalizer);
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, ClaimEnvelope(ClaimMeta({"a/b"})));
}

TEST(ProtobufObjectTest, LargeMetadataNeedsLongerLengthPrefixes) {
  // Growing metadata past 127 bytes changes the width of the enclosing length varints.
  std::string before = ClaimEnvelope(ClaimMeta({std::string(100, 'x')}));
  auto after = AddFinalizerToProtobufObject(before, kFinalizer);
  ASSERT_TRUE(after.ok()) << after.status();
  auto meta = ReadProtobufObjectMeta(*after);
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->finalizers.size(), 2u);
  EXPECT_NE(after->find(kSpec), std::string::npos);
}

TEST(ProtobufObjectTest, RejectsMalformedInput) {
  EXPECT_FALSE(ReadProtobufObjectMeta("{\"kind\":\"ResourceClaim\"}").ok());  // JSON, not protobuf
  std::string good = ClaimEnvelope(ClaimMeta({}));
  for (size_t cut : {size_t{5}, good.size() / 2, good.size() - 1}) {
    auto r = AddFinalizerToProtobufObject(good.substr(0, cut), kFinalizer);
    EXPECT_FALSE(r.ok()) << "truncated at " << cut;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
  // An envelope without raw, and an object without metadata.
  EXPECT_FALSE(ReadProtobufObjectMeta(std::string("k8s\0", 4) + Bytes(1, "")).ok());
  EXPECT_FALSE(ReadProtobufObjectMeta(std::string("k8s\0", 4) + Bytes(2, Bytes(2, kSpec))).ok());
  // Group wire types are not used by Kubernetes and are refused.
  EXPECT_FALSE(ReadProtobufObjectMeta(std::string("k8s\0", 4) + Varint((2 << 3) | 3)).ok());
}

}  // namespace
}  // namespace allot::svc
