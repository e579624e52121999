#include "collector/http/query_string.hpp"

namespace codepulse::collector {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      const int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
        return make_error("bad percent escape in '" + std::string(s.substr(0, 60)) + "'");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> parse_query_string(std::string_view q) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos < q.size()) {
    const size_t amp = q.find('&', pos);
    const std::string_view part =
        q.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    pos = amp == std::string_view::npos ? q.size() : amp + 1;
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    auto name = decode(part.substr(0, eq));
    if (!name) return name.error();
    auto value = decode(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1));
    if (!value) return make_error(*name + ": " + value.error().message);
    out.emplace_back(std::move(name).value(), std::move(value).value());
  }
  return out;
}

}  // namespace codepulse::collector
