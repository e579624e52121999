// The report engine both programs and the collector's JSON API use: any
// nesting of the dimensions, every node carrying the same metrics, children
// that add up exactly to their parent (docs/ATTRIBUTION.md), rendered as an
// indented table, a JSON tree or flat CSV.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/checked_sum.hpp"
#include "common/pricing/pricer.hpp"
#include "common/report/access_scope.hpp"
#include "common/report/seat_charges.hpp"
#include "common/result.hpp"
#include "common/sqlite.hpp"
#include "common/tz.hpp"

namespace codepulse::report {

enum class Dimension {
  kModel,
  kRepo,
  kFile,
  kAuthor,
  kTask,
  kEpic,
  kDate,
  kSession,
  kBranch,
  kCommit,     // the commits a session is linked to (docs/METRICS.md)
  kPr,         // the pull requests of those commits
  kAssistant,  // claude-code, codex, gemini-cli, ... (common/record/assistant.hpp)
  // The people directory's (people_timeline.hpp): the author's person, and
  // that person's team, the team's group and organisation, and level on the
  // record's UTC day.
  kPerson,
  kTeam,
  kGroup,
  kOrg,
  kLevel,
};
inline constexpr size_t kDimensionCount = 17;
enum class Metric {
  kInput,
  kOutput,
  kCacheCreate,
  kCacheRead,
  kTotalTokens,
  kCostUsd,
  kRecords,
  kCacheHitRatio,     // cache_read / (input + cache_create + cache_read)
  kCostPerSession,    // cost / distinct sessions
  kCostPerActiveDay,  // cost / distinct days with usage (in the report's zone)
  kEffectiveCostUsd,  // seats spread over their holders' usage (docs/METRICS.md)
  // Outcomes (docs/METRICS.md): they make a report carry outcome metrics.
  kCommits,
  kMergedPrs,
  kCostPerCommit,
  kCostPerMergedPr,
  kPrCycleTimeHours,     // median, merged PRs
  kPrCycleTimeHoursP75,  // 75th percentile
  kReworkRate,           // reworked lines / lines added
  kLeverage,
  // The same outcome ratios on effective cost, whatever the report's basis.
  kEffectiveCostPerCommit,
  kEffectiveCostPerMergedPr,
  kEffectiveLeverage,
  // Line provenance (docs/PROVENANCE.md).
  kAiLineShare,            // AI-written lines / scored added lines
  kCostPerAcceptedAiLine,  // cost / AI-written lines in commits on the default branch
};
enum class Granularity { kDay, kWeek, kMonth };
// Which cost is THE cost of a report (what cost_usd sorts by, the table's
// cost column, the outcome ratios): the organisation's rates (the default),
// the provider's list prices, or the effective cost (seats spread over
// their holders' usage). All three are always carried.
enum class CostBasis { kOrg, kList, kEffective };

const char* dimension_name(Dimension d);
const char* metric_name(Metric m);
const char* granularity_name(Granularity g);
const char* cost_basis_name(CostBasis b);  // "org", "list", "effective"

// Weights of the leverage score (docs/METRICS.md): activity per dollar.
struct LeverageWeights {
  double lines_added = 1.0, lines_removed = 0.875, refactoring = 0.75, skills = 1.0, mcp = 0.875;
};

// What a node's commits and pull requests did (docs/METRICS.md). Unlike
// spend, outcomes are not split: a commit naming two tasks counts in both.
struct Outcomes {
  int64_t commits = 0;
  int64_t ai_commits = 0;  // an AI co-author trailer or a link to a session
  // Commits only a webhook's push named (no tracker sent them): counted in
  // `commits`, their AI status unknown (neither AI nor not).
  int64_t ai_unknown_commits = 0;
  int64_t lines_added = 0, lines_removed = 0;
  int64_t reworked_lines = 0;  // of the lines added, those later commits reworked
  int64_t ai_lines_added = 0, ai_reworked_lines = 0;  // the same, AI commits only
  int64_t refactoring_lines = 0;  // lines of earlier commits these commits reworked
  // Line provenance (docs/PROVENANCE.md): the added lines the tracker scored,
  // those of them an assistant wrote, and those in commits on the default
  // branch (accepted).
  int64_t scored_lines_added = 0, ai_written_lines = 0, accepted_ai_lines = 0;
  // Survival (docs/PROVENANCE.md, "Survival"), per mark ([0] 21 days, [1] 90
  // days), over the files measured at it: the assistants' scored lines and
  // of them those alive, the others' and of them those alive.
  std::array<int64_t, 2> ai_lines_measured{}, ai_lines_alive{};
  std::array<int64_t, 2> other_lines_measured{}, other_lines_alive{};
  // Rework at line level (docs/PROVENANCE.md), over scored commits whose
  // rework was told at line level: their lines the assistants wrote and the
  // others, and of each those later reworked within the window.
  int64_t line_rework_ai_base = 0, line_rework_other_base = 0;
  int64_t line_reworked_ai = 0, line_reworked_other = 0;
  // Duplication (docs/PROVENANCE.md): blocks of 6+ added lines, the
  // assistants' and the others', and of each those repeating existing code.
  int64_t ai_blocks = 0, ai_blocks_repeated = 0, other_blocks = 0, other_blocks_repeated = 0;
  int64_t prs = 0, merged_prs = 0;
  // Per merged PR, in ms: total (first commit or opening -> merge) and phases.
  std::vector<int64_t> cycle_ms, coding_ms, pickup_ms, review_ms;

