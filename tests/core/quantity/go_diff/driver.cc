#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include "core/quantity/quantity.h"
#include "core/quantity/semver.h"
using namespace allot::quantity;
static std::string G(double f) { uint64_t b; std::memcpy(&b, &f, 8); char buf[32]; std::snprintf(buf, sizeof buf, "%llx", (unsigned long long)b); return buf; }
static std::string Q(const std::string& s) { std::string o = "\""; for (char c : s) { if (c == '"' || c == '\\') o += '\\'; o += c; } return o + "\""; }
int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.rfind("S ", 0) == 0) {
      auto v = Semver::Parse(line.substr(2));
      if (!v.ok()) std::printf("S %s ERR %s\n", Q(line.substr(2)).c_str(), std::string(v.status().message()).c_str());
      else std::printf("S %s %s %lld\n", Q(line.substr(2)).c_str(), v->ToString().c_str(), (long long)(int64_t)v->major());
      continue;
    }
    if (line.rfind("A ", 0) == 0) {
      std::istringstream is(line.substr(2)); std::string a, b; is >> a >> b;
      Quantity qa = *Quantity::Parse(a), qb = *Quantity::Parse(b);
      Quantity s = qa.Add(qb), d = qa.Sub(qb);
      std::printf("A %s %s add=%s/%s/%s sub=%s/%s/%s cmp=%d\n", a.c_str(), b.c_str(), s.ToString().c_str(), s.AsInt64() ? "true" : "false", G(s.AsApproximateFloat64()).c_str(),
        d.ToString().c_str(), d.AsInt64() ? "true" : "false", G(d.AsApproximateFloat64()).c_str(), qa.Compare(qb));
      continue;
    }
    auto q = Quantity::Parse(line);
    if (!q.ok()) { std::printf("%s ERR %s\n", Q(line).c_str(), std::string(q.status().message()).c_str()); continue; }
    auto i = q->AsInt64();
    std::printf("%s %s int=%s,%lld f=%s sign=%d fmt=%s v=%lld\n", Q(line).c_str(), q->ToString().c_str(), i ? "true" : "false", (long long)(i ? *i : 0), G(q->AsApproximateFloat64()).c_str(), q->Sign(), std::string(FormatName(q->format())).c_str(), (long long)q->Value());
  }
}
