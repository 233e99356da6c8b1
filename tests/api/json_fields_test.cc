// The field rules of api/internal/json_fields.h, each on a tiny struct that uses only that rule, so a
// change to one rule's decode or encode side shows up here before it shows up in a wire type.
#include "api/internal/json_fields.h"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/codec.h"

namespace allot::api {

struct Inner {
  std::string name;
  bool operator==(const Inner&) const = default;
};

struct RuleProbe {
  std::string required;
  std::string optional;
  std::vector<std::string> omit_empty;
  Inner omit_zero;
  std::optional<int64_t> any_case;
  std::string checked;
  bool operator==(const RuleProbe&) const = default;
};

ALLOT_API_DECLARE_JSON(Inner);
ALLOT_API_DECLARE_JSON(RuleProbe);

template <class V>
void Fields(V& v, internal::Visited<V, Inner>& o) {
  v.Optional("name", o.name);
}
ALLOT_API_DEFINE_JSON(Inner);

std::string CheckNotBad(const std::string& value) { return value == "bad" ? "value is bad" : ""; }

template <class V>
void Fields(V& v, internal::Visited<V, RuleProbe>& o) {
  v.Required("required", o.required);
  v.Optional("optional", o.optional);
  v.OmitEmpty("omitEmpty", o.omit_empty);
  v.OmitZero("omitZero", o.omit_zero);
  v.AnyCase("AnyCase", o.any_case);
  v.Required("checked", o.checked, CheckNotBad);
}
ALLOT_API_DEFINE_JSON(RuleProbe);

namespace {

TEST(JsonFieldsTest, EncodesEachRule) {
  RuleProbe empty;
  // Required/Optional/AnyCase always written (nullopt as null); OmitEmpty/OmitZero left out.
  EXPECT_EQ(EncodeString(empty), R"({"AnyCase":null,"checked":"","optional":"","required":""})");

  RuleProbe full{"r", "o", {"e"}, {"z"}, 7, "c"};
  EXPECT_EQ(EncodeString(full),
            R"({"AnyCase":7,"checked":"c","omitEmpty":["e"],"omitZero":{"name":"z"},"optional":"o","required":"r"})");
}

TEST(JsonFieldsTest, DecodeRoundTripsEncode) {
  RuleProbe full{"r", "o", {"e"}, {"z"}, 7, "c"};
  StatusOr<RuleProbe> again = Decode<RuleProbe>(Encode(full));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, full);
}

TEST(JsonFieldsTest, RequiredReportsMissingAndNull) {
  EXPECT_EQ(Decode<RuleProbe>(R"({"checked":"c"})").status().message(), "required: missing required field");
  EXPECT_EQ(Decode<RuleProbe>(R"({"required":null,"checked":"c"})").status().message(),
            "required: missing required field");
}

TEST(JsonFieldsTest, FieldsAreReadInListedOrder) {
  // Both fields are wrong; the first listed one is reported.
  EXPECT_EQ(Decode<RuleProbe>(R"({"optional":1,"required":2,"checked":"c"})").status().message(),
            "required: expected string, got number");
}

TEST(JsonFieldsTest, AnyCaseMatchesKeyIgnoringCaseButOnlyThatRule) {
  StatusOr<RuleProbe> probe = Decode<RuleProbe>(R"({"required":"r","ANYCASE":3,"Optional":"x","checked":"c"})");
  ASSERT_TRUE(probe.ok()) << probe.status();
  EXPECT_EQ(probe->any_case, std::optional<int64_t>(3));
  EXPECT_EQ(probe->optional, "");  // exact-case rule: "Optional" is an unknown key
}

TEST(JsonFieldsTest, CheckRunsOnDecodeOnly) {
  EXPECT_EQ(Decode<RuleProbe>(R"({"required":"r","checked":"bad"})").status().message(), "checked: value is bad");
  RuleProbe bad;
  bad.checked = "bad";
  EXPECT_EQ(EncodeString(bad), R"({"AnyCase":null,"checked":"bad","optional":"","required":""})");
}

TEST(JsonFieldsTest, NonObjectIsRejectedBeforeAnyField) {
  EXPECT_EQ(Decode<RuleProbe>("[1]").status().message(), "expected object, got array");
}

}  // namespace
}  // namespace allot::api
