#include "common/record/usage_columns.hpp"

namespace codepulse {
namespace {

template <class Fn>
std::string join_columns(Fn&& item) {
  std::string out;
  for (size_t i = 0; i < kUsageColumnCount; ++i) {
    if (i > 0) out += ", ";
    out += item(i, kUsageColumns[i]);
  }
  return out;
}

std::string pg_param(int n, ColumnKind kind, bool array) {
  return "$" + std::to_string(n) + "::" + usage_pg_type(kind) + (array ? "[]" : "");
}

}  // namespace

const char* usage_pg_type(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kText:
      return "text";
    case ColumnKind::kBool:
      return "integer";
    case ColumnKind::kInt:
    case ColumnKind::kOptInt:
      return "bigint";
  }
  return "text";
}

std::string usage_column_names(const std::string& prefix) {
  return join_columns([&](size_t, const UsageColumn& c) { return prefix + c.name; });
}

std::string usage_sqlite_placeholders(int first) {
  return join_columns([&](size_t i, const UsageColumn&) {
    return "?" + std::to_string(first + static_cast<int>(i));
  });
}

std::string usage_sqlite_assignments(int first) {
  return join_columns([&](size_t i, const UsageColumn& c) {
    return std::string(c.name) + "=?" + std::to_string(first + static_cast<int>(i));
  });
}

std::string usage_pg_params(int first, bool array) {
  return join_columns([&](size_t i, const UsageColumn& c) {
    return pg_param(first + static_cast<int>(i), c.kind, array);
  });
}

std::string usage_pg_assignments(int first) {
  return join_columns([&](size_t i, const UsageColumn& c) {
    return std::string(c.name) + " = " + pg_param(first + static_cast<int>(i), c.kind, false);
  });
}

}  // namespace codepulse
