#include "collector/analytics/clickhouse_levels.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "collector/analytics/clickhouse_report.hpp"
#include "collector/analytics/report_sql.hpp"
#include "collector/analytics/tsv_reply.hpp"
#include "collector/analytics/usage_export.hpp"
#include "collector/analytics/usage_rollup.hpp"
#include "common/report/date_keys.hpp"
#include "common/report/report_cut.hpp"

namespace codepulse::collector::analytics {
namespace {

using report::Dimension;

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDaySeconds = 86'400;
constexpr int64_t kBucketSeconds = 900;

bool column_dimension(Dimension d) {
  switch (d) {
    case Dimension::kModel:
    case Dimension::kRepo:
    case Dimension::kAuthor:
    case Dimension::kSession:
    case Dimension::kBranch:
    case Dimension::kAssistant:
      return true;
    default:
      return false;
  }
}

// Task and epic: split dimensions ClickHouse answers from the task split
// (usage_rollup.hpp, task_rows), whose rows are the groups' shares of one
// task each.
// The deepest report with a file level answered whole without --top (see
// levels_answer).
constexpr size_t kMaxFileLevels = 3;

bool task_dimension(Dimension d) {
  return d == Dimension::kTask || d == Dimension::kEpic;
}

// How a report reads the task split (or the file split): which columns
// its rows need beside the split's own (task_rows, file_rows), and the SQL
// of its task and epic filters and counting rules over them.
struct TaskSplit {
  TaskSplit(const report::ReportQuery& q, const report::EpicMap& epics)
      : q_(q), files_(q.uses(Dimension::kFile)) {
    for (const report::Filter& f : q.where) {
      if (f.dimension == Dimension::kTask)
        task_values_ += (task_values_.empty() ? "" : ", ") + sql_literal(f.value);
      if (f.dimension == Dimension::kEpic)
        epic_values_ += (epic_values_.empty() ? "" : ", ") + sql_literal(f.value);
    }
    epics_ = q.uses(Dimension::kEpic);
    sets_ = epics_ || !task_values_.empty();
    // The epic map written once, in the rows' subquery: a transform, a
    // task without an epic (or no map) "(no epic)".
    const std::string none = sql_literal(report::kNoEpic);
    std::string tasks, names;
    for (const auto& [t, e] : epics) {
      tasks += (tasks.empty() ? "" : ", ") + sql_literal(t);
      names += (names.empty() ? "" : ", ") + sql_literal(e);
    }
    epic_of_t_ =
        epics.empty() ? none : "transform(t, [" + tasks + "], [" + names + "], " + none + ")";
  }

  // The task split's rows of `split_rows` (a task_rows subquery), with
  // each row's task set (`tasks`) and the tasks' epics (`epics`, and the
  // row's `epic`) where the report needs them, of the tasks the filters
  // keep.
  std::string rows(const std::string& split_rows) const {
    std::string more;
    if (sets_) more += ", " + task_list_sql("task_keys") + " AS tasks";
    if (epics_)
      more += ", arrayMap(t -> " + epic_of_t_ + ", tasks) AS epics, epics[task_index] AS epic";
    if (more.empty()) return split_rows + " WHERE " + kept("task", "epic");
    return "(SELECT *" + more + " FROM " + split_rows + ") WHERE " + kept("task", "epic");
  }

  // Which of a group's rows counts its records (and unpriced records,
  // Skill and MCP calls) in a node at `depth`, as the cube counts a group
  // once per node, at the first of its kept shares that reaches the node
  // (the row's task is kept). Under a task level every row reaches its
  // own node; under an epic level, the first kept task of the same epic;
  // else the first kept task. And of the file split's rows, under a file
  // level each file's; else the first file's.
  std::string counting_row(size_t depth) const {
    bool task = false, epic = false, file = false;
    for (size_t i = 0; i < depth; ++i) {
      task = task || q_.group_by[i] == Dimension::kTask;
      epic = epic || q_.group_by[i] == Dimension::kEpic;
      file = file || q_.group_by[i] == Dimension::kFile;
    }
    std::string rule;
    if (task)
      rule = "1";
    else if (!sets_)
      rule = "task_index = 1";
    else if (!epics_)
      rule = "task_index = arrayFirstIndex(t -> " + kept("t", "e") + ", tasks)";
    else if (!epic)
      rule = "task_index = arrayFirstIndex((t, e) -> " + kept("t", "e") + ", tasks, epics)";
    else  // The row's epic outside the lambda (18.16 reads no column a
          // lambda captures unless a level above asks for it too); '' for
          // a task not kept (no epic is '': the stores read none, and a task
          // without one is "(no epic)").
      rule = "task_index = indexOf(arrayMap((t, e) -> if(" + kept("t", "e") +
             ", e, ''), tasks, epics), epic)";
    if (!files_ || file) return rule;
    return (rule == "1" ? "" : rule + " AND ") + "file_index = 1";
  }

