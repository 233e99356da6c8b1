// Evaluator unit tests: runtime errors, commutative error absorption, overflow, optionals, macros,
// DRA device semantics, actual cost limit.
#include <gtest/gtest.h>

#include <thread>

#include "core/cel/function_registry.h"
#include "core/cel/program.h"
#include "core/cel/selector.h"

namespace allot::cel {
namespace {

std::string RuntimeError(std::string_view expr) {
  auto v = EvaluateForTest(expr);
  if (!v.ok()) return "compile error: " + std::string(v.status().message());
  return v->is_error() ? std::string(v->error_message()) : "no error: " + v->DebugString();
}
bool True(std::string_view expr) {
  auto v = EvaluateForTest(expr);
  return v.ok() && v->is_bool() && v->bool_value();
}

TEST(EvalTest, IntegerOverflowAndDivision) {
  EXPECT_EQ(RuntimeError("9223372036854775807 + 1"), "integer overflow");
  EXPECT_EQ(RuntimeError("-9223372036854775808 - 1"), "integer overflow");
  EXPECT_EQ(RuntimeError("-(-9223372036854775808)"), "integer overflow");
  EXPECT_EQ(RuntimeError("-9223372036854775808 / -1"), "integer overflow");
  EXPECT_EQ(RuntimeError("-9223372036854775808 % -1"), "integer overflow");
  EXPECT_EQ(RuntimeError("0u - 1u"), "unsigned integer overflow");
  EXPECT_EQ(RuntimeError("1 / 0"), "division by zero");
  EXPECT_EQ(RuntimeError("1 % 0"), "modulus by zero");
  EXPECT_EQ(RuntimeError("int(9.3e18)"), "integer overflow");
  EXPECT_TRUE(True("-7 / 2 == -3 && -7 % 2 == -1"));
  EXPECT_TRUE(True("1.0 / 0.0 == double('Infinity')"));
}

TEST(EvalTest, CommutativeErrorAbsorption) {
  EXPECT_TRUE(True("false || (1/0 > 0) || true"));
  EXPECT_TRUE(True("(1/0 > 0) || true"));
  EXPECT_TRUE(True("!((1/0 > 0) && false)"));
  EXPECT_EQ(RuntimeError("(1/0 > 0) && true"), "division by zero");
  EXPECT_EQ(RuntimeError("(1/0 > 0) || false"), "division by zero");
  EXPECT_TRUE(True("[1, 0].exists(x, 1 / x > 0)"));      // exists: a true wins over errors
  EXPECT_TRUE(True("![0, 1].all(x, 1 / x > 5)"));        // all: a false wins over errors
  EXPECT_EQ(RuntimeError("[0, 1].exists_one(x, 1 / x > 0)"), "division by zero");
  EXPECT_EQ(RuntimeError("[0].map(x, 1 / x)"), "division by zero");
  EXPECT_TRUE(True("true ? true : 1/0 > 0"));             // only the chosen branch
}

TEST(EvalTest, HeterogeneousEqualityUnderDyn) {
  EXPECT_TRUE(True("dyn(1) == 1.0 && dyn(2u) == 2 && dyn('1') != 1"));
  EXPECT_TRUE(True("dyn(1) < 1.5 && dyn(2u) > -1"));
  EXPECT_EQ(RuntimeError("dyn([0]) < dyn([1])"), "no such overload");
  EXPECT_TRUE(True("dyn(3.0) in {3: 'x'} && !(dyn(3.1) in {3: 'x'})"));
}

TEST(EvalTest, Macros) {
  EXPECT_TRUE(True("[1, 2, 3].map(x, x * 2) == [2, 4, 6]"));
  EXPECT_TRUE(True("[1, 2, 3].map(x, x > 1, x) == [2, 3]"));
  EXPECT_TRUE(True("[1, 2, 3].filter(x, x != 2) == [1, 3]"));
  EXPECT_TRUE(True("[1, 2, 3].exists_one(x, x == 2)"));
  EXPECT_TRUE(True("{'a': 1, 'b': 2}.all(k, k in ['a', 'b'])"));
  EXPECT_TRUE(True("[10, 20].all(i, v, v == (i + 1) * 10)"));
  EXPECT_TRUE(True("{'a': 1}.transformMap(k, v, v + 1) == {'a': 2}"));
  EXPECT_TRUE(True("cel.bind(x, 2, x * x) == 4"));
  EXPECT_TRUE(True("cel.bind(x, 1 / 0, true)"));  // lazy, like cel-go: the initialiser never runs
  EXPECT_TRUE(True("cel.bind(a, 1, cel.bind(b, a + 1, [a, b].map(x, x * b))) == [2, 4]"));
  EXPECT_TRUE(True("[1, 2].all(i, cel.bind(y, i * 10, y > i))"));
  EXPECT_EQ(RuntimeError("dyn(1).all(x, true)"), "got 'types.Int', expected iterable type");
}

TEST(EvalTest, Optionals) {
  EXPECT_TRUE(True("{'a': 1}.?a.orValue(5) == 1 && {'a': 1}.?b.orValue(5) == 5"));
  EXPECT_TRUE(True("!{'a': 1}[?'b'].hasValue() && [1][?0].value() == 1"));
  EXPECT_TRUE(True("optional.none().or(optional.of(3)).value() == 3"));
  EXPECT_TRUE(True("optional.ofNonZeroValue(0) == optional.none()"));
  EXPECT_TRUE(True("[?optional.none(), ?optional.of(1)] == [1]"));
  EXPECT_TRUE(True("optional.of(2).optMap(x, x * 3).value() == 6"));
  EXPECT_EQ(RuntimeError("optional.none().value()"), "optional.none() dereference");
}

TEST(EvalTest, StringsAndConversions) {
  EXPECT_TRUE(True("'héllo'.size() == 5 && 'abc'.contains('b') && 'abc'.startsWith('ab') && 'abc'.endsWith('bc')"));
  EXPECT_TRUE(True("'abc'.matches('b') && !'abc'.matches('^b')"));
  EXPECT_TRUE(True("int('42') == 42 && uint(3) == 3u && double('1e3') == 1000.0 && string(true) == 'true'"));
  EXPECT_TRUE(True("bool('T') && !bool('false') && bytes('a') == b'a' && type(1) == int"));
  EXPECT_EQ(RuntimeError("uint(-1)"), "unsigned integer overflow");
  EXPECT_EQ(RuntimeError("[1][3]"), "index out of range: 3");
  EXPECT_EQ(RuntimeError("{'a': 1}['b']"), "no such key: b");
}

DeviceInput GpuInput() {
  DeviceInput in;
  in.driver = "dra.example.com";
  in.attributes.emplace_back("model", std::string("a100"));
  in.attributes.emplace_back("memGB", int64_t{80});
  in.attributes.emplace_back("ext.example.com/family", std::string("ampere"));
  in.capacity.emplace_back("memory", *quantity::Quantity::Parse("80Gi"));
  in.allow_multiple_allocations = true;
  return in;
}

bool Match(std::string_view expr, const Device& d) {
  auto s = CompileSelector(expr, EnvOptions{});
  EXPECT_TRUE(s.ok()) << s.status();
  if (!s.ok()) return false;
  auto r = (*s)->Evaluate(d);
  EXPECT_TRUE(r.ok()) << expr << ": " << r.status();
  return r.ok() && *r;
}

TEST(DeviceTest, QualifiedNamesDefaultsAndMissingKeys) {
  auto d = Device::Prepare(GpuInput());
  EXPECT_TRUE(Match("device.driver == 'dra.example.com'", *d));
  EXPECT_TRUE(Match("device.attributes['dra.example.com'].model == 'a100'", *d));
  EXPECT_TRUE(Match("device.attributes['ext.example.com'].family == 'ampere'", *d));
  EXPECT_TRUE(Match("device.attributes['dra.example.com'].memGB > 2.5", *d));
  EXPECT_TRUE(Match("device.capacity['dra.example.com'].memory.isGreaterThan(quantity('40Gi'))", *d));
  EXPECT_TRUE(Match("device.attributes['nope'].size() == 0 && !('nope' in device.attributes)", *d));
  EXPECT_TRUE(Match("device.attributes.exists_one(x, x == 'ext.example.com')", *d));
  EXPECT_TRUE(Match("device.attributes['nope'].?x.orValue(1) == 1", *d));
  EXPECT_TRUE(Match("!has(device.attributes['dra.example.com'].nope)", *d));
  EXPECT_TRUE(Match("device.allowMultipleAllocations", *d));
  auto s = CompileSelector("device.attributes['nope'].noSuchAttr == 1", EnvOptions{});
  ASSERT_TRUE(s.ok());
  auto r = (*s)->Evaluate(*d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "no such key: noSuchAttr");
  // Non-bool results are runtime errors, not "false".
  s = CompileSelector("device.attributes['dra.example.com'].model", EnvOptions{});
  ASSERT_TRUE(s.ok());
  r = (*s)->Evaluate(*d);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("could not be converted to bool"), std::string::npos);
}

TEST(DeviceTest, BadVersionFailsEveryEvaluation) {
  DeviceInput in = GpuInput();
  in.attributes.emplace_back("driverVersion", Version{"01.2.3"});
  auto d = Device::Prepare(std::move(in));
  auto s = CompileSelector("true", EnvOptions{});
  ASSERT_TRUE(s.ok());
  auto r = (*s)->Evaluate(*d);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("attribute driverVersion: parse semantic version"), std::string::npos);
}