  bool empty() const { return commits == 0 && prs == 0; }
};

struct Metrics {
  // Additive: a record split over files or tasks is divided into integer
  // shares that add up exactly to the record.
  int64_t input = 0, output = 0, cache_create = 0, cache_read = 0;
  int64_t cost_nanos = 0;       // sum over priced records, at the organisation's rates
  int64_t list_cost_nanos = 0;  // the same records at list prices
  // Seats' charges spread over their holders' usage, organisation cost for
  // the rest (docs/METRICS.md, "Effective cost").
  int64_t effective_cost_nanos = 0;
  // Distinct counts: a record split over several files counts in each.
  int64_t records = 0;
  int64_t unpriced_records = 0;  // records whose model has no price (never counted as $0)
  int64_t sessions = 0, active_days = 0;
  // Tool calls of the node's records (distinct like records): Skills, MCP tools.
  int64_t skill_calls = 0, mcp_calls = 0;
  Outcomes outcomes;

  // Saturated at INT64_MAX, never wrapped (a query refuses a node whose
  // total does not fit: cube_query.cpp).
  int64_t total_tokens() const {
    int64_t t = input;
    return add_checked(t, output) && add_checked(t, cache_create) && add_checked(t, cache_read)
               ? t
               : INT64_MAX;
  }
  // The cost on basis `b`: the sum over the priced records.
  int64_t cost(CostBasis b) const {
    return b == CostBasis::kList        ? list_cost_nanos
           : b == CostBasis::kEffective ? effective_cost_nanos
                                        : cost_nanos;
  }
  // Every record of the node is unpriced: it has no cost at all (not $0).
  bool all_unpriced() const { return unpriced_records > 0 && unpriced_records >= records; }
  // No record of the node is unpriced: its cost is the whole cost.
  bool cost_complete() const { return unpriced_records == 0; }
  // cost(b), or nullopt when every record is unpriced.
  std::optional<int64_t> known_cost(CostBasis b) const;
  double cache_hit_ratio() const;
  // Money ratios on basis `b`; nullopt when every record is unpriced (a
  // partly priced node's ratios are of its priced part: see cost_complete).
  std::optional<int64_t> cost_per_session_nanos(CostBasis b = CostBasis::kOrg) const;
  std::optional<int64_t> cost_per_active_day_nanos(CostBasis b = CostBasis::kOrg) const;
  // Outcome ratios; nullopt also when the denominator is zero.
  std::optional<int64_t> cost_per_commit_nanos(CostBasis b = CostBasis::kOrg) const;
  std::optional<int64_t> cost_per_merged_pr_nanos(CostBasis b = CostBasis::kOrg) const;
  std::optional<double> rework_rate() const;
  // Spend on reworked lines: the node's spend in the proportion of its
  // commits' added lines that were reworked (an estimate; docs/METRICS.md).
  std::optional<int64_t> reworked_cost_nanos(CostBasis b = CostBasis::kOrg) const;
  std::optional<double> ai_rework_rate() const;
  std::optional<double> other_rework_rate() const;
  // ai_written_lines / scored_lines_added; none without scored lines.
  std::optional<double> ai_line_share() const;
  // Spend per accepted AI line; none without one, or with every record unpriced.
  std::optional<int64_t> cost_per_accepted_ai_line_nanos(CostBasis b = CostBasis::kOrg) const;
  // Survival at mark m (0: 21 days, 1: 90 days): the share of the
  // assistants' lines alive, of the others', and spend per AI line alive.
  std::optional<double> ai_survival(int m) const;
  std::optional<double> other_survival(int m) const;
  std::optional<int64_t> cost_per_alive_ai_line_nanos(int m, CostBasis b = CostBasis::kOrg) const;
  // Rework at line level: the assistants' lines reworked / written, the others'.
  std::optional<double> line_rework_rate_ai() const;
  std::optional<double> line_rework_rate_other() const;
  // Duplication: of the assistants' (the others') blocks, the share repeating code.
  std::optional<double> ai_duplication_share() const;
  std::optional<double> other_duplication_share() const;
  std::optional<double> leverage(const LeverageWeights& w, CostBasis b = CostBasis::kOrg) const;
  // The value sorted on: tokens and nanos as they are, ratios scaled by 1e9;
  // a ratio or a cost without a value (all records unpriced) sorts last. `w`
  // weighs the leverage score, `b` is the cost basis of every money metric.
  int64_t sort_value(Metric m, const LeverageWeights& w = {}, CostBasis b = CostBasis::kOrg) const;
};

struct ReportNode;

// The children of a node, in no set order (the renderers order them). at()
// and count() look a key up by scanning: for tests and small trees.
class ReportChildren {
 public:
  using iterator = std::vector<ReportNode>::iterator;
  using const_iterator = std::vector<ReportNode>::const_iterator;
  iterator begin();
  iterator end();
  const_iterator begin() const;
  const_iterator end() const;
  size_t size() const;
  bool empty() const;
  void reserve(size_t n);
  ReportNode& add(ReportNode node);
  const ReportNode& at(std::string_view key) const;  // throws std::out_of_range
  ReportNode& at(std::string_view key);
  size_t count(std::string_view key) const;