 private:
  // Whether the task `task` of epic `epic` passes the task and epic filters.
  std::string kept(const std::string& task, const std::string& epic) const {
    std::string out = "1";
    if (!task_values_.empty()) out += " AND " + task + " IN (" + task_values_ + ")";
    if (!epic_values_.empty()) out += " AND " + epic + " IN (" + epic_values_ + ")";
    return out;
  }

  const report::ReportQuery& q_;
  const bool files_;  // the file split's rows
  std::string task_values_, epic_values_, epic_of_t_;
  bool epics_ = false;  // epic is a level or a filter: rows carry their epics
  bool sets_ = false;   // rows carry their task sets
};

// The zone's offsets over [first, end) (seconds): the offset at `first`,
// then each change as (its second, the offset from then on).
struct Offsets {
  int32_t initial = 0;
  std::vector<std::pair<int64_t, int32_t>> changes;
};
Offsets zone_offsets(const TimeZone& tz, int64_t first, int64_t end) {
  Offsets out;
  int32_t offset = out.initial = tz.offset_at(first);
  // Six-hour steps find every change (zones change at most twice a day),
  // then a bisection its exact second.
  constexpr int64_t kStep = 6 * 3600;
  for (int64_t t = first; t < end;) {
    const int64_t next = std::min(end, t + kStep);
    const int32_t later = tz.offset_at(next);
    if (later == offset) {
      t = next;
      continue;
    }
    int64_t lo = t, hi = next;  // offset at lo, another at hi
    while (hi - lo > 1) {
      const int64_t mid = lo + (hi - lo) / 2;
      (tz.offset_at(mid) == offset ? lo : hi) = mid;
    }
    offset = tz.offset_at(hi);
    out.changes.emplace_back(hi, offset);
    t = hi;
  }
  return out;
}

// The offset at the instant `s` (SQL, in seconds): a constant, or a
// multiIf of the changes.
std::string offset_expression(const Offsets& o, const std::string& s) {
  if (o.changes.empty()) return std::to_string(o.initial);
  std::string cases;
  int32_t offset = o.initial;
  for (const auto& [at, next] : o.changes) {
    cases += s + " < " + std::to_string(at) + ", " + std::to_string(offset) + ", ";
    offset = next;
  }
  return "multiIf(" + cases + std::to_string(offset) + ")";
}

// Whether every local day starts on a UTC hour: every offset, and every
// change's instant, a whole number of hours.
bool whole_hours(const Offsets& o) {
  if (o.initial % 3600 != 0) return false;
  for (const auto& [at, offset] : o.changes)
    if (at % 3600 != 0 || offset % 3600 != 0) return false;
  return true;
}

// The local day (days since 1970-01-01) of each row's quarter hour, as the
// cube reckons it: date_keys.hpp's local_day of the quarter hour's start.
std::string local_day_expression(const Offsets& o) {
  const std::string s = "(b * " + std::to_string(kBucketSeconds) + ")";
  return "intDiv(" + s + " + " + offset_expression(o, s) + ", " + std::to_string(kDaySeconds) + ")";
}

// A level's key as SQL: the cube's name of the value; dates as day numbers.
std::string key_expression(Dimension d, report::Granularity g, const std::string& day) {
  switch (d) {
    case Dimension::kTask:
      return "task";
    case Dimension::kEpic:
      return "epic";
    case Dimension::kFile:
      return "file";
    case Dimension::kModel:
      return "model";
    case Dimension::kRepo:
      return "repo";
    case Dimension::kSession:
      return "session";
    case Dimension::kAuthor:
      return "if(author = '', " + sql_literal(report::kUnknownAuthor) + ", author)";
    case Dimension::kBranch:
      return "if(branch = '', " + sql_literal(report::kNoBranch) + ", branch)";
    case Dimension::kAssistant:
      return "if(assistant = '', 'claude-code', assistant)";
    default:  // kDate: the day, the week's Monday or the month's first day
      if (g == report::Granularity::kWeek)
        return "toString(" + day + " - modulo(" + day + " + 3, 7))";
      if (g == report::Granularity::kMonth)
        return "toString(toUInt16(toStartOfMonth(toDate(" + day + "))))";
      return "toString(" + day + ")";
  }
}

// The columns after the keys, in order.
enum MetricColumn {
  kInput,
  kOutput,
  kCacheCreate,
  kCacheRead,
  kCost,
  kListCost,
  kRecords,
  kUnpriced,
  kSessions,
  kDays,
  kSkills,
  kMcp,
  kStale,
  kOversized,
  kMetricColumns,
};

// Distinct sessions by a 64-bit hash of their id: uniqExact of a String
// keeps a 128-bit hash of each, and hashing it and keeping the set took most
// of a whole report (at 100 million records, a year's model,repo 3.0 s by
// hand, 1.9 s with this). Two sessions' ids share a hash with odds of about
// n^2 / 2^65 (one in 20 million for a year's 1.3 million sessions), and then
// only the sessions count is one less.
constexpr const char* kSessionKey = "cityHash64(session)";

// Records of the rollups (or of dirty days' records summed alike) priced
// before the current prices; `counted`: the rows that count their records
// (counting_row).
std::string stale_rows(const ModelGenerations& generations, const std::string& counted) {
  return "sum(if((" + generations.stale_sql("model", "gen_min", "gen_max") + ") AND (" + counted +
         "), records, 0))";
}

std::string metric_columns(const std::string& day, const ModelGenerations& generations,
                           const std::string& counted) {
  const std::string c = "(" + counted + ")";
  return "sum(input), sum(output), sum(cache_create), sum(cache_read), sum(cost_nanos), "
         "sum(list_cost_nanos), sum(if(" +
         c + ", records, 0)), sum(if(priced = 0 AND " + c + ", records, 0)), uniqExact(" +
         std::string(kSessionKey) + "), uniqExact(" + day + "), sum(if(" + c +
         ", skills, 0)), sum(if(" + c + ", mcp, 0)), " + stale_rows(generations, counted);
}

struct Row {
  std::vector<std::string> keys;  // the path from the root, without the dots
  report::Metrics metrics;
};

// The report tree of rows sorted by path (a node before its children);
// false when a row's parent is missing.
bool build_tree(std::vector<Row>& rows, report::ReportNode& root) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.keys < b.keys; });
  std::vector<report::ReportNode*> path{&root};
  for (Row& r : rows) {
    if (r.keys.empty()) {
      root.metrics = r.metrics;
      continue;
    }
    if (path.size() < r.keys.size()) return false;
    for (size_t i = 1; i < r.keys.size(); ++i)
      if (path[i]->key != r.keys[i - 1]) return false;
    path.resize(r.keys.size());
    report::ReportNode node;
    node.key = std::move(r.keys.back());
    node.metrics = r.metrics;
    path.push_back(&path.back()->children.add(std::move(node)));
  }
  return true;
}

}  // namespace

