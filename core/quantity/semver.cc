// Semver: blang/semver v4 Parse/Compare and the apiserver's normalizing parse, in C++.
#include "core/quantity/semver.h"

#include <cstdio>

namespace allot::quantity {
namespace {

bool IsNumber(char c) { return c >= '0' && c <= '9'; }
bool IsAlphanum(char c) {
  return IsNumber(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}
bool ContainsOnlyNumbers(std::string_view s) {
  for (char c : s) {
    if (!IsNumber(c)) return false;
  }
  return true;
}
bool ContainsOnlyAlphanum(std::string_view s) {
  for (char c : s) {
    if (!IsAlphanum(c)) return false;
  }
  return true;
}
bool HasLeadingZeroes(std::string_view s) { return s.size() > 1 && s[0] == '0'; }

// Go's %q for the ASCII subset; other bytes are escaped as \xNN.
std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  out.push_back('"');
  return out;
}

// strconv.ParseUint(s, 10, 64) with Go's error texts.
StatusOr<uint64_t> ParseUint(std::string_view s) {
  if (s.empty()) return InvalidArgumentError("strconv.ParseUint: parsing " + Quote(s) + ": invalid syntax");
  uint64_t v = 0;
  for (char c : s) {
    if (!IsNumber(c)) return InvalidArgumentError("strconv.ParseUint: parsing " + Quote(s) + ": invalid syntax");
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) {
      return InvalidArgumentError("strconv.ParseUint: parsing " + Quote(s) + ": value out of range");
    }
    v = v * 10 + d;
  }
  return v;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t i = s.find(sep, start);
    if (i == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, i - start));
    start = i + 1;
  }
}

// strings.SplitN(s, sep, 3).
std::vector<std::string_view> SplitN3(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (out.size() < 2) {
    size_t i = s.find(sep, start);
    if (i == std::string_view::npos) break;
    out.push_back(s.substr(start, i - start));
    start = i + 1;
  }
  out.push_back(s.substr(start));
  return out;
}

int Cmp(uint64_t a, uint64_t b) { return a == b ? 0 : (a > b ? 1 : -1); }

int ComparePre(const Semver::PreRelease& a, const Semver::PreRelease& b) {
  if (a.is_numeric && !b.is_numeric) return -1;
  if (!a.is_numeric && b.is_numeric) return 1;
  if (a.is_numeric) return Cmp(a.number, b.number);
  int c = a.text.compare(b.text);
  return c == 0 ? 0 : (c > 0 ? 1 : -1);
}

}  // namespace

