#include "api/k8s/quantity_syntax.h"

#include <gtest/gtest.h>

namespace allot::api {
namespace {

TEST(QuantitySyntaxTest, AcceptsKubernetesForms) {
  for (const char* q : {"0", "1", "+1", "-1", "100", "1.5", "1.", ".5", "-.5", "80Gi", "81559Mi", "1Ki", "2Ei",
                        "100m", "1k", "1M", "1G", "1T", "1P", "1E", "1e3", "1E3", "1e-3", "1e+3", "1.5e10",
                        "0.5Gi", "007"}) {
    EXPECT_TRUE(IsValidQuantitySyntax(q)) << q;
  }
}

TEST(QuantitySyntaxTest, RejectsEverythingElse) {
  for (const char* q : {"", "+", "-", ".", "Gi", "4Gx", "1 Gi", " 1", "1 ", "1ki", "1KI", "1K", "1mi", "1e",
                        "1e1.5", "1e+", "1.2.3", "1Gii", "--1", "1,5", "0x10", "1e3Gi", "e3", "1i"}) {
    EXPECT_FALSE(IsValidQuantitySyntax(q)) << q;
  }
}

}  // namespace
}  // namespace allot::api