bool levels_answer(const report::ReportQuery& q, bool seats) {
  if (seats || !report::UsageCube::answers(q) || q.wants_outcomes() || !q.scope.whole() ||
      q.min_group_size > 1)
    return false;
  for (Dimension d : q.group_by)
    if (!column_dimension(d) && !task_dimension(d) && d != Dimension::kDate &&
        d != Dimension::kFile)
      return false;
  // A file level multiplies the nodes: past three levels such a tree runs
  // to a million nodes or more (every one sent, then refused by the node
  // limit: 12-22 s and 2.9 GB at 10 million records, where the store's
  // records answer in 5-6 s), so deeper file reports are left to the store
  // unless --top cuts them (asked level by level, only the kept parents'
  // children are sent).
  if (q.uses(Dimension::kFile) && q.group_by.size() > kMaxFileLevels && q.top == 0) return false;
  // (A file filter would need each group's list of files.)
  for (const report::Filter& f : q.where)
    if (!column_dimension(f.dimension) && !task_dimension(f.dimension)) return false;
  return true;
}

Result<LevelReport> level_report(ClickHouseClient& ch, const report::ReportQuery& q,
                                 const ModelGenerations& generations,
                                 const report::EpicMap& epics) {
  if (!levels_answer(q, false))
    return make_error("ClickHouse cannot answer this report whole (see clickhouse_levels.hpp)");
  const int64_t since = q.since_ms.value_or(INT64_MIN), until = q.until_ms.value_or(INT64_MAX);
  const std::string filters = column_filters(q);
  bool split = false;  // by task or file: the task (or file) split's rows
  const bool by_file = q.uses(Dimension::kFile);  // by task and file: the file split's
  for (Dimension d : q.group_by)
    split = split || task_dimension(d) || d == Dimension::kFile;
  for (const report::Filter& f : q.where)
    split = split || task_dimension(f.dimension);
  const size_t levels = q.group_by.size();
  // With --top over two levels or more, the tree is asked level by level:
  // each level's nodes under the parents the cut keeps (the others' are
  // never sent), as cut_top would keep them of the whole tree.
  const bool stepwise = q.top > 0 && levels >= 2;

  // What the replies say, gathered over the steps of one try.
  std::vector<Row> rows;
  std::optional<Error> bad;
  std::vector<report::UnpricedModel> unpriced;
  int64_t stale_total = 0;  // records priced before the current prices
  int64_t oversized = 0;    // groups the file split could not split exactly
  const auto read_reply = [&](const std::string& reply) -> Status {
    std::vector<std::string> f;
    each_line(reply, [&](std::string_view line) {
      const size_t width = 2 + levels + kMetricColumns;
      Row r;
      report::Metrics& m = r.metrics;
      int64_t stale = 0, over = 0;
      const std::string* c = nullptr;
      if (split_tsv_line(line, width, f)) c = &f[2 + levels];
      if (!c || !parse_int(c[kInput], m.input) || !parse_int(c[kOutput], m.output) ||
          !parse_int(c[kCacheCreate], m.cache_create) || !parse_int(c[kCacheRead], m.cache_read) ||
          !parse_int(c[kCost], m.cost_nanos) || !parse_int(c[kListCost], m.list_cost_nanos) ||
          !parse_int(c[kRecords], m.records) || !parse_int(c[kUnpriced], m.unpriced_records) ||
          !parse_int(c[kSessions], m.sessions) || !parse_int(c[kDays], m.active_days) ||
          !parse_int(c[kSkills], m.skill_calls) || !parse_int(c[kMcp], m.mcp_calls) ||
          !parse_int(c[kStale], stale) || !parse_int(c[kOversized], over)) {
        bad = unreadable_row(ch, "the report's nodes", line);
        return false;
      }
      oversized = std::max(oversized, over);
      if (m.records == 0) return true;  // an empty range's total
      if (stale > 0 || stale_total > 0) {
        // The root's count is the range's: the largest of any row.
        stale_total = std::max(stale_total, stale);
        return true;
      }
      int depth = 0;
      if (!parse_int(f[0], depth) || depth < -1 || depth > static_cast<int>(levels)) {
        bad = unreadable_row(ch, "the report's nodes", line);
        return false;
      }
      if (depth < 0) {  // an unpriced model
        unpriced.push_back({f[1], m.unpriced_records, m.total_tokens()});
        return true;
      }
      m.effective_cost_nanos = m.cost_nanos;  // no seats to spread
      for (int i = 0; i < depth; ++i)
        r.keys.push_back(std::move(f[2 + static_cast<size_t>(i)]));
      rows.push_back(std::move(r));
      return true;
    });
    if (bad) return *bad;
    return {};
  };
  // Dates come back as day numbers: their keys, as the cube writes them.
  const auto report_keys = [&](std::vector<std::string>& keys) -> Status {
    for (size_t level = 0; level < keys.size(); ++level) {
      if (q.group_by[level] != Dimension::kDate) continue;
      int64_t day = 0;
      if (!parse_int(keys[level], day))
        return unreadable_row(ch, "the report's nodes", keys[level]);
      keys[level] = report::date_key(day, q.granularity);
    }
    return {};
  };
  // The tree of the rows so far, keys as the cube writes them, cut.
  const auto cut_tree = [&](std::vector<Row> of, report::ReportNode& root) -> Status {
    for (Row& r : of)
      if (auto keys = report_keys(r.keys); !keys) return keys;
    if (!build_tree(of, root))
      return make_error("ClickHouse at " + ch.target().display() +
                        ": the report's nodes came back without one of their parents");
    if (q.top > 0) report::cut_top(root, q);
    return {};
  };

  auto reply = query_rollups(ch, since, until, [&](const DayStates& days) {
    rows.clear();
    unpriced.clear();
    stale_total = oversized = 0;
    // The zone's offsets over the days that hold usage, a day either side.
    int64_t first = INT64_MAX, end = INT64_MIN;
    for (const auto& [day, epoch] : days.clean) {
      first = std::min(first, day);
      end = std::max(end, day + kDayMs);
    }
    for (int64_t day : days.dirty) {
      first = std::min(first, day);
      end = std::max(end, day + kDayMs);
    }
    if (first > end) first = end = 0;
    const Offsets offsets = zone_offsets(q.tz, (first - kDayMs) / 1000, (end + kDayMs) / 1000);
    const std::string day = local_day_expression(offsets);
    // Hours hold the same local days as their quarter hours where the zone
    // keeps whole hours and the range starts and ends on one.
    const bool on_hours = (since == INT64_MIN || since % kHourMs == 0) &&
                          (until == INT64_MAX || until % kHourMs == 0);
    const RollupGrain grain = on_hours && whole_hours(offsets) && !by_file
                                  ? RollupGrain::kHour
                                  : RollupGrain::kQuarterHour;
    // What the query's steps are made of (kept with the steps).
    struct Parts {
      std::string day, source, oversized;
      std::vector<std::string> keys, rules;
      std::vector<size_t> rule_of;
    };
    auto parts = std::make_shared<Parts>();
    parts->day = day;
    for (Dimension d : q.group_by)
      parts->keys.push_back(key_expression(d, q.granularity, day));
    // The rows: groups, or the groups' shares of their tasks, those of
    // tasks the filters keep. The dirty days' split is made once for both
    // parts and every step of the query (dirty_split); asked level by
    // level, a report's dirty days' groups too, so every step reads the
    // same records.
    const TaskSplit tasks(q, epics);
    DirtySplit dirty;
    if (split || stepwise)
      dirty = dirty_split(!split    ? SplitKind::kGroups
                          : by_file ? SplitKind::kFile
                                    : SplitKind::kTask,
                          ch.target().database, days, since, until, filters);
    const auto rows_of = [&](const std::string& where) {
      if (!split) return group_rows(days, since, until, where, grain, dirty.table);
      if (by_file) return tasks.rows(file_rows(days, since, until, where, dirty.table));
      return tasks.rows(task_rows(days, since, until, where, grain, dirty.table));
    };
    parts->source = rows_of(filters);
    // Groups whose file split could not be made exact in 64 bits.
    parts->oversized = by_file ? "sum(oversized)" : "toUInt64(0)";
    // Which rows count their groups' records at each depth; one set of
    // counted columns per distinct rule.
    for (size_t depth = 0; depth <= levels; ++depth) {
      const std::string rule = split ? tasks.counting_row(depth) : "1";
      auto it = std::find(parts->rules.begin(), parts->rules.end(), rule);
      parts->rule_of.push_back(static_cast<size_t>(it - parts->rules.begin()));
      if (it == parts->rules.end()) parts->rules.push_back(rule);
    }
    // The nodes of `depths` (grouped by the first `used` levels' keys) of
    // the rows that meet `restriction` (on the keys lk0...): one pass over
    // the rows, the deepest level's groups with their distinct sessions and
    // days as uniqExact states, then every depth from those groups (sums
    // of sums, merged states: exact). (18.16's WITH ROLLUP may return a
    // level's row more than once over a subquery, which distinct counts
    // cannot add.)
    const auto nodes_sql = [parts, split, &generations](size_t used,
                                                        const std::vector<size_t>& depths,
                                                        const std::string& restriction) {
      const Parts& p = *parts;
      // sum(<the column of each depth's rule>) over the depths.
      const auto by_depth = [&p](const std::string& column) {
        if (p.rules.size() == 1) return "sum(" + column + "0)";
        std::string cases;
        for (size_t depth = 0; depth + 1 < p.rule_of.size(); ++depth)
          cases += "depth = " + std::to_string(depth) + ", " + column +
                   std::to_string(p.rule_of[depth]) + ", ";
        return "sum(multiIf(" + cases + column + std::to_string(p.rule_of.back()) + "))";
      };
      std::string inner, group, outer_keys, outer_group = "depth", depth_list;
      for (size_t i = 0; i < p.keys.size(); ++i) {
        if (i >= used) {
          outer_keys += "'', ";
          continue;
        }
        const std::string k = "lk" + std::to_string(i);
        inner += p.keys[i] + " AS " + k + ", ";
        group += (group.empty() ? " GROUP BY " : ", ") + k;
        const std::string masked = "if(depth > " + std::to_string(i) + ", " + k + ", '')";
        outer_keys += masked + ", ";
        outer_group += ", " + masked;
      }
      for (size_t depth : depths)
        depth_list += (depth_list.empty() ? "" : ", ") + std::to_string(depth);
      inner +=
          "sum(input) AS li, sum(output) AS lo, sum(cache_create) AS lcc, sum(cache_read) AS "
          "lcr, sum(cost_nanos) AS lc, sum(list_cost_nanos) AS llc, uniqExactState(" +
          std::string(kSessionKey) + ") AS ls, uniqExactState(" + p.day + ") AS ld, " +
          stale_rows(generations, p.rules[p.rule_of[0]]) + " AS lst, " + p.oversized + " AS lov";
      for (size_t r = 0; r < p.rules.size(); ++r) {
        const std::string c = "(" + p.rules[r] + ")", n = std::to_string(r);
        inner += ", sum(if(" + c + ", records, 0)) AS lr" + n + ", sum(if(priced = 0 AND " + c +
                 ", records, 0)) AS lu" + n + ", sum(if(" + c + ", skills, 0)) AS lsk" + n +
                 ", sum(if(" + c + ", mcp, 0)) AS lm" + n;
      }
      // The task split's source ends in a WHERE of its own.
      const std::string narrowed =
          restriction.empty() ? "" : (split ? " AND " : " WHERE ") + restriction;
      return "SELECT toInt8(depth), '', " + outer_keys +
             "sum(li), sum(lo), sum(lcc), sum(lcr), sum(lc), sum(llc), " + by_depth("lr") + ", " +
             by_depth("lu") + ", uniqExactMerge(ls), uniqExactMerge(ld), " + by_depth("lsk") +
             ", " + by_depth("lm") + ", sum(lst), sum(lov) FROM (SELECT " + inner + " FROM " +
             p.source + narrowed + group + ") ARRAY JOIN [" + depth_list + "] AS depth GROUP BY " +
             outer_group;
    };
    // Each row says its depth first; the unpriced records' models ride
    // along as rows of depth -1 (the model in the second column), from
    // their own source, filtered inside: ClickHouse then reads the priced
    // column alone for most of the rows (0.4 s -> 0.02 s for a year at 100
    // million records), where a filter on the whole source read it all.
    std::string no_keys;
    for (size_t i = 0; i < levels; ++i)
      no_keys += "'', ";
    const std::string unpriced_models =
        "SELECT toInt8(-1), model, " + no_keys +
        metric_columns(day, generations, parts->rules[parts->rule_of[0]]) + ", " +
        parts->oversized + " FROM " + rows_of(filters + " AND priced = 0") + " GROUP BY model";
    std::vector<size_t> all_depths, first_two = {0, 1};
    for (size_t depth = 0; depth <= levels; ++depth)
      all_depths.push_back(depth);
    RollupQuery out(std::move(dirty),
                    nodes_sql(stepwise ? 1 : levels, stepwise ? first_two : all_depths, "") +
                        " UNION ALL " + unpriced_models + " FORMAT TabSeparated");
    size_t asked = stepwise ? 1 : levels;  // the deepest level asked so far
    // Each reply read; then, level by level, the next level's nodes under
    // the parents the cut keeps. (It outlives this callback: it holds the
    // parts it needs, and refers to level_report's own state only.)
    out.next =
        [&read_reply, &report_keys, &cut_tree, &rows, &stale_total, &oversized, levels, asked,
         nodes_sql](const std::string& answer) mutable -> Result<std::optional<std::string>> {
      if (auto read = read_reply(answer); !read) return read.error();
      if (asked >= levels || stale_total > 0 || oversized > 0 || rows.empty())
        return std::optional<std::string>();
      // The parents the cut keeps at the deepest level so far, by the
      // keys ClickHouse returned.
      std::map<std::vector<std::string>, std::vector<std::string>> returned_keys;
      for (const Row& r : rows) {
        if (r.keys.size() != asked) continue;
        std::vector<std::string> shown = r.keys;
        if (auto keys = report_keys(shown); !keys) return keys.error();
        returned_keys.emplace(std::move(shown), r.keys);
      }
      report::ReportNode root;
      if (auto cut = cut_tree(rows, root); !cut) return cut.error();
      std::string kept;
      std::vector<std::string> path;
      const std::function<void(const report::ReportNode&)> walk =
          [&](const report::ReportNode& node) {
            for (const report::ReportNode& child : node.children) {
              if (child.others) continue;
              path.push_back(child.key);
              if (path.size() < asked) {
                walk(child);
              } else if (auto it = returned_keys.find(path); it != returned_keys.end()) {
                std::string tuple;
                for (const std::string& k : it->second)
                  tuple += (tuple.empty() ? "" : ", ") + sql_literal(k);
                kept += (kept.empty() ? "" : ", ") + (asked > 1 ? "(" + tuple + ")" : tuple);
              }
              path.pop_back();
            }
          };
      walk(root);
      if (kept.empty()) return std::optional<std::string>();
      std::string columns;
      for (size_t i = 0; i < asked; ++i)
        columns += (columns.empty() ? "" : ", ") + ("toString(lk" + std::to_string(i) + ")");
      if (asked > 1) columns = "(" + columns + ")";
      ++asked;
      return std::optional<std::string>(nodes_sql(asked, {asked}, columns + " IN (" + kept + ")") +
                                        " FORMAT TabSeparated");
    };
    return out;
  });
  if (!reply) return reply.error();

  LevelReport out;
  if (stale_total > 0) {
    out.stale_reason = generations.stale_reason(stale_total);
    return out;
  }
  if (oversized > 0) {
    out.stale_reason = "ClickHouse's file split holds " + std::to_string(oversized) +
                       " groups in the range whose turns changed too many lines to split "
                       "exactly in 64 bits";
    return out;
  }
  reply->clear();
  reply->shrink_to_fit();
  out.rows = static_cast<int64_t>(rows.size());
  // Without --top each row but the root's is a node of the tree: one past
  // the node limit is refused before it is built (at 100 million records
  // a 90-day task,repo,author,date of 424,315 nodes).
  if (q.top == 0 && q.max_nodes > 0) {
    const auto nodes = static_cast<size_t>(
        std::count_if(rows.begin(), rows.end(), [](const Row& r) { return !r.keys.empty(); }));
    if (nodes > q.max_nodes) return report::too_many_nodes(nodes, q.max_nodes);
  }
  report::Report report;
  if (auto cut = cut_tree(std::move(rows), report.root); !cut) return cut.error();
  if (q.max_nodes > 0) {
    const size_t n = report::count_nodes(report.root);
    if (n > q.max_nodes) return report::too_many_nodes(n, q.max_nodes);
  }
  std::sort(unpriced.begin(), unpriced.end(),
            [](const report::UnpricedModel& a, const report::UnpricedModel& b) {
              if (a.requests != b.requests) return a.requests > b.requests;
              return a.model < b.model;
            });
  report.unpriced = std::move(unpriced);
  report.query = q;
  out.report = std::move(report);
  return out;
}

}  // namespace codepulse::collector::analytics
