// Node-affinity matching used for slice relevance, per-device selection and result selectors.
#include <gtest/gtest.h>

#include "core/model/node_selector.h"

namespace allot::model {
namespace {

TEST(NodeSelectorTest, OperatorsAndErrors) {
  Node node{"n1", {{"zone", "a"}, {"gen", "5"}}};
  NodeSelector sel;
  sel.terms.push_back(NodeSelectorTerm{{{"zone", "In", {"a", "b"}}, {"gen", "Gt", {"3"}}}, {}});
  EXPECT_TRUE(*Matches(sel, node));
  sel.terms[0].match_expressions.push_back({"gpu", "Exists", {}});
  EXPECT_FALSE(*Matches(sel, node));
  NodeSelector bad;
  bad.terms.push_back(NodeSelectorTerm{{{"zone", "Near", {"a"}}}, {}});
  EXPECT_FALSE(Matches(bad, node).ok());
  NodeSelector by_name;
  by_name.terms.push_back(NodeSelectorTerm{{}, {{"metadata.name", "In", {"n1"}}}});
  EXPECT_TRUE(*Matches(by_name, node));
}

TEST(NodeSelectorTest, SameAsIgnoresValueOrder) {
  NodeSelectorRequirement a{"k", "In", {"x", "y"}};
  NodeSelectorRequirement b{"k", "In", {"y", "x", "x"}};
  NodeSelectorRequirement c{"k", "NotIn", {"x", "y"}};
  EXPECT_TRUE(a.SameAs(b));
  EXPECT_FALSE(a.SameAs(c));
}

}  // namespace
}  // namespace allot::model
