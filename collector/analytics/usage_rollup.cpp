#include "collector/analytics/usage_rollup.hpp"

#include <functional>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "collector/analytics/fact_mutations.hpp"
#include "collector/analytics/tsv_reply.hpp"
#include "collector/analytics/usage_export.hpp"
#include "common/report/attribution.hpp"
#include "common/time.hpp"

namespace codepulse::collector::analytics {
namespace {

constexpr int64_t kQuarterHourMs = 900'000;
constexpr uint64_t kGenerationMask = (uint64_t{1} << kGenerationBits) - 1;

int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : (a - b + 1) / b;
}

// The day of a "YYYY-MM-DD" field, as its start in ms.
bool parse_day(std::string_view s, int64_t& day_ms) {
  auto d = parse_date_bound_ms(s, 0);
  if (!d) return false;
  day_ms = *d;
  return true;
}

uint64_t epoch_second(uint64_t epoch) {
  return epoch >> kEpochRandomBits;
}

// The group key of a rollup row and of a fact summed into one; of an hour's.
constexpr const char* kGroupKey =
    "day, bucket, author, session, model, repo, branch, task_keys, assistant, priced";
constexpr const char* kHourGroupKey =
    "day, epoch, hour_bucket, author, session, model, repo, branch, assistant, priced";
constexpr int64_t kHourMs = 3'600'000;

// Every table of rollup rows, each with the rows that count a group's
// records once (the task split's rows each hold their whole group's).
struct RollupTable {
  const char* name;
  const char* counted;
};
constexpr RollupTable kRollupTables[] = {{"usage_rollup", "1"},
                                         {"usage_rollup_hour", "1"},
                                         {"usage_rollup_task", "task_index = 1"},
                                         {"usage_rollup_task_hour", "task_index = 1"}};

// Each day's last mark and current epoch (0: none) in [first, end), and the
// server's clock (its second; 0 when no day has either).
struct DayMarks {
  std::map<int64_t, std::pair<uint64_t, uint64_t>> days;
  uint64_t now_s = 0;
};
Result<DayMarks> marks_and_epochs(ClickHouseClient& ch, int64_t first_day_ms, int64_t end_day_ms) {
  std::string range = "1";
  if (first_day_ms > INT64_MIN) range += " AND day >= " + sql_date(first_day_ms);
  if (end_day_ms < INT64_MAX) range += " AND day < " + sql_date(end_day_ms);
  auto reply = ch.execute(
      "SELECT toString(day), max(m), max(e), toUInt32(now()) FROM (SELECT day, "
      "toUInt64(max(marked)) AS m, toUInt64(0) AS e FROM rollup_dirty WHERE " +
      range +
      " GROUP BY day UNION ALL SELECT day, toUInt64(0) AS m, max(epoch) AS e FROM "
      "rollup_epochs WHERE " +
      range + " GROUP BY day) GROUP BY day ORDER BY day FORMAT TabSeparated");
  if (!reply) return reply.error();
  DayMarks out;
  std::vector<std::string> f;
  std::optional<Error> bad;
  each_line(*reply, [&](std::string_view line) {
    int64_t day = 0;
    uint64_t mark = 0, epoch = 0;
    if (!split_tsv_line(line, 4, f) || !parse_day(f[0], day) || !parse_int(f[1], mark) ||
        !parse_int(f[2], epoch) || !parse_int(f[3], out.now_s)) {
      bad = unreadable_row(ch, "the rollups' days", line);
      return false;
    }
    out.days[day] = {mark, epoch};
    return true;
  });
  if (bad) return *bad;
  return out;
}

// "(toDate('...'), toUInt64(EPOCH)), ..." for an IN list of (day, epoch).
void append_pair(std::string& pairs, int64_t day_ms, uint64_t epoch) {
  pairs += (pairs.empty() ? "(" : ", (") + sql_date(day_ms) + ", toUInt64(" +
           std::to_string(epoch) + "))";
}

bool is_clean(uint64_t mark, uint64_t epoch) {
  return epoch != 0 && mark < epoch_second(epoch);
}

// The rows of usage_rollup_task, in its columns' order, from the facts
// under FINAL that meet `where`, with `epoch` as their epoch: the cube's
// groups (one per turn and quarter hour), each sum split evenly over the
// group's tasks as apportion() splits it (x / n each, one more for the
// first x % n), then summed by quarter hour, keys and task. Sums are never
// negative (the stores refuse negative tokens and prices), so intDiv and %
// round as apportion does.
std::string task_split_rows(const std::string& where, const std::string& epoch) {
  const std::string mask = std::to_string(kGenerationMask);
  std::string shares;
  for (const char* m :
       {"input", "output", "cache_create", "cache_read", "cost_nanos", "list_cost_nanos"})
    shares +=
        std::string("sum(intDiv(g_") + m + ", n) + if(ti <= g_" + m + " % n, 1, 0)) AS " + m + ", ";
  return "SELECT day, toUInt64(" + epoch +
         ") AS epoch, bucket, author, session, model, repo, branch, task_keys, assistant, "
         "priced, " +
         shares +
         "sum(g_records) AS records, sum(g_versions) AS versions, sum(g_skills) AS skills, "
         "sum(g_mcp) AS mcp, min(g_first) AS first_ms, max(g_last) AS last_ms, min(g_gen_min) AS "
         "gen_min, max(g_gen_max) AS gen_max, toUInt32(ti) AS task_index, tasks[ti] AS task "
         "FROM (SELECT day, intDiv(ts_ms, " +
         std::to_string(kQuarterHourMs) +
         ") AS bucket, author, session, model, repo, branch, task_keys, assistant, priced, " +
         task_list_sql("task_keys") +
         " AS tasks, toInt64(length(tasks)) AS n, sum(input) AS g_input, sum(output) AS g_output, "
         "sum(cache_create) AS g_cache_create, sum(cache_read) AS g_cache_read, sum(cost_nanos) "
         "AS g_cost_nanos, sum(list_cost_nanos) AS g_list_cost_nanos, count() AS g_records, "
         "sum(version) AS g_versions, toUInt64(sum(skills)) AS g_skills, toUInt64(sum(mcp)) AS "
         "g_mcp, min(ts_ms) AS g_first, max(ts_ms) AS g_last, min(bitAnd(version, " +
         mask + ")) AS g_gen_min, max(bitAnd(version, " + mask +
         ")) AS g_gen_max FROM usage_facts FINAL WHERE " + where +
         " GROUP BY day, bucket, author, session, model, repo, branch, task_keys, assistant, "
         "priced, turn_id, if(turn_id = '', record_id, 0)) ARRAY JOIN arrayEnumerate(tasks) AS "
         "ti GROUP BY day, bucket, author, session, model, repo, branch, task_keys, task_index, "
         "task, assistant, priced";
}

}  // namespace

