// SplitView: the pieces of `text` between `sep` characters, as views into `text` (which must outlive
// them). "a,,b" gives {"a", "", "b"}; "" gives {}; a trailing separator gives no empty last piece.
//
// Thread safety: pure function.
#pragma once

#include <string_view>
#include <vector>

namespace allot {

inline std::vector<std::string_view> SplitView(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace allot
