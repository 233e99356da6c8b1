// Decoding errors: InvalidArgument with "<json path>: <problem>" (first problem only).
#include <string>

#include <gtest/gtest.h>

#include "api/codec.h"

namespace allot::api {
namespace {

// Decodes `json` as T and returns the error message ("" when decoding succeeded).
template <class T>
std::string DecodeError(std::string_view json) {
  StatusOr<T> result = Decode<T>(json);
  if (result.ok()) return "";
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  return std::string(result.status().message());
}

constexpr char kSliceHead[] = R"({"spec":{"driver":"d","pool":{"name":"p","generation":1,"resourceSliceCount":1},)";

TEST(CodecErrorTest, BadQuantityNamesPathAndText) {
  std::string json = std::string(kSliceHead) + R"("devices":[{"name":"a"},{"name":"b"},{"name":"c"},)" +
                     R"({"name":"d","capacity":{"memory":{"value":"4Gx"}}}]}})";
  EXPECT_EQ(DecodeError<ResourceSlice>(json), R"(spec.devices[3].capacity.memory.value: invalid quantity "4Gx")");
}

TEST(CodecErrorTest, WrongTypeNamesExpectedAndActual) {
  std::string json = std::string(kSliceHead) + R"("devices":[{"name":7}]}})";
  EXPECT_EQ(DecodeError<ResourceSlice>(json), "spec.devices[0].name: expected string, got number");
}

TEST(CodecErrorTest, WrongTypeForObjectsListsAndBooleans) {
  EXPECT_EQ(DecodeError<ResourceSlice>(R"({"spec":[]})"), "spec: expected object, got array");
  EXPECT_EQ(DecodeError<ResourceSlice>(std::string(kSliceHead) + R"("devices":{}}})"),
            "spec.devices: expected array, got object");
  EXPECT_EQ(DecodeError<ResourceSlice>(std::string(kSliceHead) + R"("allNodes":"true"}})"),
            "spec.allNodes: expected boolean, got string");
  EXPECT_EQ(DecodeError<ResourceSlice>(R"([1])"), "expected object, got array");
}

TEST(CodecErrorTest, IntegersMustBeIntegral) {
  EXPECT_EQ(DecodeError<ResourcePool>(R"({"name":"p","generation":1.5})"),
            "generation: expected integer, got non-integer number 1.5");
  EXPECT_EQ(DecodeError<ResourcePool>(R"({"name":"p","generation":"1"})"),
            "generation: expected integer, got string");
  EXPECT_EQ(DecodeError<ResourcePool>(R"({"name":"p","generation":18446744073709551615})"),
            "generation: integer out of range: 18446744073709551615");
}

TEST(CodecErrorTest, MissingRequiredField) {
  EXPECT_EQ(DecodeError<ResourceSlice>(R"({"spec":{"pool":{"name":"p"}}})"), "spec.driver: missing required field");
  std::string json = std::string(kSliceHead) + R"("devices":[{"name":"a","capacity":{"mem":{}}}]}})";
  EXPECT_EQ(DecodeError<ResourceSlice>(json), "spec.devices[0].capacity.mem.value: missing required field");
  // null counts as missing.
  EXPECT_EQ(DecodeError<DeviceRequestAllocationResult>(R"({"request":"r","driver":null,"pool":"p","device":"d"})"),
            "driver: missing required field");
}

TEST(CodecErrorTest, MapKeysThatAreNotPlainWordsAreQuoted) {
  std::string json = std::string(kSliceHead) +
                     R"("devices":[{"name":"a","attributes":{"gpu.nvidia.com/index":{"int":"x"}}}]}})";
  EXPECT_EQ(DecodeError<ResourceSlice>(json),
            R"(spec.devices[0].attributes["gpu.nvidia.com/index"].int: expected integer, got string)");
}

TEST(CodecErrorTest, MalformedJson) {
  EXPECT_EQ(DecodeError<ResourceSlice>(R"({"spec": )"),
            "invalid JSON: parse error at line 1, column 10: syntax error while parsing value - unexpected end "
            "of input; expected '[', '{', or a literal");
  EXPECT_EQ(DecodeError<ResourceSlice>("{} x"),
            "invalid JSON: parse error at line 1, column 4: syntax error while parsing value - invalid literal; "
            "last read: '{} x'; expected end of input");
  EXPECT_EQ(DecodeError<ResourceSlice>(""),
            "invalid JSON: parse error at line 1, column 1: syntax error while parsing value - unexpected end "
            "of input; expected '[', '{', or a literal");
}

TEST(CodecErrorTest, FirstErrorWins) {
  std::string json = std::string(kSliceHead) + R"("devices":[{"name":1},{"name":2}]}})";
  EXPECT_EQ(DecodeError<ResourceSlice>(json), "spec.devices[0].name: expected string, got number");
}

TEST(CodecErrorTest, NullAndUnknownFieldsAreIgnored) {
  StatusOr<ResourceSlice> slice = Decode<ResourceSlice>(
      R"({"metadata":{"name":"s","managedFields":[{}],"labels":null},"spec":{"driver":"d",)"
      R"("pool":{"name":"p","generation":2,"resourceSliceCount":1},"nodeName":null,"futureField":{"x":1}}})");
  ASSERT_TRUE(slice.ok()) << slice.status();
  EXPECT_EQ(slice->metadata.name, "s");
  EXPECT_TRUE(slice->metadata.labels.empty());
  EXPECT_FALSE(slice->spec.node_name.has_value());
  EXPECT_EQ(slice->spec.pool.generation, 2);
}

TEST(CodecErrorTest, DecodeFromParsedJsonReportsTheSameErrors) {
  nlohmann::json j = {{"name", "p"}, {"generation", true}};
  StatusOr<ResourcePool> pool = Decode<ResourcePool>(j);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().message(), "generation: expected integer, got boolean");
}

TEST(CodecErrorTest, ErrorsInsideListsOfLists) {
  std::string json = R"({"nodeSelectorTerms":[{"matchFields":[{"key":"metadata.name","operator":"In","values":[1]}]}]})";
  EXPECT_EQ(DecodeError<NodeSelector>(json),
            "nodeSelectorTerms[0].matchFields[0].values[0]: expected string, got number");
}

TEST(CodecErrorTest, QuantityMustBeStringOrInteger) {
  EXPECT_EQ(DecodeError<Counter>(R"({"value":true})"), "value: expected quantity string, got boolean");
  StatusOr<Counter> c = Decode<Counter>(R"({"value":42})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->value.text, "42");
}

}  // namespace
}  // namespace allot::api
