#include "collector/analytics/session_facts.hpp"

#include <algorithm>
#include <string_view>

#include "collector/analytics/report_sql.hpp"
#include "collector/analytics/tsv_reply.hpp"
#include "common/checked_sum.hpp"
#include "common/tool_codec.hpp"

namespace codepulse::collector::analytics {
namespace {

// What the query returns, in order.
enum Column {
  kSession,
  kLatest,  // author, repo and branch joined by NUL
  kFirst,
  kLast,
  kFirstEdit,
  kLastEdit,
  kEditedFiles,
  kModels,
  kAssistants,
  kCommitTools,
  kStale,
  kColumns,
};

// Lists come joined by NUL, which no stored string holds (batches refuse
// control characters). `keep_empty`: "" is one empty element (a model or
// assistant may be ''), else no element.
std::vector<std::string> split_list(std::string_view joined, bool keep_empty) {
  std::vector<std::string> out;
  if (joined.empty() && !keep_empty) return out;
  while (true) {
    const size_t nul = joined.find('\0');
    out.emplace_back(joined.substr(0, nul));
    if (nul == std::string_view::npos) return out;
    joined.remove_prefix(nul + 1);
  }
}

}  // namespace

Result<SessionFacts> session_facts(ClickHouseClient& ch, int64_t since_ms, int64_t until_ms,
                                   int64_t margin_ms, const ModelGenerations& generations) {
  constexpr int64_t kDayMs = 86'400'000;
  // An open bound stays open; a bound moved past the int64 range opens.
  auto widen = [](int64_t t, int64_t by) {
    if (t != INT64_MIN && t != INT64_MAX) add_checked(t, by);
    return t;
  };
  // The sessions a report links (UsageCube::session_activity): active in
  // [since - margin, until + margin], or a day further out with a
  // reported commit.
  const int64_t from = widen(since_ms, -margin_ms), to = widen(until_ms, margin_ms);
  const std::string linked = "SELECT session FROM usage_facts WHERE " +
                             fact_range(widen(from, -kDayMs), widen(widen(to, 1), kDayMs)) +
                             " AND ((" + fact_range(from, widen(to, 1)) +
                             ") OR position(tools, '\"sha\":') > 0)";
  // A record edited when one of its files has a change call (file_effect):
  // fold_tools' rule. The latest record by time, then id, as a scan in id
  // order folds them (one argMax of the three: comparing tuples is slow).
  // Commit shas from the tool calls that carry one. Each session whole,
  // over all its records, as the live cube holds it. (The sessions are
  // found without FINAL: a record's older revision names its session too.)
  const std::string edited = "arrayExists(c -> c > 0, file_changes)";
  auto reply = ch.execute(
      "SELECT session, argMax(concat(author, '\\0', repo, '\\0', branch), (ts_ms, "
      "record_id)), min(ts_ms), max(ts_ms), minIf(ts_ms, " +
      edited + "), maxIf(ts_ms, " + edited +
      "), arrayStringConcat(groupUniqArrayArray(arrayFilter((p, c) -> c > 0, file_paths, "
      "file_changes)), '\\0'), arrayStringConcat(groupUniqArray(model), '\\0'), "
      "arrayStringConcat(groupUniqArray(assistant), '\\0'), "
      "arrayStringConcat(groupArrayIf(tools, position(tools, '\"sha\":') > 0), '\\0'), sum(" +
      generations.stale_fact_sql() + ") FROM usage_facts FINAL PREWHERE session GLOBAL IN (" +
      linked + ") GROUP BY session FORMAT TabSeparated");
  if (!reply) return reply.error();
  SessionFacts out;
  std::vector<std::string> f;
  std::optional<Error> bad;
  each_line(*reply, [&](std::string_view line) {
    report::SessionFact s;
    int64_t stale = 0;
    if (!split_tsv_line(line, kColumns, f) || !parse_int(f[kFirst], s.first_ms) ||
        !parse_int(f[kLast], s.last_ms) || !parse_int(f[kFirstEdit], s.first_edit_ms) ||
        !parse_int(f[kLastEdit], s.last_edit_ms) || !parse_int(f[kStale], stale)) {
      bad = unreadable_row(ch, "the report's sessions", line);
      return false;
    }
    out.stale += stale;
    std::vector<std::string> latest = split_list(f[kLatest], true);
    if (latest.size() != 3) {
      bad = unreadable_row(ch, "the report's sessions", line);
      return false;
    }
    s.session = std::move(f[kSession]);
    s.author = std::move(latest[0]);
    s.repo = std::move(latest[1]);
    s.branch = std::move(latest[2]);
    s.edited_files = split_list(f[kEditedFiles], false);
    s.models = split_list(f[kModels], true);
    s.assistants = split_list(f[kAssistants], true);
    for (const std::string& json : split_list(f[kCommitTools], false)) {
      auto tools = decode_tools(json);
      if (!tools) {
        bad = unreadable_row(ch, "a session's tool calls", line);
        return false;
      }
      for (const ToolUse& tool : *tools)
        if (tool.git_commit && !tool.commit_sha.empty() &&
            std::find(s.commit_shas.begin(), s.commit_shas.end(), tool.commit_sha) ==
                s.commit_shas.end())
          s.commit_shas.push_back(tool.commit_sha);
    }
    out.sessions.push_back(std::move(s));
    return true;
  });
  if (bad) return *bad;
  return out;
}

}  // namespace codepulse::collector::analytics
