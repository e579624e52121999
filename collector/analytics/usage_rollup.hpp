// analytics: the day rollups reports read instead of every record
// (docs/CLICKHOUSE.md, "Rollups").
//
// usage_rollup holds, per UTC day, usage_facts summed into the report
// cube's groups (quarter hour, author, session, model, repo, branch, task
// keys, assistant, priced): about an eighth of the rows, and no FINAL to
// read them; usage_rollup_hour the same by hour, task keys left empty
// (about half as many again), made from it in the same roll and epoch;
// usage_rollup_task the report cube's groups by turn (its exact groups)
// split evenly over their tasks as the cube splits them (attributed_tasks,
// apportion: each of n tasks gets x / n, the first x % n one more), then
// summed by quarter hour, the same keys and the task's place in its set;
// usage_rollup_task_hour the same by hour (the shares add up).
// A
// day's rollup is made whole by one INSERT ... SELECT under FINAL and tagged
// with an epoch, (the server's second when it began) << 20 | a random
// number; rollup_epochs names each day's current epoch (the largest: of two
// begun in one second either, as both began after the same marks), written
// after the rows of both grains, so a rollup appears at once or not at all.
// Every change to a day's facts writes a mark in rollup_dirty after the
// facts are in (the server's second). A day is clean when its current epoch
// began after its last mark: the facts it read then held every change
// marked before. Reports read clean days from their rollup and dirty days
// from usage_facts under FINAL, with the days' states read once, so a day
// is counted from exactly one of the two. Superseded epochs are deleted
// later; a report checks its days' epochs again after its query and asks
// again if one changed underneath it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "collector/analytics/clickhouse_client.hpp"
#include "common/result.hpp"

