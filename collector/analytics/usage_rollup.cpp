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
constexpr int64_t kDayMs = 86'400'000;

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
constexpr RollupTable kRollupTables[] = {
    {"usage_rollup", "1"},
    {"usage_rollup_hour", "1"},
    {"usage_rollup_task", "task_index = 1"},
    {"usage_rollup_task_hour", "task_index = 1"},
    {"usage_rollup_file", "task_index = 1 AND file_index = 1"}};

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

// The sums a split divides, as usage_facts and the rollups name them.
constexpr const char* kSplitSums[] = {"input",      "output",     "cache_create",
                                      "cache_read", "cost_nanos", "list_cost_nanos"};

// The cube's groups (one per turn and quarter hour) of the facts under
// FINAL that meet `where`: their keys, turn (turn_id, rid), task list
// (`tasks`, n of them) and sums (g_input ... g_list_cost_nanos, g_records,
// g_versions, g_skills, g_mcp, g_first, g_last, g_gen_min, g_gen_max).
std::string turn_groups(const std::string& where) {
  const std::string generation = fact_generation_sql();
  std::string sums;
  for (const char* m : kSplitSums)
    sums += std::string("sum(") + m + ") AS g_" + m + ", ";
  return "SELECT day, intDiv(ts_ms, " + std::to_string(kQuarterHourMs) +
         ") AS bucket, author, session, model, repo, branch, task_keys, assistant, priced, "
         "turn_id, if(turn_id = '', record_id, 0) AS rid, " +
         task_list_sql("task_keys") + " AS tasks, toInt64(length(tasks)) AS n, " + sums +
         "count() AS g_records, sum(version) AS g_versions, toUInt64(sum(skills)) AS g_skills, "
         "toUInt64(sum(mcp)) AS g_mcp, min(ts_ms) AS g_first, max(ts_ms) AS g_last, min(" +
         generation + ") AS g_gen_min, max(" + generation +
         ") AS g_gen_max FROM usage_facts FINAL WHERE " + where +
         " GROUP BY day, bucket, author, session, model, repo, branch, task_keys, assistant, "
         "priced, turn_id, rid";
}

// A group's share of its task `ti` of sum `m`, as apportion() splits evenly:
// x / n each, one more for the first x % n. Sums are never negative (the
// stores refuse negative tokens and prices), so intDiv and % round as
// apportion does.
std::string task_share(const std::string& m) {
  return "intDiv(g_" + m + ", n) + if(ti <= g_" + m + " % n, 1, 0)";
}

// The group sums and keys every split row carries after its shares.
constexpr const char* kSplitTail =
    "sum(g_records) AS records, sum(g_versions) AS versions, sum(g_skills) AS skills, "
    "sum(g_mcp) AS mcp, min(g_first) AS first_ms, max(g_last) AS last_ms, min(g_gen_min) AS "
    "gen_min, max(g_gen_max) AS gen_max";

// The rows of usage_rollup_task, in its columns' order, from the facts
// under FINAL that meet `where`, with `epoch` as their epoch: each group's
// sums split over its tasks (task_share), then summed by quarter hour,
// keys and task.
std::string task_split_rows(const std::string& where, const std::string& epoch) {
  std::string shares;
  for (const char* m : kSplitSums)
    shares += "sum(" + task_share(m) + ") AS " + m + ", ";
  return "SELECT day, toUInt64(" + epoch +
         ") AS epoch, bucket, author, session, model, repo, branch, task_keys, assistant, "
         "priced, " +
         shares + kSplitTail + ", toUInt32(ti) AS task_index, tasks[ti] AS task FROM (" +
         turn_groups(where) +
         ") ARRAY JOIN arrayEnumerate(tasks) AS ti GROUP BY day, bucket, author, session, model, "
         "repo, branch, task_keys, task_index, task, assistant, priced";
}

// Weights past this sum (or a turn of as many files) could overflow the
// 64-bit products of the file split: such a group is counted as oversized
// and reports over it are answered from the store.
constexpr int64_t kMaxSplitWeight = int64_t{1} << 34;

