#include "service/kubectl/yaml_output.h"

#include <yaml-cpp/yaml.h>

namespace allot::svc::kubectl {
namespace {

// True when the plain (unquoted) scalar `s` would not read back as this string: empty, a YAML 1.1/1.2
// null, bool or number, or text yaml-cpp may not emit plainly. Quoting more than needed is harmless.
bool NeedsQuotes(const std::string& s) {
  if (s.empty()) return true;
  static const char* const kReserved[] = {"null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False",
                                          "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON",
                                          "off", "Off", "OFF", "y", "Y", "n", "N", ".nan", ".NaN", ".inf", ".Inf",
                                          "-.inf", "-.Inf", "+.inf"};
  for (const char* r : kReserved) {
    if (s == r) return true;
  }
  // Anything that starts like a number (digits, sign, dot) is quoted rather than classified exactly.
  char c = s[0];
  if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  for (char ch : s) {
    if (ch == ':' || ch == '#' || ch == '\n' || ch == '"' || ch == '\'' || ch == '\t' || ch == '\\') return true;
  }
  static const std::string kIndicators = "[]{},&*!|>%@`?";
  return kIndicators.find(c) != std::string::npos;
}

void Emit(YAML::Emitter& out, const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      if (value.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
      }
      out << YAML::BeginMap;
      for (auto it = value.begin(); it != value.end(); ++it) {
        out << YAML::Key;
        if (NeedsQuotes(it.key())) out << YAML::DoubleQuoted;
        out << it.key() << YAML::Value;
        Emit(out, it.value());
      }
      out << YAML::EndMap;
      return;
    case nlohmann::json::value_t::array:
      if (value.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
      }
      out << YAML::BeginSeq;
      for (const auto& item : value) Emit(out, item);
      out << YAML::EndSeq;
      return;
    case nlohmann::json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      if (NeedsQuotes(s)) out << YAML::DoubleQuoted;
      out << s;
      return;
    }
    case nlohmann::json::value_t::boolean:
      out << value.get<bool>();
      return;
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      out << YAML::Null;
      return;
    default:  // numbers: JSON's own text is valid YAML
      out << value.dump();
      return;
  }
}

}  // namespace

std::string JsonToYaml(const nlohmann::json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  out.SetMapFormat(YAML::Block);
  Emit(out, value);
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text.push_back('\n');
  return text;
}

}  // namespace allot::svc::kubectl
