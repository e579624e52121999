#include "collector/analytics/tsv_reply.hpp"

namespace codepulse::collector::analytics {

bool split_tsv_line(std::string_view line, size_t expected, std::vector<std::string>& fields) {
  fields.resize(expected);
  size_t n = 0;
  fields[0].clear();
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\t') {
      if (++n >= expected) return false;
      fields[n].clear();
      continue;
    }
    if (c != '\\' || i + 1 == line.size()) {
      fields[n].push_back(c);
      continue;
    }
    const char e = line[++i];
    switch (e) {
      case 'n':
        fields[n].push_back('\n');
        break;
      case 't':
        fields[n].push_back('\t');
        break;
      case 'r':
        fields[n].push_back('\r');
        break;
      case 'b':
        fields[n].push_back('\b');
        break;
      case 'f':
        fields[n].push_back('\f');
        break;
      case '0':
        fields[n].push_back('\0');
        break;
      default:  // \\ \' and any other escaped character stand for themselves
        fields[n].push_back(e);
    }
  }
  return n + 1 == expected;
}

Error unreadable_row(const ClickHouseClient& ch, std::string_view what, std::string_view line) {
  return make_error("ClickHouse at " + ch.target().display() + ": an unreadable row of " +
                    std::string(what) + ": '" + std::string(line.substr(0, 200)) + "'");
}

}  // namespace codepulse::collector::analytics