Status mark_days_dirty(ClickHouseClient& ch, const std::vector<int64_t>& day_ms) {
  if (day_ms.empty()) return {};
  std::string days;
  for (int64_t d : std::set<int64_t>(day_ms.begin(), day_ms.end()))
    days += (days.empty() ? "" : ", ") + sql_date(d);
  // The server's clock, as the epochs': marks and epochs compare on one clock.
  auto r = ch.execute("INSERT INTO rollup_dirty SELECT arrayJoin([" + days +
                      "]) AS day, toUInt32(now()) AS marked");
  if (!r) return r.error();
  return {};
}

Result<DayStates> day_states(ClickHouseClient& ch, int64_t first_day_ms, int64_t end_day_ms) {
  auto days = marks_and_epochs(ch, first_day_ms, end_day_ms);
  if (!days) return days.error();
  DayStates out;
  for (const auto& [day, me] : days->days) {
    if (is_clean(me.first, me.second))
      out.clean.emplace_back(day, me.second);
    else
      out.dirty.push_back(day);
  }
  return out;
}

Result<bool> epochs_unchanged(ClickHouseClient& ch, const DayStates& before, int64_t first_day_ms,
                              int64_t end_day_ms) {
  if (before.clean.empty()) return true;
  auto now = marks_and_epochs(ch, first_day_ms, end_day_ms);
  if (!now) return now.error();
  for (const auto& [day, epoch] : before.clean) {
    auto it = now->days.find(day);
    if (it == now->days.end() || it->second.second != epoch) return false;
  }
  return true;
}

