// Semantic versions as Kubernetes CEL sees them: blang/semver v4 `Parse` (strict semver 2.0.0)
// and the apiserver's 1.33+ normalizing parse used by `semver(s, true)` / `isSemver(s, true)`.
//
// This is the value behind the CEL type `kubernetes.Semver` and behind DRA `version`
// attributes. Comparison is semver precedence (build metadata ignored), exactly as blang's
// Version.Compare.
//
// Thread safety: a value type; immutable after construction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace allot::quantity {

class Semver {
 public:
  // One dot-separated prerelease identifier: numeric (no leading zeros) or alphanumeric.
  struct PreRelease {
    std::string text;   // alphanumeric form (empty when numeric)
    uint64_t number = 0;
    bool is_numeric = false;
  };

  Semver() = default;  // 0.0.0

  // blang/semver v4 Parse: MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], no "v", no whitespace.
  // kInvalidArgument with blang's message ("Version string empty", "No Major.Minor.Patch
  // elements found", "Major number must not contain leading zeroes \"01\"", "Prerelease is
  // empty", "Numeric PreRelease version must not contain leading zeroes \"01\"", Go's
  // strconv messages for out-of-range numbers, ...).
  static StatusOr<Semver> Parse(std::string_view text);

  // The apiserver's normalizeAndParse (semver library version 1): strip one leading 'v',
  // strip leading zeros of each of the (at most 3) dot parts, pad "1" / "1.2" with ".0",
  // then Parse. A short version containing '-' or '+' is an error
  // ("short version cannot contain PreRelease/Build meta data"). No whitespace trimming.
  static StatusOr<Semver> ParseNormalized(std::string_view text);

  uint64_t major() const { return major_; }
  uint64_t minor() const { return minor_; }
  uint64_t patch() const { return patch_; }
  const std::vector<PreRelease>& pre() const { return pre_; }
  const std::vector<std::string>& build() const { return build_; }

  // Semver precedence: -1, 0, +1. Build metadata is ignored.
  int Compare(const Semver& other) const;

  // blang's String(): "1.2.3-alpha.1+build".
  std::string ToString() const;

  friend bool operator==(const Semver& a, const Semver& b) { return a.Compare(b) == 0; }
  friend bool operator!=(const Semver& a, const Semver& b) { return a.Compare(b) != 0; }
  friend bool operator<(const Semver& a, const Semver& b) { return a.Compare(b) < 0; }
  friend bool operator>(const Semver& a, const Semver& b) { return a.Compare(b) > 0; }

 private:
  uint64_t major_ = 0;
  uint64_t minor_ = 0;
  uint64_t patch_ = 0;
  std::vector<PreRelease> pre_;
  std::vector<std::string> build_;
};

}  // namespace allot::quantity