StatusOr<Semver> Semver::Parse(std::string_view s) {
  if (s.empty()) return InvalidArgumentError("Version string empty");
  std::vector<std::string_view> parts = SplitN3(s, '.');
  if (parts.size() != 3) return InvalidArgumentError("No Major.Minor.Patch elements found");

  Semver v;
  if (!ContainsOnlyNumbers(parts[0])) {
    return InvalidArgumentError("Invalid character(s) found in major number " + Quote(parts[0]));
  }
  if (HasLeadingZeroes(parts[0])) {
    return InvalidArgumentError("Major number must not contain leading zeroes " + Quote(parts[0]));
  }
  StatusOr<uint64_t> major = ParseUint(parts[0]);
  if (!major.ok()) return major.status();
  if (!ContainsOnlyNumbers(parts[1])) {
    return InvalidArgumentError("Invalid character(s) found in minor number " + Quote(parts[1]));
  }
  if (HasLeadingZeroes(parts[1])) {
    return InvalidArgumentError("Minor number must not contain leading zeroes " + Quote(parts[1]));
  }
  StatusOr<uint64_t> minor = ParseUint(parts[1]);
  if (!minor.ok()) return minor.status();
  v.major_ = *major;
  v.minor_ = *minor;

  std::string_view patch_str = parts[2];
  std::vector<std::string_view> build, prerelease;
  bool has_build = false, has_pre = false;
  if (size_t i = patch_str.find('+'); i != std::string_view::npos) {
    build = Split(patch_str.substr(i + 1), '.');
    has_build = true;
    patch_str = patch_str.substr(0, i);
  }
  if (size_t i = patch_str.find('-'); i != std::string_view::npos) {
    prerelease = Split(patch_str.substr(i + 1), '.');
    has_pre = true;
    patch_str = patch_str.substr(0, i);
  }
  if (!ContainsOnlyNumbers(patch_str)) {
    return InvalidArgumentError("Invalid character(s) found in patch number " + Quote(patch_str));
  }
  if (HasLeadingZeroes(patch_str)) {
    return InvalidArgumentError("Patch number must not contain leading zeroes " + Quote(patch_str));
  }
  StatusOr<uint64_t> patch = ParseUint(patch_str);
  if (!patch.ok()) return patch.status();
  v.patch_ = *patch;

  if (has_pre) {
    for (std::string_view p : prerelease) {
      if (p.empty()) return InvalidArgumentError("Prerelease is empty");
      PreRelease pr;
      if (ContainsOnlyNumbers(p)) {
        if (HasLeadingZeroes(p)) {
          return InvalidArgumentError("Numeric PreRelease version must not contain leading zeroes " + Quote(p));
        }
        StatusOr<uint64_t> n = ParseUint(p);
        if (!n.ok()) return n.status();
        pr.number = *n;
        pr.is_numeric = true;
      } else if (ContainsOnlyAlphanum(p)) {
        pr.text = std::string(p);
      } else {
        return InvalidArgumentError("Invalid character(s) found in prerelease " + Quote(p));
      }
      v.pre_.push_back(std::move(pr));
    }
  }
  if (has_build) {
    for (std::string_view b : build) {
      if (b.empty()) return InvalidArgumentError("Build meta data is empty");
      if (!ContainsOnlyAlphanum(b)) {
        return InvalidArgumentError("Invalid character(s) found in build meta data " + Quote(b));
      }
      v.build_.emplace_back(b);
    }
  }
  return v;
}

StatusOr<Semver> Semver::ParseNormalized(std::string_view s) {
  if (!s.empty() && s[0] == 'v') s.remove_prefix(1);
  std::vector<std::string_view> views = SplitN3(s, '.');
  std::vector<std::string> parts;
  for (std::string_view p : views) {
    std::string part(p);
    if (part.size() > 1) {
      size_t first = part.find_first_not_of('0');
      part = first == std::string::npos ? std::string() : part.substr(first);
      if (part.empty() || !IsNumber(part[0])) part = "0" + part;
    }
    parts.push_back(std::move(part));
  }
  if (parts.size() < 3) {
    if (parts.back().find_first_of("+-") != std::string::npos) {
      return InvalidArgumentError("short version cannot contain PreRelease/Build meta data");
    }
    while (parts.size() < 3) parts.emplace_back("0");
  }
  return Parse(parts[0] + "." + parts[1] + "." + parts[2]);
}

int Semver::Compare(const Semver& o) const {
  if (int c = Cmp(major_, o.major_); c != 0) return c;
  if (int c = Cmp(minor_, o.minor_); c != 0) return c;
  if (int c = Cmp(patch_, o.patch_); c != 0) return c;
  if (pre_.empty() && o.pre_.empty()) return 0;
  if (pre_.empty()) return 1;
  if (o.pre_.empty()) return -1;
  size_t i = 0;
  for (; i < pre_.size() && i < o.pre_.size(); ++i) {
    if (int c = ComparePre(pre_[i], o.pre_[i]); c != 0) return c;
  }
  if (i == pre_.size() && i == o.pre_.size()) return 0;
  return i == pre_.size() ? -1 : 1;
}

std::string Semver::ToString() const {
  std::string out = std::to_string(major_) + "." + std::to_string(minor_) + "." + std::to_string(patch_);
  for (size_t i = 0; i < pre_.size(); ++i) {
    out += i == 0 ? "-" : ".";
    out += pre_[i].is_numeric ? std::to_string(pre_[i].number) : pre_[i].text;
  }
  for (size_t i = 0; i < build_.size(); ++i) {
    out += i == 0 ? "+" : ".";
    out += build_[i];
  }
  return out;
}

}  // namespace allot::quantity
