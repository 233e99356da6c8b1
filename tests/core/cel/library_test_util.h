// Helpers for the CEL library tests: evaluate an expression in the base environment and inspect it.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "core/cel/program.h"

namespace allot::cel::libtest {

// The value of `expr`, or a failed assertion for a compile error.
inline Value Eval(const std::string& expr) {
  StatusOr<Value> v = EvaluateForTest(expr);
  EXPECT_TRUE(v.ok()) << expr << ": " << v.status();
  return v.ok() ? *v : Value::Error("compile error");
}

inline bool EvalBool(const std::string& expr) {
  Value v = Eval(expr);
  EXPECT_TRUE(v.is_bool()) << expr << " -> " << v.DebugString();
  return v.is_bool() && v.bool_value();
}

inline int64_t EvalInt(const std::string& expr) {
  Value v = Eval(expr);
  EXPECT_TRUE(v.is_int()) << expr << " -> " << v.DebugString();
  return v.is_int() ? v.int_value() : 0;
}

inline std::string EvalString(const std::string& expr) {
  Value v = Eval(expr);
  EXPECT_TRUE(v.is_string()) << expr << " -> " << v.DebugString();
  return v.is_string() ? std::string(v.string_value()) : std::string();
}

// The runtime error message of `expr` ("" and a failed assertion if it is not an error).
inline std::string EvalError(const std::string& expr) {
  Value v = Eval(expr);
  EXPECT_TRUE(v.is_error()) << expr << " -> " << v.DebugString();
  return v.is_error() ? std::string(v.error_message()) : std::string();
}

// The compile error message of `expr` ("" and a failed assertion if it compiles).
inline std::string CompileError(const std::string& expr) {
  StatusOr<Value> v = EvaluateForTest(expr);
  EXPECT_FALSE(v.ok()) << expr << " compiled";
  return v.ok() ? std::string() : std::string(v.status().message());
}

// (estimated min, estimated max, actual) cost of `expr` in the base environment.
struct Costs {
  uint64_t min = 0, max = 0, actual = 0;
};
inline Costs CostOf(const std::string& expr) {
  Costs c;
  auto program = Program::Compile(expr, Environment::Base());
  EXPECT_TRUE(program.ok()) << expr << ": " << program.status();
  if (!program.ok()) return c;
  c.min = (*program)->estimated_cost().min;
  c.max = (*program)->estimated_cost().max;
  (void)(*program)->Evaluate({}, UINT64_MAX, &c.actual);
  return c;
}

}  // namespace allot::cel::libtest