 private:
  std::vector<ReportNode> nodes_;
};

struct ReportNode {
  std::string key;
  Metrics metrics;
  ReportChildren children;
  bool others = false;  // the "(others)" node of a --top cut
};

// Defined here, where ReportNode is complete (clang instantiates the vector's
// members at their first use).
inline ReportChildren::iterator ReportChildren::begin() {
  return nodes_.begin();
}
inline ReportChildren::iterator ReportChildren::end() {
  return nodes_.end();
}
inline ReportChildren::const_iterator ReportChildren::begin() const {
  return nodes_.begin();
}
inline ReportChildren::const_iterator ReportChildren::end() const {
  return nodes_.end();
}
inline size_t ReportChildren::size() const {
  return nodes_.size();
}
inline bool ReportChildren::empty() const {
  return nodes_.empty();
}
inline void ReportChildren::reserve(size_t n) {
  nodes_.reserve(n);
}
inline ReportNode& ReportChildren::add(ReportNode node) {
  nodes_.push_back(std::move(node));
  return nodes_.back();
}

struct Filter {
  Dimension dimension;
  std::string value;
};

struct ReportQuery {
  std::vector<Dimension> group_by{Dimension::kDate, Dimension::kModel};
  std::optional<int64_t> since_ms, until_ms;  // [since, until)
  TimeZone tz = TimeZone::utc();
  Granularity granularity = Granularity::kDay;
  // Filters: values of one dimension are alternatives, dimensions all apply.
  std::vector<Filter> where;
  std::optional<Metric> sort_by;  // default: dates by key, everything else by cost
  size_t top = 0;                 // children kept per node (the rest: "(others)"); 0 = all
  // Set by the collector (report_max_nodes), never by a request: a report
  // that would return more nodes fails with an error starting with
  // kTooManyNodes instead. 0 = no limit.
  size_t max_nodes = 0;
  // Outcome metrics (commits, pull requests, rework, leverage): asked for
  // with outcomes=true, or implied by an outcome metric or the commit and pr
  // dimensions. `links` is the weakest session-commit link counted.
  bool outcomes = false;
  enum class Links { kExact, kStrong, kWeak } links = Links::kStrong;
  // Merge commits (is_merge_commit: docs/METRICS.md) are not an author's
  // work: left out of commits and every outcome unless this is set.
  bool count_merge_commits = false;
  LeverageWeights weights;
  CostBasis cost_basis = CostBasis::kOrg;
  // Set by the collector from the caller, never by a request's parameters
  // (access_scope.hpp): what the caller may see, and the privacy floor.
  AccessScope scope;
  size_t min_group_size = 0;