namespace codepulse::collector::analytics {

// An epoch's low bits are random: two collectors rolling the same day in
// the same second make different epochs.
inline constexpr int kEpochRandomBits = 20;

// Marks the days' rollups out of date (UTC day starts in ms), and the day
// either side of each that has usage (its file split reads the turns'
// files from the day beside it).
// Call after the days' facts changed: a mark written before the change
// could let a rollup begun in between pass as current.
Status mark_days_dirty(ClickHouseClient& ch, const std::vector<int64_t>& day_ms);

// The days of [first_day_ms, end_day_ms) that have usage: rolled up and
// current (with their epoch), or dirty.
struct DayStates {
  std::vector<std::pair<int64_t, uint64_t>> clean;  // day start, current epoch
  std::vector<int64_t> dirty;
};
Result<DayStates> day_states(ClickHouseClient& ch, int64_t first_day_ms, int64_t end_day_ms);

// Whether every clean day of `before` still has the epoch it had (a report
// read its rows meanwhile; a newer epoch may have let them be deleted).
Result<bool> epochs_unchanged(ClickHouseClient& ch, const DayStates& before, int64_t first_day_ms,
                              int64_t end_day_ms);

// Dirty days whose last mark is at least `quiet` old, oldest day first, at
// most `limit`; `dirty`, when given, gets the number of all dirty days.
Result<std::vector<int64_t>> days_to_roll(ClickHouseClient& ch, std::chrono::seconds quiet,
                                          size_t limit, size_t* dirty = nullptr);

// Rolls one day up again from its facts; returns the new epoch.
Result<uint64_t> roll_day(ClickHouseClient& ch, int64_t day_ms);

// Deletes the rows of epochs that are no longer current and began more
// than `keep` ago (reports still reading them check and ask again); returns
// how many (day, epoch) pairs were deleted.
Result<int64_t> collect_rollup_garbage(ClickHouseClient& ch, std::chrono::seconds keep);

// Compares every clean day's rollup with its facts under FINAL (records and
// the sum of their versions) and marks the days that differ dirty (a crash
// between a day's facts and its mark); returns them.
Result<std::vector<int64_t>> verify_rollups(ClickHouseClient& ch);

// The columns of group_rows(), in order: b (the quarter hour), author,
// session, model, repo, branch, task_keys, assistant, priced, input,
// output, cache_create, cache_read, cost_nanos, list_cost_nanos, records,
// skills, mcp, first_ms, last_ms, gen_min, gen_max.
//
// A subquery of [since_ms, until_ms) (quarter-hour bounds, INT64_MIN/MAX
// for none): clean days' rollup rows and dirty days' facts, one row per
// record. `where` is more condition on columns both have (model, repo,
// session, branch, author, assistant, task_keys, priced).
//
// kHour reads the clean days' hour rollups instead (usage_rollup_hour), each
// hour's row as its first quarter hour's, task_keys empty: for reports that
// neither split by task nor read a day other than by an hour's start (a
// zone whose offsets and transitions are whole hours), over a range of
// whole hours.
enum class RollupGrain { kQuarterHour, kHour };
// `dirty_table`: the dirty days' rows are read from that table
// (dirty_split), not from usage_facts here.
std::string group_rows(const DayStates& days, int64_t since_ms, int64_t until_ms,
                       const std::string& where, RollupGrain grain = RollupGrain::kQuarterHour,
                       const std::string& dirty_table = {});

// The tasks of the comma-separated keys in the column `keys`, as SQL (an
// Array(String)): each key once, in order; none: ['(no task)']. The
// cube's attributed_tasks.
std::string task_list_sql(const std::string& keys);

// The columns of task_rows(), in order: b, author, session, model, repo,
// branch, task_keys, task_index (1-based place of the task in
// task_list_sql(task_keys)), task, assistant, priced, input, output,
// cache_create, cache_read, cost_nanos, list_cost_nanos (each the sum of
// the turn groups' shares of the task), records, skills, mcp (each the
// sum of the whole turn groups': a task's row counts its groups' records
// once, and a node above the task counts each group at one of its rows
// only), gen_min, gen_max.
//
// A subquery of [since_ms, until_ms) (quarter-hour bounds): clean days'
// usage_rollup_task rows and dirty days' facts split alike. `where` as for
// group_rows (no condition on the task: the caller filters the subquery).
// kHour reads the clean days' usage_rollup_task_hour, as for group_rows.
// `dirty_table`: the dirty days' rows are read from that table
// (dirty_split), not split here.
std::string task_rows(const DayStates& days, int64_t since_ms, int64_t until_ms,
                      const std::string& where, RollupGrain grain = RollupGrain::kQuarterHour,
                      const std::string& dirty_table = {});

// The columns of task_rows() with file_index (1-based place of the file in
// its turn's files, by path) and file after task, and oversized last (the
// groups whose weights were too large to split exactly: reports over them
// are answered from the store). Each row is the turn groups' shares of one
// task and file (attributed_files, apportion), a turn's files read from its
// records up to a day either side of the group's day (as reports from the
// store read them a day beyond their range). Quarter hours only; `where` as
// for task_rows.
std::string file_rows(const DayStates& days, int64_t since_ms, int64_t until_ms,
                      const std::string& where, const std::string& dirty_table = {});

// The dirty days' split rows of a report, made once: `statements` create a
// temporary table `table` of the report's session and fill it with the
// rows task_rows (or file_rows, or group_rows: kGroups) would read from
// the dirty days' facts in [since_ms, until_ms) that meet `where`; given
// the table, they read them from it, with each part's own `where` (the
// same filters, or more). So every part and step of a report reads the
// same records. Written into each part of a report instead, the split is
// analysed again at every level above it (18.16 analyses a subquery once
// for its header and once to run it): a file report of two parts spent
// 1.1-1.4 s analysing its splits, on empty tables. No table (and no
// statement) when the report reads no dirty day.
struct DirtySplit {
  std::string table;
  std::vector<std::string> statements;
};
enum class SplitKind { kGroups, kTask, kFile };
DirtySplit dirty_split(SplitKind kind, const std::string& database, const DayStates& days,
                       int64_t since_ms, int64_t until_ms, const std::string& where);

}  // namespace codepulse::collector::analytics
