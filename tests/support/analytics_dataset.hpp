// The analytics tests' data (clickhouse_report_test, clickhouse_cluster_test):
// several hundred records over three months, a people directory, seats,
// and one round's random report parameters.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/report/outcome_report.hpp"
#include "common/report/people_timeline.hpp"
#include "common/report/report.hpp"
#include "common/report/seat_charges.hpp"
#include "proto/wire_batch.hpp"

namespace codepulse::test {

inline constexpr int64_t kDayMs = 86'400'000;
inline constexpr int64_t kT0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

// By author: models (one unpriced, some in fast mode), assistants, repos,
// branches (some none), 0-3 task keys, turns (some records without a turn
// id), Skill and MCP calls, five authors; and a burst of one session. 800
// records.
std::map<std::string, std::vector<proto::WireRecord>> analytics_dataset(uint64_t seed);

// Records whose turns lie within 40 minutes (one of them across midnight
// UTC, 2026-01-05/06) with file tool calls: edits and writes with line
// counts (some results unseen), reads, calls without a path; 0-3 task keys,
// four models (one unpriced), three authors, a month. 480 records.
std::map<std::string, std::vector<proto::WireRecord>> file_dataset(uint64_t seed);

// Sessions that edit files, read them and commit (`git commit` calls with
// the sha, some cut to 7 characters), and the commits, rework and pull
// requests they lead to: commits a session reported (exact links), commits
// of files a session changed in its edit window (strong), commits on a
// session's branch (weak), others' commits and commits no session is near;
// authors' emails in other cases; pull requests merged, open and closed,
// some naming their commits, some only their branch. Three authors, two
// repositories, five weeks; some sessions change branch, one at the same
// millisecond as another record.
struct OutcomeDataset {
  std::map<std::string, std::vector<proto::WireRecord>> records;
  report::OutcomeData outcomes;
};
OutcomeDataset outcome_dataset(uint64_t seed);

// What a store's outcome reader returns of `data` for [since, until): the
// commits committed in it, the rework done to them, every pull request.
report::OutcomeData outcomes_of(const report::OutcomeData& data, int64_t since, int64_t until);

// dev0 and dev1 are people of two teams (dev1 moves on 2026-02-15), with
// levels; dev2 and the rest are in no directory.
std::shared_ptr<report::PeopleTimeline> analytics_directory();

// Seats for dev0 (Claude Code, all three months) and dev3 (Codex, from
// February on), and one nobody uses.
report::SeatContext analytics_seats();

// Round `round`'s filters (one or two of `filters`), --top, range (on
// quarter hours) and time zone, added to `params`.
void vary_report(report::Params& params, int round, std::mt19937_64& rng,
                 const std::vector<std::string>& filters);

// "model,repo" of {"model", "repo"}: a group_by value.
std::string group_by_of(const std::vector<std::string>& dims);

// "k=v k=v ": the parameters, for a failing round's message.
std::string described(const report::Params& params);

}  // namespace codepulse::test
