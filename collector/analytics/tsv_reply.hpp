// analytics: reading ClickHouse's TabSeparated replies: lines, fields with
// their escapes undone, whole integers.
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "collector/analytics/clickhouse_client.hpp"
#include "common/result.hpp"

namespace codepulse::collector::analytics {

// One line of a TabSeparated reply split into its fields, escapes undone
// ("\t", "\n", "\\", "\'", "\0", ...). False when the line has not
// `expected` fields.
bool split_tsv_line(std::string_view line, size_t expected, std::vector<std::string>& fields);

// The error of a reply line that does not read as `what`'s row (its first
// 200 bytes: rows carry allowlisted fields only).
Error unreadable_row(const ClickHouseClient& ch, std::string_view what, std::string_view line);

// Calls `fn` with each line of a reply; false from `fn` stops (and is
// returned).
template <class Fn>
bool each_line(std::string_view reply, Fn&& fn) {
  while (!reply.empty()) {
    const size_t nl = reply.find('\n');
    const std::string_view line = reply.substr(0, nl);
    reply = nl == std::string_view::npos ? std::string_view() : reply.substr(nl + 1);
    if (!fn(line)) return false;
  }
  return true;
}

// The whole of `s` as an integer.
template <class Int>
bool parse_int(std::string_view s, Int& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace codepulse::collector::analytics
