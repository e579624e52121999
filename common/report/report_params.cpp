// Report parameters from the command line or a URL query: one parser, one
// set of error messages, and the names of dimensions, metrics and
// granularities. Values are never pasted into SQL: dimensions and metrics
// are names from fixed lists, filters are compared in memory, and the time
// range is bound as integers.
#include <algorithm>

#include "common/enum_names.hpp"
#include "common/report/report.hpp"
#include "common/time.hpp"

namespace codepulse::report {
namespace {

struct MetricName {
  Metric m;
  const char* name;
};
constexpr MetricName kMetrics[] = {
    {Metric::kInput, "input"},
    {Metric::kOutput, "output"},
    {Metric::kCacheCreate, "cache_create"},
    {Metric::kCacheRead, "cache_read"},
    {Metric::kTotalTokens, "total_tokens"},
    {Metric::kCostUsd, "cost_usd"},
    {Metric::kRecords, "records"},
    {Metric::kCacheHitRatio, "cache_hit_ratio"},
    {Metric::kCostPerSession, "cost_per_session"},
    {Metric::kCostPerActiveDay, "cost_per_active_day"},
    {Metric::kEffectiveCostUsd, "effective_cost_usd"},
    {Metric::kCommits, "commits"},
    {Metric::kMergedPrs, "merged_prs"},
    {Metric::kCostPerCommit, "cost_per_commit"},
    {Metric::kCostPerMergedPr, "cost_per_merged_pr"},
    {Metric::kPrCycleTimeHours, "pr_cycle_time_hours"},
    {Metric::kPrCycleTimeHoursP75, "pr_cycle_time_hours_p75"},
    {Metric::kReworkRate, "rework_rate"},
    {Metric::kLeverage, "leverage"},
    {Metric::kEffectiveCostPerCommit, "effective_cost_per_commit"},
    {Metric::kEffectiveCostPerMergedPr, "effective_cost_per_merged_pr"},
    {Metric::kEffectiveLeverage, "effective_leverage"},
    {Metric::kAiLineShare, "ai_line_share"},
    {Metric::kCostPerAcceptedAiLine, "cost_per_accepted_ai_line"}};

struct DimensionName {
  Dimension d;
  const char* name;
};
constexpr DimensionName kDimensions[] = {
    {Dimension::kModel, "model"},   {Dimension::kRepo, "repo"},
    {Dimension::kFile, "file"},     {Dimension::kAuthor, "author"},
    {Dimension::kTask, "task"},     {Dimension::kEpic, "epic"},
    {Dimension::kDate, "date"},     {Dimension::kSession, "session"},
    {Dimension::kBranch, "branch"}, {Dimension::kCommit, "commit"},
    {Dimension::kPr, "pr"},         {Dimension::kAssistant, "assistant"},
    {Dimension::kPerson, "person"}, {Dimension::kTeam, "team"},
    {Dimension::kGroup, "group"},   {Dimension::kOrg, "org"},
    {Dimension::kLevel, "level"}};

std::string dimension_list() {
  std::string out;
  for (const auto& d : kDimensions)
    out += (out.empty() ? "" : ", ") + std::string(d.name);
  return out;
}

std::string metric_list() {
  std::string out;
  for (const auto& m : kMetrics)
    out += (out.empty() ? "" : ", ") + std::string(m.name);
  return out;
}

std::optional<Dimension> find_dimension(std::string_view name) {
  for (const auto& d : kDimensions)
    if (name == d.name) return d.d;
  return std::nullopt;
}

// Quotes a user value for an error message, without control characters.
std::string shown(std::string_view v) {
  std::string out = "'";
  for (char c : v.substr(0, 100))
    out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  return out + (v.size() > 100 ? "...'" : "'");
}

}  // namespace

const char* dimension_name(Dimension d) {
  for (const auto& n : kDimensions)
    if (n.d == d) return n.name;
  return "?";
}

const char* metric_name(Metric m) {
  for (const auto& n : kMetrics)
    if (n.m == m) return n.name;
  return "?";
}

namespace {
constexpr EnumName<Granularity> kGranularityNames[] = {
    {Granularity::kDay, "day"}, {Granularity::kWeek, "week"}, {Granularity::kMonth, "month"}};
}  // namespace

namespace {
constexpr EnumName<CostBasis> kCostBasisNames[] = {
    {CostBasis::kOrg, "org"}, {CostBasis::kList, "list"}, {CostBasis::kEffective, "effective"}};
}  // namespace

// The names are literals: data() ends with a NUL.
const char* granularity_name(Granularity g) {
  return name_of(kGranularityNames, g).data();
}

const char* cost_basis_name(CostBasis b) {
  return name_of(kCostBasisNames, b).data();
}

bool ReportQuery::wants_outcomes() const {
  return outcomes || uses(Dimension::kCommit) || uses(Dimension::kPr) ||
         (sort_by && *sort_by >= Metric::kCommits);
}

bool ReportQuery::uses(Dimension d) const {
  return std::find(group_by.begin(), group_by.end(), d) != group_by.end() ||
         std::any_of(where.begin(), where.end(), [d](const Filter& f) { return f.dimension == d; });
}

Result<ReportRequest> parse_report_params(const Params& params) {
  ReportRequest out;
  ReportQuery& q = out.query;
  std::optional<std::string> since, until;
  for (const auto& [name, value] : params) {
    if (name == "group_by") {
      q.group_by.clear();
      size_t pos = 0;
      while (pos <= value.size()) {
        const size_t comma = value.find(',', pos);
        const std::string part =
            value.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        pos = comma == std::string::npos ? value.size() + 1 : comma + 1;
        const auto d = find_dimension(part);
        if (!d)
          return make_error("group_by: unknown dimension " + shown(part) + " (use " +
                            dimension_list() + ")");
        if (std::find(q.group_by.begin(), q.group_by.end(), *d) != q.group_by.end())
          return make_error("group_by: dimension '" + part + "' is given twice");
        q.group_by.push_back(*d);
      }
    } else if (name == "metric") {
      const std::string& wanted = value;  // clang 14 cannot capture a structured binding
      const auto it = std::find_if(std::begin(kMetrics), std::end(kMetrics),
                                   [&wanted](const MetricName& m) { return wanted == m.name; });
      if (it == std::end(kMetrics))
        return make_error("metric: unknown metric " + shown(value) + " (use " + metric_list() +
                          ")");
      q.sort_by = it->m;
    } else if (name == "where") {
      const auto eq = value.find('=');
      const auto d = eq == std::string::npos ? std::nullopt : find_dimension(value.substr(0, eq));
      if (!d)
        return make_error("where: expected DIMENSION=VALUE with a dimension of " +
                          dimension_list() + ", got " + shown(value));
      q.where.push_back({*d, value.substr(eq + 1)});
    } else if (name == "top") {
      char* end = nullptr;
      const long long n = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || n < 1 || n > 1'000'000)
        return make_error("top: expected a number from 1 to 1000000, got " + shown(value));
      q.top = static_cast<size_t>(n);
    } else if (name == "tz") {
      auto tz = TimeZone::load(value);
      if (!tz) return make_error("tz: " + tz.error().message);
      q.tz = std::move(tz).value();
    } else if (name == "granularity") {
      if (auto g = value_named(kGranularityNames, value))
        q.granularity = *g;
      else
        return make_error("granularity: expected day, week or month, got " + shown(value));
    } else if (name == "cost") {
      if (auto b = value_named(kCostBasisNames, value))
        q.cost_basis = *b;
      else
        return make_error("cost: expected org, list or effective, got " + shown(value));
    } else if (name == "format") {
      if (value != "table" && value != "json" && value != "csv")
        return make_error("format: expected table, json or csv, got " + shown(value));
      out.format = value;
    } else if (name == "outcomes") {
      if (value != "true" && value != "false" && value != "1" && value != "0")
        return make_error("outcomes: expected true or false, got " + shown(value));
      q.outcomes = value == "true" || value == "1";
    } else if (name == "links") {
      if (value == "exact")
        q.links = ReportQuery::Links::kExact;
      else if (value == "strong")
        q.links = ReportQuery::Links::kStrong;
      else if (value == "weak")
        q.links = ReportQuery::Links::kWeak;
      else
        return make_error("links: expected exact, strong or weak, got " + shown(value));
    } else if (name == "merge_commits") {
      if (value == "exclude")
        q.count_merge_commits = false;
      else if (value == "count")
        q.count_merge_commits = true;
      else
        return make_error("merge_commits: expected exclude or count, got " + shown(value));
    } else if (name == "since") {
      since = value;
    } else if (name == "until") {
      until = value;
    } else {
      return make_error("unknown parameter " + shown(name) +
                        " (use group_by, metric, where, top, since, until, tz, granularity, "
                        "format, cost, outcomes, links, merge_commits)");
    }
  }
  if (q.group_by.empty()) return make_error("group_by: no dimension given");
  // A bare day is taken in the report's zone; `until` includes its whole day.
  auto bound = [&](const std::string& text, const char* what, bool next_day) -> Result<int64_t> {
    auto probe = parse_date_bound_ms(text, 0);
    if (!probe)
      return make_error(std::string(what) +
                        ": expected YYYY-MM-DD, YYYYMMDD or an ISO-8601 instant, got " +
                        shown(text));
    if (text.find('T') != std::string::npos) return *probe;
    const int64_t days = *probe / 86'400'000 + (next_day ? 1 : 0);
    return q.tz.local_day_start_utc(civil_from_days(days)) * 1000;
  };
  if (since) {
    auto v = bound(*since, "since", false);
    if (!v) return v.error();
    q.since_ms = *v;
  }
  if (until) {
    auto v = bound(*until, "until", true);
    if (!v) return v.error();
    q.until_ms = *v;
  }
  if (q.since_ms && q.until_ms && *q.since_ms >= *q.until_ms)
    return make_error("since must be before until");
  return out;
}

}  // namespace codepulse::report