// The rows of usage_rollup_file, in its columns' order, from the facts
// under FINAL that meet `where`, with `epoch` as their epoch: each group's
// task shares (task_share) split over its turn's files as the cube splits
// them (attributed_files, then apportion: floor(x * w / W) each, the units
// left to the largest remainders, earlier files first on ties; evenly when
// no weights), the turn's files read from its records that meet `window`
// (a day either side of the group's: docs/CLICKHOUSE.md, "The file
// split"), then summed by quarter hour, keys, task and file. The products
// x * w are made exact in 64 bits as q * w + (r * w) / W with x = q * W + r.
std::string file_split_rows(const std::string& where, const std::string& window,
                            const std::string& epoch) {
  std::string task_shares, file_shares, sums;
  for (const char* m : kSplitSums) {
    const std::string t = std::string("t_") + m, x = std::string("_") + m;
    task_shares += "toUInt64(" + task_share(m) + ") AS " + t + ", ";
    file_shares += "intDiv(" + t + ", Ws) AS q" + x + ", " + t + " % Ws AS r" + x +
                   ", arrayMap(w -> q" + x + " * w + intDiv(r" + x + " * w, Ws), ww) AS fl" + x +
                   ", arrayMap(w -> (r" + x + " * w) % Ws, ww) AS rem" + x + ", " + t +
                   " - arraySum(fl" + x + ") AS extra" + x + ", arraySort(i -> (Ws - rem" + x +
                   "[i]) * 65536 + i, arrayEnumerate(ww)) AS order" + x + ", if(" + t +
                   " >= 0 AND Ws > 0, arrayMap(i -> fl" + x + "[i] + if(indexOf(order" + x +
                   ", i) <= extra" + x +
                   ", 1, 0), arrayEnumerate(ww)), emptyArrayUInt64()) AS share" + x + ", ";
    sums += "sum(toInt64(share" + x + "[fi])) AS " + m + ", ";
  }
  // Each turn's files from its records, by path.
  const std::string turn_files =
      "SELECT author, turn_id, rid, groupArray(path) AS tf_paths, groupArray(c) AS tf_changes, "
      "groupArray(r) AS tf_reads, groupArray(u) AS tf_unknown, groupArray(l) AS tf_lines FROM "
      "(SELECT author, turn_id, if(turn_id = '', record_id, 0) AS rid, path, sum(pc) AS c, "
      "sum(pr) AS r, sum(pu) AS u, sum(pl) AS l FROM usage_facts FINAL ARRAY JOIN file_paths AS "
      "path, file_changes AS pc, file_reads AS pr, file_unknown AS pu, file_lines AS pl WHERE " +
      window + " GROUP BY author, turn_id, rid, path) GROUP BY author, turn_id, rid";
  // attributed_files: the changed files weighted by lines changed (evenly
  // when a change's counts are unknown), else the read files evenly, else
  // "(no file)"; by path.
  const std::string files =
      "arrayExists(c -> c > 0, tf_changes) AS has_change, if(has_change, arrayFilter((p, c) -> c "
      "> 0, tf_paths, tf_changes), arrayFilter((p, c) -> c > 0, tf_paths, tf_reads)) AS f0, "
      "if(has_change AND NOT arrayExists((u, c) -> c > 0 AND u > 0, tf_unknown, tf_changes), "
      "arrayMap(l -> toUInt64(least(greatest(l, 0), 1000000000)), arrayFilter((l, c) -> c > 0, "
      "tf_lines, tf_changes)), arrayMap(p -> toUInt64(0), f0)) AS w0, if(empty(f0), [" +
      sql_literal(report::kNoFile) +
      "], arraySort(f0)) AS files, if(empty(f0), [toUInt64(0)], arraySort((w, p) -> p, w0, f0)) "
      "AS weights, arraySum(weights) AS w_sum, if(w_sum = 0, arrayMap(w -> toUInt64(1), "
      "weights), weights) AS ww, if(w_sum = 0, toUInt64(length(weights)), w_sum) AS Ws, "
      "toUInt64(Ws >= " +
      std::to_string(kMaxSplitWeight) + " OR length(ww) >= 65536) AS over, ";
  // Every level names its columns, and each share's expression names its
  // task share and the weights' sum outside the lambdas (`if(t_... >= 0 AND
  // Ws > 0, ...)`): 18.16 finds the columns a subquery must read from the
  // expressions asked of it, but not through what their lambdas capture (a
  // share asked for alone failed with "Unknown identifier: t_input").
  // The files and weights are a level below the shares: 18.16 writes an
  // alias's whole expression at each use, and Ws (of weights, of the
  // files...) is used a dozen times a share; computed a level below, it is
  // a column. That level took the split's analysis from about 200 ms to 50.
  std::string carried =
      "day, bucket, author, session, model, repo, branch, task_keys, assistant, priced, "
      "task_index, task, g_records, g_versions, g_skills, g_mcp, g_first, g_last, g_gen_min, "
      "g_gen_max";
  for (const char* m : kSplitSums)
    carried += std::string(", t_") + m;
  return "SELECT day, toUInt64(" + epoch +
         ") AS epoch, bucket, author, session, model, repo, branch, task_keys, assistant, "
         "priced, " +
         sums + kSplitTail +
         ", task_index, task, toUInt32(fi) AS file_index, files[fi] AS file, sum(over) AS "
         "oversized FROM (SELECT " +
         carried + ", files, ww, Ws, over, " + file_shares + "1 FROM (SELECT " + carried + ", " +
         files + "0 AS pad FROM (SELECT " + carried +
         ", tf_paths, tf_changes, tf_reads, tf_unknown, tf_lines FROM (SELECT day, bucket, "
         "author, session, model, repo, branch, task_keys, assistant, priced, turn_id, rid, "
         "toUInt32(ti) AS task_index, tasks[ti] AS task, " +
         task_shares +
         "g_records, g_versions, g_skills, g_mcp, g_first, g_last, g_gen_min, g_gen_max FROM (" +
         turn_groups(where) + ") ARRAY JOIN arrayEnumerate(tasks) AS ti) ANY LEFT JOIN (" +
         turn_files +
         ") USING (author, turn_id, rid)))) ARRAY JOIN arrayEnumerate(files) AS fi GROUP BY day, "
         "bucket, author, session, model, repo, branch, task_keys, assistant, priced, "
         "task_index, task, file_index, file";
}

}  // namespace

