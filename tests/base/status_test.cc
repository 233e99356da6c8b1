#include "base/status.h"

#include <gtest/gtest.h>

#include "base/status_macros.h"

namespace allot {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  Status s = InvalidArgumentError("bad field");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "bad field");
  EXPECT_EQ(s.ToString(), "INVALID_ARGUMENT: bad field");
  EXPECT_EQ(s.WithPrefix("claim a").message(), "claim a: bad field");
}

TEST(StatusTest, CopyIsDeep) {
  Status a = NotFoundError("x");
  Status b = a;
  EXPECT_EQ(a, b);
  b = OkStatus();
  EXPECT_FALSE(a.ok());
  EXPECT_TRUE(b.ok());
}

StatusOr<int> Half(int v) {
  if (v % 2 != 0) return InvalidArgumentError("odd");
  return v / 2;
}

StatusOr<int> Quarter(int v) {
  ALLOT_ASSIGN_OR_RETURN(int h, Half(v));
  ALLOT_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusOrTest, ValueAndError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().message(), "odd");
  StatusOr<int> from_ok = OkStatus();
  EXPECT_EQ(from_ok.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace allot