  // True when the report groups or filters by `d`.
  bool uses(Dimension d) const;
  bool wants_outcomes() const;
};

inline constexpr const char* kTooManyNodes = "report too large";

// The records of one model the report could not price (its key in the
// model dimension), and their tokens.
struct UnpricedModel {
  std::string model;
  int64_t requests = 0, tokens = 0;
  bool operator==(const UnpricedModel&) const = default;
};

struct Report {
  ReportQuery query;
  ReportNode root;  // root.metrics are the totals of what the filters let through
  // Of root.metrics.unpriced_records: per model, most requests first (their
  // requests add up to it exactly).
  std::vector<UnpricedModel> unpriced;
  // Seat months in the report's range whose charge found no usage to spread
  // over (UsageCube::idle_seats): not in any node's effective cost.
  std::vector<IdleSeat> idle_seats;
};

// Task key -> epic key, from the collector's task_epics table (absent: none).
using EpicMap = std::unordered_map<std::string, std::string>;
Result<EpicMap> load_epics(sql::Database& db);

struct UsageFact;      // usage_cube.hpp
struct SeatContext;    // seat_charges.hpp
class PeopleTimeline;  // people_timeline.hpp

// Reads, from ONE snapshot of a store, the epic of every task into `epics`,
// then every usage record whose timestamp is in [since_ms, until_ms) into
// `fn` (which returns false to stop: an error). The fact passed is reused.
using UsageReader =
    std::function<Status(int64_t since_ms, int64_t until_ms, bool with_tools, EpicMap& epics,
                         const std::function<bool(const UsageFact&)>& fn)>;

struct OutcomeData;  // outcome_report.hpp
using OutcomeReader = std::function<Result<OutcomeData>(int64_t since_ms, int64_t until_ms)>;

// A report of the records `read` gives: a cube of the asked range, then the
// same query the collector's live cube answers (usage_cube.hpp). Outcomes,
// when the query asks for them, come from `outcomes` (none when empty).
// Every record is priced with `pricer` (the builtin book when null).
// With `seats`, effective cost spreads them (the records of the range's
// whole UTC months are read for it) and the report lists idle seats.
// `people` answers the people dimensions (none: every record is "(no person)").
Result<Report> build_report(const UsageReader& read, const ReportQuery& query,
                            const OutcomeReader& outcomes = {},
                            std::shared_ptr<const Pricer> pricer = nullptr,
                            const SeatContext* seats = nullptr,
                            std::shared_ptr<const PeopleTimeline> people = nullptr);
// The same, from a SQLite store's usage_records (the tracker's or the
// collector's; the collector's optional task_epics table names epics).
Result<Report> build_report(sql::Database& db, const ReportQuery& query,
                            std::shared_ptr<const Pricer> pricer = nullptr,
                            const SeatContext* seats = nullptr,
                            std::shared_ptr<const PeopleTimeline> people = nullptr);

// Output formats: "table", "json", "csv".
std::string render(const Report& r, std::string_view format);
std::string render_json(const Report& r);
std::string render_csv(const Report& r);
std::string render_table(const Report& r);

// Report parameters by name, as the command line (--group-by ...) and the
// JSON API (?group_by=...) give them: group_by, metric, since, until, where
// (repeatable, DIM=VALUE), top, tz, granularity, format, cost (org, list or
// effective), outcomes, links. Errors name the parameter and list the valid
// choices.
using Params = std::vector<std::pair<std::string, std::string>>;
struct ReportRequest {
  ReportQuery query;
  std::string format = "table";
};
Result<ReportRequest> parse_report_params(const Params& params);

// The date dimension's key of an instant: its local day, ISO week or month.
std::string date_key_at(int64_t ts_ms, const TimeZone& tz, Granularity g);

// "1,234,567"
std::string with_thousands(int64_t v);

// "1 record", "2,500 records": a count with thousands separators and its noun,
// singular for exactly one (`plural` is the noun with an "s" unless given).
std::string counted(int64_t n, std::string_view noun, std::string_view plural = {});

}  // namespace codepulse::report