Status mark_days_dirty(ClickHouseClient& ch, const std::vector<int64_t>& day_ms) {
  if (day_ms.empty()) return {};
  // A day's file split reads its turns' files from the day either side: a
  // change to a day changes theirs too, where they have usage (a day
  // without any is never read, and one that gets usage later is marked
  // then).
  const std::set<int64_t> changed(day_ms.begin(), day_ms.end());
  std::set<int64_t> beside;
  for (int64_t d : changed)
    for (int64_t n : {d - kDayMs, d + kDayMs})
      if (!changed.count(n)) beside.insert(n);
  const auto list = [](const std::set<int64_t>& set) {
    std::string out;
    for (int64_t d : set)
      out += (out.empty() ? "" : ", ") + sql_date(d);
    return out;
  };
  std::string days = "SELECT arrayJoin([" + list(changed) + "]) AS day";
  if (!beside.empty())
    days += " UNION ALL SELECT DISTINCT day FROM usage_facts WHERE day IN (" + list(beside) + ")";
  // The server's clock, as the epochs': marks and epochs compare on one clock.
  auto r = ch.execute("INSERT INTO rollup_dirty SELECT day, toUInt32(now()) AS marked FROM (" +
                      days + ")");
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
  const std::string generation = fact_generation_sql();
  const std::string e = std::to_string(epoch);
  auto rows = ch.execute(
      "INSERT INTO usage_rollup SELECT day, toUInt64(" + e + ") AS epoch, intDiv(ts_ms, " +
      std::to_string(kQuarterHourMs) +
      ") AS bucket, author, session, model, repo, branch, task_keys, assistant, priced, "
      "sum(input), sum(output), sum(cache_create), sum(cache_read), sum(cost_nanos), "
      "sum(list_cost_nanos), count(), sum(version), toUInt64(sum(skills)), toUInt64(sum(mcp)), "
      "min(ts_ms), max(ts_ms), min(" +
      generation + "), max(" + generation +
      ") FROM usage_facts FINAL WHERE day = " + sql_date(day_ms) + " GROUP BY " + kGroupKey);
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
  // The file split: the day's groups, their turns' files from the day
  // either side too.
  auto by_file = ch.execute("INSERT INTO usage_rollup_file " +
                            file_split_rows("day = " + sql_date(day_ms),
                                            "day >= " + sql_date(day_ms - kDayMs) +
                                                " AND day <= " + sql_date(day_ms + kDayMs),
                                            e));
  if (!by_file) return by_file.error();
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
      "]) AS grain, toUInt64(0) AS rr, fr0 AS fr, toUInt64(0) AS rv, fv0 AS fv FROM (SELECT day, "
      "count() AS fr0, sum(version) AS "
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

// The dirty days of `days` and the range [since_ms, until_ms) as a condition
// on usage_facts ("0" and the range when no day is dirty).
std::string dirty_condition(const DayStates& days, int64_t since_ms, int64_t until_ms) {
  std::string dirty_days;
  for (int64_t day : days.dirty)
    dirty_days += (dirty_days.empty() ? "" : ", ") + sql_date(day);
  std::string condition = dirty_days.empty() ? "0" : "day IN (" + dirty_days + ")";
  if (since_ms > INT64_MIN) condition += " AND ts_ms >= " + std::to_string(since_ms);
  if (until_ms < INT64_MAX) condition += " AND ts_ms < " + std::to_string(until_ms);
  return condition;
}

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
  if (!days.dirty.empty() || parts.empty()) {
    if (!parts.empty()) parts += " UNION ALL ";
    parts += dirty(dirty_condition(days, since_ms, until_ms));
  }
  return "(" + parts + ")";
}