TEST(CostTest, EstimatedCostsMatchKubernetes) {
  auto cost = [](std::string_view e) {
    auto s = CompileSelector(e, EnvOptions{});
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? (*s)->max_cost() : 0;
  };
  EXPECT_EQ(cost("true"), 0u);
  EXPECT_EQ(cost("device.driver == ''"), 2u);
  EXPECT_EQ(cost("device.driver == 'dra.example.com'"), 4u);
  EXPECT_EQ(cost("device.attributes['d'].names.exists(x, x > 0)"), 389u);
  EXPECT_EQ(cost("cel.bind(dra, device.attributes['d'], dra.name)"), 15u);
  EXPECT_EQ(cost("device.attributes.exists_one(x, x == 'dra.example.com')"), 164u);
}

TEST(CostTest, NewExpressionsRejectTooComplex) {
  const std::string expensive =
      "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, "
      "[1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f, "
      "[1,2,3,4,5,6,7,8,9,10].all(g, true)))))))";
  EnvOptions stored;
  auto s = CompileSelector(expensive, stored);
  ASSERT_TRUE(s.ok()) << s.status();  // the scheduler skips the estimate
  EXPECT_GT((*s)->max_cost(), kSelectorMaxCost);
  EnvOptions fresh{.stored_expressions = false, .consumable_capacity = true, .list_type_attributes = true};
  auto n = CompileSelector(expensive, fresh);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("too complex, exceeds cost limit"), std::string::npos);
  // At run time the actual cost limit aborts with the Kubernetes text, and it is not absorbed by ||.
  auto d = Device::Prepare(GpuInput());
  auto r = (*s)->Evaluate(*d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "operation cancelled: actual cost limit exceeded");
  auto absorbed = CompileSelector("true || " + expensive, stored);
  ASSERT_TRUE(absorbed.ok());
  EXPECT_TRUE(*(*absorbed)->Evaluate(*d));  // short-circuit: the expensive side never runs
  auto other = CompileSelector(expensive + " || true", stored);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE((*other)->Evaluate(*d).ok());
}