Result<std::vector<int64_t>> days_to_roll(ClickHouseClient& ch, std::chrono::seconds quiet,
                                          size_t limit, size_t* dirty) {
  auto days = marks_and_epochs(ch, INT64_MIN, INT64_MAX);
  if (!days) return days.error();
  const uint64_t now_s = days->now_s;
  std::vector<int64_t> out;
  size_t all = 0;
  for (const auto& [day, me] : days->days) {
    if (is_clean(me.first, me.second)) continue;
    ++all;
    if (out.size() < limit && me.first + static_cast<uint64_t>(quiet.count()) <= now_s)
      out.push_back(day);
  }
  if (dirty) *dirty = all;
  return out;
}

Result<uint64_t> roll_day(ClickHouseClient& ch, int64_t day_ms) {
  // The epoch's second is taken before the facts are read, and after the
  // day's last mark's second: a mark of the same second as the epoch would
  // leave the day dirty, so a day marked this second waits for the next.
  // It is after the day's current epoch's second too, so a roll replaces
  // the one before it (same-second epochs would order at random).
  uint64_t second = 0;
  for (int attempt = 0;; ++attempt) {
    auto now = ch.execute(
        "SELECT toUInt32(now()), toUInt32(max(marked)), toUInt64((SELECT max(epoch) FROM "
        "rollup_epochs WHERE day = " +
        sql_date(day_ms) + ")) FROM rollup_dirty WHERE day = " + sql_date(day_ms) +
        " FORMAT TabSeparated");
    if (!now) return now.error();
    std::vector<std::string> f;
    uint64_t last_mark = 0, current = 0;
    if (!split_tsv_line(std::string_view(*now).substr(0, now->find('\n')), 3, f) ||
        !parse_int(f[0], second) || !parse_int(f[1], last_mark) || !parse_int(f[2], current))
      return unreadable_row(ch, "the server's clock", *now);
    if ((second > last_mark && second > epoch_second(current)) || attempt == 8) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::random_device random;
  const uint64_t epoch =
      (second << kEpochRandomBits) | (random() & ((uint64_t{1} << kEpochRandomBits) - 1));
  const std::string mask = std::to_string(kGenerationMask);
  const std::string e = std::to_string(epoch);
  auto rows = ch.execute(
      "INSERT INTO usage_rollup SELECT day, toUInt64(" + e + ") AS epoch, intDiv(ts_ms, " +
      std::to_string(kQuarterHourMs) +
      ") AS bucket, author, session, model, repo, branch, task_keys, assistant, priced, "
      "sum(input), sum(output), sum(cache_create), sum(cache_read), sum(cost_nanos), "
      "sum(list_cost_nanos), count(), sum(version), toUInt64(sum(skills)), toUInt64(sum(mcp)), "
      "min(ts_ms), max(ts_ms), min(bitAnd(version, " +
      mask + ")), max(bitAnd(version, " + mask +
      ")) FROM usage_facts FINAL WHERE day = " + sql_date(day_ms) + " GROUP BY " + kGroupKey);
  if (!rows) return rows.error();
  // The hour grain from the quarter hours just written (fewer rows than the
  // facts, no FINAL).
  auto hours = ch.execute(
      "INSERT INTO usage_rollup_hour SELECT day, epoch, intDiv(bucket, 4) AS hour_bucket, author, "
      "session, model, repo, branch, '', assistant, priced, sum(input), sum(output), "
      "sum(cache_create), sum(cache_read), sum(cost_nanos), sum(list_cost_nanos), sum(records), "
      "sum(versions), sum(skills), sum(mcp), min(first_ms), max(last_ms), min(gen_min), "
      "max(gen_max) FROM usage_rollup WHERE day = " +
      sql_date(day_ms) + " AND epoch = " + e + " GROUP BY " + kHourGroupKey);
  if (!hours) return hours.error();
  // The task split, from the facts again: its groups are the turns'.
  auto tasks = ch.execute("INSERT INTO usage_rollup_task " +
                          task_split_rows("day = " + sql_date(day_ms), e));
  if (!tasks) return tasks.error();
  // And by hour, from the quarter hours' split just written (shares add up).
  auto task_hours = ch.execute(
      "INSERT INTO usage_rollup_task_hour SELECT day, epoch, intDiv(bucket, 4) AS hour_bucket, "
      "author, session, model, repo, branch, task_keys, assistant, priced, sum(input), "
      "sum(output), sum(cache_create), sum(cache_read), sum(cost_nanos), sum(list_cost_nanos), "
      "sum(records), sum(versions), sum(skills), sum(mcp), min(first_ms), max(last_ms), "
      "min(gen_min), max(gen_max), task_index, task FROM usage_rollup_task WHERE day = " +
      sql_date(day_ms) + " AND epoch = " + e +
      " GROUP BY day, epoch, hour_bucket, author, session, model, repo, branch, task_keys, "
      "assistant, priced, task_index, task");
  if (!task_hours) return task_hours.error();
  // Current from here: the rows are all in before the epoch names them.
  auto named =
      ch.execute("INSERT INTO rollup_epochs SELECT " + sql_date(day_ms) + ", toUInt64(" + e + ")");
  if (!named) return named.error();
  return epoch;
}

Result<int64_t> collect_rollup_garbage(ClickHouseClient& ch, std::chrono::seconds keep) {
  auto current = marks_and_epochs(ch, INT64_MIN, INT64_MAX);
  if (!current) return current.error();
  const uint64_t now_s = current->now_s;
  std::string tables;
  for (const RollupTable& t : kRollupTables)
    tables += std::string(tables.empty() ? "" : " UNION ALL ") + "SELECT day, epoch FROM " +
              t.name + " GROUP BY day, epoch";
  auto held = ch.execute("SELECT toString(day), epoch FROM (" + tables +
                         ") GROUP BY day, epoch FORMAT TabSeparated");
  if (!held) return held.error();
  std::string pairs;
  int64_t count = 0;
  std::vector<std::string> f;
  std::optional<Error> bad;
  each_line(*held, [&](std::string_view line) {
    int64_t day = 0;
    uint64_t epoch = 0;
    if (!split_tsv_line(line, 2, f) || !parse_day(f[0], day) || !parse_int(f[1], epoch)) {
      bad = unreadable_row(ch, "the rollups' epochs", line);
      return false;
    }
    auto it = current->days.find(day);
    if (it != current->days.end() && it->second.second == epoch) return true;
    // Not current: superseded, or a roll that never named its epoch (a
    // crash, or one still running: hence `keep`).
    if (epoch_second(epoch) + static_cast<uint64_t>(keep.count()) > now_s) return true;
    append_pair(pairs, day, epoch);
    ++count;
    return true;
  });
  if (bad) return *bad;
  if (count == 0) return int64_t{0};
  // A mutation, run in the background; reports reading the rows check
  // their epochs afterwards.
  for (const RollupTable& t : kRollupTables)
    if (auto r = delete_fact_rows(ch, t.name, "(day, epoch) IN (" + pairs + ")", std::nullopt); !r)
      return r.error();
  return count;
}

Result<std::vector<int64_t>> verify_rollups(ClickHouseClient& ch) {
  auto states = day_states(ch, INT64_MIN, INT64_MAX);
  if (!states) return states.error();
  std::vector<int64_t> differ;
  if (states->clean.empty()) return differ;
  std::string pairs;
  for (const auto& [day, epoch] : states->clean)
    append_pair(pairs, day, epoch);
  std::string clean_days;
  for (const auto& [day, epoch] : states->clean)
    clean_days += (clean_days.empty() ? "" : ", ") + sql_date(day);
  // Each grain's rollup against the facts (counted once for all): a clean
  // day differs when any grain's records or versions differ from its
  // facts', or a grain has no rows of it. The task rollup's groups are
  // counted at their first task's rows (each of a group's rows holds the
  // whole group's).
  std::string sides, grains;
  for (const RollupTable& t : kRollupTables) {
    const std::string counted = t.counted;
    sides += "SELECT day, " + sql_literal(t.name) + " AS grain, sum(if(" + counted +
             ", records, 0)) AS rr, toUInt64(0) AS fr, sum(if(" + counted +
             ", versions, 0)) AS rv, toUInt64(0) AS fv FROM " + t.name +
             " WHERE (day, epoch) IN (" + pairs + ") GROUP BY day UNION ALL ";
    grains += (grains.empty() ? "" : ", ") + sql_literal(t.name);
  }
  auto reply = ch.execute(
      "SELECT toString(day), toUInt8(1) FROM (SELECT day, grain FROM (" + sides +
      "SELECT day, arrayJoin([" + grains +
      "]) AS grain, "
      "toUInt64(0) AS rr, "
      "fr0 AS fr, toUInt64(0) AS rv, fv0 AS fv FROM (SELECT day, count() AS fr0, sum(version) AS "
      "fv0 FROM usage_facts FINAL WHERE day IN (" +
      clean_days +
      ") GROUP BY day)) GROUP BY day, grain HAVING sum(rr) != sum(fr) OR sum(rv) != sum(fv)) "
      "GROUP BY day ORDER BY day FORMAT TabSeparated");
  if (!reply) return reply.error();
  std::vector<std::string> f;
  std::optional<Error> bad;
  each_line(*reply, [&](std::string_view line) {
    int64_t day = 0;
    if (!split_tsv_line(line, 2, f) || !parse_day(f[0], day)) {
      bad = unreadable_row(ch, "the rollups' comparison", line);
      return false;
    }
    differ.push_back(day);
    return true;
  });
  if (bad) return *bad;
  if (auto s = mark_days_dirty(ch, differ); !s) return s.error();
  return differ;
}

namespace {

// "(clean days' rows UNION ALL dirty days' rows)" of [since_ms, until_ms):
// `clean(days, range)` reads the clean days' rollup rows, given "(day,
// epoch) IN (...)" and the range as a condition on buckets of `bucket_ms`;
// `dirty(condition)` the dirty days' facts, given their days and the range
// as a condition on usage_facts. With no day at all, the (empty) facts.
std::string rows_of_days(const DayStates& days, int64_t since_ms, int64_t until_ms,
                         int64_t bucket_ms,
                         const std::function<std::string(const std::string& clean_days,
                                                         const std::string& range)>& clean,
                         const std::function<std::string(const std::string& condition)>& dirty) {
  std::string parts;
  if (!days.clean.empty()) {
    std::string pairs;
    for (const auto& [day, epoch] : days.clean)
      append_pair(pairs, day, epoch);
    std::string range;
    if (since_ms > INT64_MIN)
      range += " AND bucket >= " + std::to_string(floor_div(since_ms, bucket_ms));
    if (until_ms < INT64_MAX)
      range += " AND bucket < " + std::to_string(floor_div(until_ms, bucket_ms));
    parts += clean("(day, epoch) IN (" + pairs + ")", range);
  }
  std::string dirty_days;
  for (int64_t day : days.dirty)
    dirty_days += (dirty_days.empty() ? "" : ", ") + sql_date(day);
  if (!dirty_days.empty() || parts.empty()) {
    std::string condition = dirty_days.empty() ? "0" : "day IN (" + dirty_days + ")";
    if (since_ms > INT64_MIN) condition += " AND ts_ms >= " + std::to_string(since_ms);
    if (until_ms < INT64_MAX) condition += " AND ts_ms < " + std::to_string(until_ms);
    if (!parts.empty()) parts += " UNION ALL ";
    parts += dirty(condition);
  }
  return "(" + parts + ")";
}

}  // namespace

std::string group_rows(const DayStates& days, int64_t since_ms, int64_t until_ms,
                       const std::string& where, RollupGrain grain) {
  const std::string mask = std::to_string(kGenerationMask);
  const bool hours = grain == RollupGrain::kHour;
  return rows_of_days(
      days, since_ms, until_ms, hours ? kHourMs : kQuarterHourMs,
      [&](const std::string& clean_days, const std::string& range) {
        // An hour's rows as its first quarter hour's (b); their task_keys are empty.
        return std::string("SELECT ") + (hours ? "bucket * 4" : "bucket") +
               " AS b, author, session, model, repo, branch, task_keys, assistant, priced, input, "
               "output, cache_create, cache_read, cost_nanos, list_cost_nanos, records, skills, "
               "mcp, first_ms, last_ms, gen_min, gen_max FROM " +
               (hours ? "usage_rollup_hour" : "usage_rollup") + " WHERE " + clean_days + range +
               " AND " + where;
      },
      [&](const std::string& condition) {
        return "SELECT intDiv(ts_ms, " + std::to_string(kQuarterHourMs) +
               ") AS b, author, session, model, repo, branch, task_keys, assistant, priced, "
               "input, output, cache_create, cache_read, cost_nanos, list_cost_nanos, "
               "toUInt64(1) AS records, toUInt64(skills) AS skills, toUInt64(mcp) AS mcp, ts_ms "
               "AS first_ms, ts_ms AS last_ms, bitAnd(version, " +
               mask + ") AS gen_min, bitAnd(version, " + mask +
               ") AS gen_max FROM usage_facts FINAL WHERE " + condition + " AND " + where;
      });
}

std::string task_list_sql(const std::string& keys) {
  const std::string parts = "splitByChar(',', " + keys + ")";
  const std::string distinct = "arrayFilter((x, i) -> x != '' AND indexOf(" + parts + ", x) = i, " +
                               parts + ", arrayEnumerate(" + parts + "))";
  return "if(empty(" + distinct + "), [" + sql_literal(report::kNoTask) + "], " + distinct + ")";
}

std::string task_rows(const DayStates& days, int64_t since_ms, int64_t until_ms,
                      const std::string& where, RollupGrain grain) {
  constexpr const char* kColumns =
      " AS b, author, session, model, repo, branch, task_keys, task_index, task, assistant, "
      "priced, input, output, cache_create, cache_read, cost_nanos, list_cost_nanos, records, "
      "skills, mcp, gen_min, gen_max";
  const bool hours = grain == RollupGrain::kHour;
  return rows_of_days(
      days, since_ms, until_ms, hours ? kHourMs : kQuarterHourMs,
      [&](const std::string& clean_days, const std::string& range) {
        // An hour's rows as its first quarter hour's (b).
        return std::string("SELECT ") + (hours ? "bucket * 4" : "bucket") + kColumns + " FROM " +
               (hours ? "usage_rollup_task_hour" : "usage_rollup_task") + " WHERE " + clean_days +
               range + " AND " + where;
      },
      [&](const std::string& condition) {
        return std::string("SELECT bucket") + kColumns + " FROM (" +
               task_split_rows(condition + " AND " + where, "0") + ")";
      });
}

}  // namespace codepulse::collector::analytics