// The columns of task_rows() and file_rows(), as their rollups hold them.
constexpr const char* kTaskColumns =
    " AS b, author, session, model, repo, branch, task_keys, task_index, task, assistant, "
    "priced, input, output, cache_create, cache_read, cost_nanos, list_cost_nanos, records, "
    "skills, mcp, gen_min, gen_max";
constexpr const char* kFileColumns =
    "bucket AS b, author, session, model, repo, branch, task_keys, task_index, task, "
    "file_index, file, assistant, priced, input, output, cache_create, cache_read, cost_nanos, "
    "list_cost_nanos, records, skills, mcp, gen_min, gen_max, oversized";

// The dirty days' records that meet `condition`, as group_rows' rows (one
// per record), read from `facts` (usage_facts, or it with its database).
std::string dirty_group_rows(const std::string& facts, const std::string& condition) {
  const std::string generation = fact_generation_sql();
  return "SELECT intDiv(ts_ms, " + std::to_string(kQuarterHourMs) +
         ") AS b, author, session, model, repo, branch, task_keys, assistant, priced, "
         "input, output, cache_create, cache_read, cost_nanos, list_cost_nanos, "
         "toUInt64(1) AS records, toUInt64(skills) AS skills, toUInt64(mcp) AS mcp, ts_ms "
         "AS first_ms, ts_ms AS last_ms, " +
         generation + " AS gen_min, " + generation + " AS gen_max FROM " + facts + " FINAL WHERE " +
         condition;
}

// The dirty days' task split rows of the facts that meet `condition`.
std::string dirty_task_rows(const std::string& condition) {
  return std::string("SELECT bucket") + kTaskColumns + " FROM (" + task_split_rows(condition, "0") +
         ")";
}

// Where the dirty days' turns' files are read: a day either side of each.
std::string file_window(const DayStates& days) {
  std::set<int64_t> window;
  for (int64_t day : days.dirty)
    window.insert({day - kDayMs, day, day + kDayMs});
  std::string window_days;
  for (int64_t day : window)
    window_days += (window_days.empty() ? "" : ", ") + sql_date(day);
  return window_days.empty() ? "0" : "day IN (" + window_days + ")";
}

// The dirty days' file split rows of the facts that meet `condition`.
std::string dirty_file_rows(const DayStates& days, const std::string& condition) {
  return std::string("SELECT ") + kFileColumns + " FROM (" +
         file_split_rows(condition, file_window(days), "0") + ")";
}

}  // namespace