TEST(CostTest, ActualCostMatchesSmallCases) {
  auto program = Program::Compile("'abc'.contains('b') && [1, 2].exists(x, x == 2)", Environment::Base());
  ASSERT_TRUE(program.ok());
  uint64_t actual = 0;
  Value v = (*program)->Evaluate({}, UINT64_MAX, &actual);
  ASSERT_TRUE(v.is_bool());
  EXPECT_TRUE(v.bool_value());
  EXPECT_GT(actual, 0u);
  EXPECT_LE(actual, (*program)->estimated_cost().max);
  EXPECT_TRUE((*program)->Evaluate({}, 1).is_error());
}

TEST(CompileCacheTest, CachesSuccessesNotFailuresAndIsThreadSafe) {
  CompileCache cache(2);
  auto a = cache.Get("device.driver == 'x'", EnvOptions{});
  auto b = cache.Get("device.driver == 'x'", EnvOptions{});
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->get(), b->get());
  EXPECT_FALSE(cache.Get("device.nope", EnvOptions{}).ok());
  EXPECT_EQ(cache.size(), 1u);
  EnvOptions other{.stored_expressions = false, .consumable_capacity = true, .list_type_attributes = false};
  auto c = cache.Get("device.driver == 'x'", other);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->get(), c->get());
  (void)cache.Get("true", EnvOptions{});
  EXPECT_EQ(cache.size(), 2u);  // LRU capacity

  auto d = Device::Prepare(GpuInput());
  std::vector<std::thread> threads;
  std::atomic<int> matches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto s = cache.Get(i % 2 ? "device.attributes['dra.example.com'].memGB >= 80" : "true", EnvOptions{});
        if (s.ok() && (*s)->Evaluate(*d).value()) matches.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(matches.load(), 800);
}

}  // namespace
}  // namespace allot::cel

namespace allot::cel {
namespace {

TEST(ActualSizeTest, CountsCodePoints) {
  EXPECT_EQ(ActualSize(Value::String("")), 0u);
  EXPECT_EQ(ActualSize(Value::String("abcdefghijklmnopq")), 17u);
  // 2-, 3- and 4-byte sequences straddling the 8-byte blocks.
  EXPECT_EQ(ActualSize(Value::String("h\xC3\xA9llo w\xC3\xB6rld \xE2\x9C\x93\xE2\x9C\x93 \xF0\x9F\x98\x80!")), 17u);
  EXPECT_EQ(ActualSize(Value::Bytes("\xC3\xA9")), 2u);
  EXPECT_EQ(ActualSize(Value::ListOf({Value::Int(1), Value::Int(2)})), 2u);
}

}  // namespace
}  // namespace allot::cel
