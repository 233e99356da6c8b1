#include "service/extender/filter_reasons.h"

#include <algorithm>
#include <optional>

namespace allot::svc {

std::string FailedNodeText(const std::vector<alloc::Reason>& reasons) {
  if (reasons.empty()) return kGenericFailedNodeText;
  std::vector<std::string> entries;
  for (const alloc::Reason& r : reasons) {
    const size_t slash = r.claim.find('/');
    const std::string claim = slash == std::string::npos ? r.claim : r.claim.substr(slash + 1);
    std::string entry = "claim " + claim + ", request " + r.request + ": " +
                        std::string(alloc::ReasonCodeName(r.code)) + " (" +
                        std::string(alloc::ReasonCodeSummary(r.code)) + ")";
    if (std::find(entries.begin(), entries.end(), entry) == entries.end()) entries.push_back(std::move(entry));
  }
  std::string out;
  for (const std::string& e : entries) out += (out.empty() ? "" : "; ") + e;
  return out;
}

std::string FilterErrorText(const Status& status) {
  const std::optional<alloc::ReasonCode> code = alloc::ReasonCodeOfError(status);
  std::string message(status.message());
  if (!code.has_value()) return message;
  return std::string(alloc::ReasonCodeName(*code)) + ": " + message;
}

}  // namespace allot::svc
