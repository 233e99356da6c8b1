// The allocator's view of CEL: compile a DRA selector once, evaluate it against prepared devices.
//
// Outcomes are kept apart (cel.md 1.5, trap 1): Evaluate returns true (match), false (no match) or a
// non-OK Status (kInvalidArgument, cel-go's runtime error text, e.g. "no such key: foo", "operation
// cancelled: actual cost limit exceeded"); the caller must treat the error as fatal for the allocation.
//
// Thread safety: Selector is immutable and thread-safe; CompileCache is thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/cel/device.h"
#include "core/cel/program.h"
#include "base/status.h"
#include "base/thread_annotations.h"

namespace allot::cel {

inline constexpr size_t kMaxSelectorExpressionBytes = 10 * 1024;
inline constexpr uint64_t kSelectorMaxCost = 1'000'000;  // CELSelectorExpressionMaxCost

struct EnvOptions {                 // which CEL environment to compile in
  bool stored_expressions = true;   // StoredExpressions (scheduler) vs NewExpressions
  bool consumable_capacity = true;  // DRAConsumableCapacity
  bool list_type_attributes = false;  // DRAListTypeAttributes

  friend bool operator==(const EnvOptions&, const EnvOptions&) = default;
};

class Selector {
 public:
  // true/false, or a non-OK Status (kInvalidArgument) carrying the cel-go style runtime error text.
  StatusOr<bool> Evaluate(const Device& device) const;
  // Same with an explicit actual-cost limit (Kubernetes Options.CostLimit).
  StatusOr<bool> Evaluate(const Device& device, uint64_t cost_limit) const;
  uint64_t max_cost() const { return program_->estimated_cost().max; }
  const std::string& expression() const { return program_->expression(); }
  const Program& program() const { return *program_; }

  explicit Selector(std::shared_ptr<const Program> program) : program_(std::move(program)) {}

 private:
  std::shared_ptr<const Program> program_;
};

// The DRA environment for the options (cached; thread-safe).
std::shared_ptr<const Environment> DraEnvironment(const EnvOptions& options);

// Compile errors: kInvalidArgument whose message lists every issue with position, cel-go wording
// ("ERROR: <input>:1:8: undeclared reference to 'x' (in container '')\n | ...\n | .......^").
StatusOr<std::shared_ptr<const Selector>> CompileSelector(std::string_view expression, const EnvOptions& options);

// Thread-safe LRU cache keyed by (expression text, options). Failures are not cached.
class CompileCache {
 public:
  explicit CompileCache(size_t capacity = 4096) : capacity_(capacity == 0 ? 1 : capacity) {}
  StatusOr<std::shared_ptr<const Selector>> Get(std::string_view expression, const EnvOptions& options);
  size_t size() const;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const Selector> selector;
  };
  const size_t capacity_;
  mutable Mutex mu_;
  std::list<Entry> lru_ ALLOT_GUARDED_BY(mu_);  // front = most recently used
  std::unordered_map<std::string, std::list<Entry>::iterator> index_ ALLOT_GUARDED_BY(mu_);
};

}  // namespace allot::cel