std::string group_rows(const DayStates& days, int64_t since_ms, int64_t until_ms,
                       const std::string& where, RollupGrain grain,
                       const std::string& dirty_table) {
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
        if (!dirty_table.empty()) return "SELECT * FROM " + dirty_table + " WHERE " + where;
        return dirty_group_rows("usage_facts", condition + " AND " + where);
      });
}

std::string task_list_sql(const std::string& keys) {
  const std::string parts = "splitByChar(',', " + keys + ")";
  const std::string distinct = "arrayFilter((x, i) -> x != '' AND indexOf(" + parts + ", x) = i, " +
                               parts + ", arrayEnumerate(" + parts + "))";
  return "if(empty(" + distinct + "), [" + sql_literal(report::kNoTask) + "], " + distinct + ")";
}

std::string task_rows(const DayStates& days, int64_t since_ms, int64_t until_ms,
                      const std::string& where, RollupGrain grain, const std::string& dirty_table) {
  const bool hours = grain == RollupGrain::kHour;
  return rows_of_days(
      days, since_ms, until_ms, hours ? kHourMs : kQuarterHourMs,
      [&](const std::string& clean_days, const std::string& range) {
        // An hour's rows as its first quarter hour's (b).
        return std::string("SELECT ") + (hours ? "bucket * 4" : "bucket") + kTaskColumns +
               " FROM " + (hours ? "usage_rollup_task_hour" : "usage_rollup_task") + " WHERE " +
               clean_days + range + " AND " + where;
      },
      [&](const std::string& condition) {
        if (!dirty_table.empty())
          return std::string("SELECT bucket") + kTaskColumns + " FROM " + dirty_table + " WHERE " +
                 where;
        return dirty_task_rows(condition + " AND " + where);
      });
}

std::string file_rows(const DayStates& days, int64_t since_ms, int64_t until_ms,
                      const std::string& where, const std::string& dirty_table) {
  return rows_of_days(
      days, since_ms, until_ms, kQuarterHourMs,
      [&](const std::string& clean_days, const std::string& range) {
        return std::string("SELECT ") + kFileColumns + " FROM usage_rollup_file WHERE " +
               clean_days + range + " AND " + where;
      },
      [&](const std::string& condition) {
        if (!dirty_table.empty())
          return std::string("SELECT ") + kFileColumns + " FROM " + dirty_table + " WHERE " + where;
        return dirty_file_rows(days, condition + " AND " + where);
      });
}

DirtySplit dirty_split(SplitKind kind, const std::string& database, const DayStates& days,
                       int64_t since_ms, int64_t until_ms, const std::string& where) {
  DirtySplit out;
  // Read where rows_of_days reads the dirty days: some day dirty, or no day
  // at all (an empty table then).
  if (days.dirty.empty() && !days.clean.empty()) return out;
  out.table = "report_dirty_split";
  // A temporary table's AS SELECT reads the default database in 18.16:
  // what it is made like is named with its database (letters, digits and
  // '_', as parse_clickhouse_url keeps them).
  const std::string in = "`" + database + "`.";
  const std::string condition = dirty_condition(days, since_ms, until_ms) + " AND " + where;
  if (kind == SplitKind::kGroups) {
    out.statements.push_back("CREATE TEMPORARY TABLE " + out.table + " AS " +
                             dirty_group_rows(in + "usage_facts", "0"));
    if (!days.dirty.empty())
      out.statements.push_back("INSERT INTO " + out.table + " " +
                               dirty_group_rows("usage_facts", condition));
    return out;
  }
  // The rollup's columns, filled as a roll fills the rollup (one level of
  // subquery fewer than the rows read inline).
  const bool files = kind == SplitKind::kFile;
  out.statements.push_back("CREATE TEMPORARY TABLE " + out.table + " AS SELECT * FROM " + in +
                           (files ? "usage_rollup_file" : "usage_rollup_task") + " WHERE 0");
  if (days.dirty.empty()) return out;
  out.statements.push_back("INSERT INTO " + out.table + " " +
                           (files ? file_split_rows(condition, file_window(days), "0")
                                  : task_split_rows(condition, "0")));
  return out;
}

}  // namespace codepulse::collector::analytics
