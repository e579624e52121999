// The usage record's columns, listed once. Every store (the tracker's queue,
// the collector's SQLite and PostgreSQL stores) names, binds and reads the
// fields below from this list; adding a field to UsageRecord is one line here
// plus a migration in each store's schema.
//
// Listed: the fields every store keeps the same way. Each store adds its own
// key columns around them (the tracker's dedupe key, hashes and author; the
// collector's author, uid, revision and device) and the tools, which are
// stored encoded (common/tool_codec.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/record/usage_record.hpp"

namespace codepulse {

// How a field is stored: SQLite INTEGER / PostgreSQL bigint for kInt and
// kOptInt (NULL when absent), integer 0/1 for kBool, text for kText.
enum class ColumnKind : uint8_t { kText, kInt, kBool, kOptInt };

// X(column, UsageRecord member, ColumnKind, wire name in proto/)
#define CODEPULSE_USAGE_COLUMNS(X)                                   \
  X(message_id, message_id, kText, "message_id")                     \
  X(request_id, request_id, kText, "request_id")                     \
  X(ts_ms, timestamp_ms, kInt, "timestamp")                          \
  X(session_id, session_id, kText, "session_id")                     \
  X(sidechain, sidechain, kBool, "sidechain")                        \
  X(agent_id, agent_id, kText, "agent_id")                           \
  X(model, model, kText, "model")                                    \
  X(input, input, kInt, "input_tokens")                              \
  X(output, output, kInt, "output_tokens")                           \
  X(cache_create_5m, cache_create_5m, kInt, "cache_write_5m_tokens") \
  X(cache_create_1h, cache_create_1h, kInt, "cache_write_1h_tokens") \
  X(cache_read, cache_read, kInt, "cache_read_tokens")               \
  X(web_search, web_search_requests, kInt, "web_search_requests")    \
  X(fast, fast, kBool, "fast")                                       \
  X(cost_nanos, cost_nanos, kOptInt, "cost_nanos")                   \
  X(long_context, long_context, kBool, "long_context")               \
  X(price_version, price_version, kText, "price_version")            \
  X(cc_version, cc_version, kText, "claude_code_version")            \
  X(repo, repo, kText, "repo")                                       \
  X(branch, branch, kText, "branch")                                 \
  X(task_keys, task_keys, kText, "task_keys")                        \
  X(turn_id, turn_id, kText, "turn_id")                              \
  X(web_fetch, web_fetch_requests, kInt, "web_fetch_requests")       \
  X(inference_geo, inference_geo, kText, "inference_geo")            \
  X(iteration, iteration, kInt, "iteration")                         \
  X(assistant, assistant, kText, "assistant")                        \
  X(reasoning, reasoning, kInt, "reasoning_tokens")

struct UsageColumn {
  const char* name;  // the column in every store
  ColumnKind kind;
  const char* wire_name;  // the field in a batch (proto/wire_batch.cpp)
};

inline constexpr UsageColumn kUsageColumns[] = {
#define CODEPULSE_USAGE_COLUMN_ENTRY(column, member, kind, wire) {#column, ColumnKind::kind, wire},
    CODEPULSE_USAGE_COLUMNS(CODEPULSE_USAGE_COLUMN_ENTRY)
#undef CODEPULSE_USAGE_COLUMN_ENTRY
};
inline constexpr size_t kUsageColumnCount = sizeof kUsageColumns / sizeof kUsageColumns[0];

// Calls fn(index, field) for every listed field of `r`, in the list's order;
// field is a std::string, int64_t, bool or std::optional<int64_t> (const
// when r is). Stores bind and read through this, so the order is the list's.
template <class Record, class Fn>
void for_each_usage_field(Record& r, Fn&& fn) {
  size_t index = 0;
#define CODEPULSE_USAGE_FIELD_VISIT(column, member, kind, wire) fn(index++, r.member);
  CODEPULSE_USAGE_COLUMNS(CODEPULSE_USAGE_FIELD_VISIT)
#undef CODEPULSE_USAGE_FIELD_VISIT
}

// SQL text derived from the list, for statements that name the columns:
// "message_id, request_id, ..."; with a prefix "p.message_id, p.request_id, ...".
std::string usage_column_names(const std::string& prefix = "");
// SQLite "?N, ?N+1, ..." and "message_id=?N, request_id=?N+1, ..." from `first`.
std::string usage_sqlite_placeholders(int first);
std::string usage_sqlite_assignments(int first);
// PostgreSQL "$N::text, $N+1::text, ..." and "message_id = $N::text, ..." from
// `first`; `array` casts to arrays ("$N::text[]") for unnest() over a batch.
std::string usage_pg_params(int first, bool array = false);
std::string usage_pg_assignments(int first);
// The column's PostgreSQL type: text, bigint or integer.
const char* usage_pg_type(ColumnKind kind);

}  // namespace codepulse
