#include "collector/analytics/usage_export.hpp"

#include <charconv>
#include <chrono>
#include <concepts>
#include <map>

#include "collector/analytics/fact_mutations.hpp"
#include "collector/analytics/usage_rollup.hpp"
#include "common/json_writer.hpp"
#include "common/time.hpp"
#include "common/tool_codec.hpp"

namespace codepulse::collector::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;

int64_t day_of(int64_t ts_ms) {
  return (ts_ms >= 0 ? ts_ms / kDayMs : (ts_ms - kDayMs + 1) / kDayMs) * kDayMs;
}

std::string date_text(int64_t day_ms) {
  return format_date(civil_from_days(day_ms / kDayMs));
}

template <std::integral Int>
void append_field(std::string& out, std::string_view key, Int v) {
  out.push_back('"');
  out.append(key);
  out.append("\":");
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
  out.push_back(',');
}

void append_field(std::string& out, std::string_view key, std::string_view v) {
  out.push_back('"');
  out.append(key);
  out.append("\":");
  append_json_string(out, v);
  out.push_back(',');
}

// One JSONEachRow line. 64-bit numbers go bare (18.16 reads both forms).
void append_row(std::string& out, const report::UsageFact& f, uint64_t version,
                const PricedUsage& priced) {
  out.push_back('{');
  append_field(out, "day", date_text(day_of(f.ts_ms)));
  append_field(out, "author", f.author);
  append_field(out, "record_id", f.record_id);
  append_field(out, "version", version);
  append_field(out, "ts_ms", f.ts_ms);
  append_field(out, "session", f.session);
  append_field(out, "model", f.model);
  append_field(out, "repo", f.repo);
  append_field(out, "branch", f.branch);
  append_field(out, "task_keys", f.task_keys);
  append_field(out, "turn_id", f.turn_id);
  append_field(out, "assistant", f.assistant);
  append_field(out, "input", f.input);
  append_field(out, "output", f.output);
  append_field(out, "cache_create", f.cache_create);
  append_field(out, "cache_create_1h", f.cache_create_1h);
  append_field(out, "cache_read", f.cache_read);
  append_field(out, "web_search", f.web_search);
  append_field(out, "web_fetch", f.web_fetch);
  append_field(out, "fast", int64_t{f.fast ? 1 : 0});
  append_field(out, "inference_geo", f.inference_geo);
  append_field(out, "priced", int64_t{priced.list_nanos.has_value() ? 1 : 0});
  append_field(out, "cost_nanos", priced.org_nanos.value_or(0));
  append_field(out, "list_cost_nanos", priced.list_nanos.value_or(0));
  const report::ToolCallCounts calls = report::tool_call_counts(f.tools);
  append_field(out, "skills", calls.skills);
  append_field(out, "mcp", calls.mcp);
  out.append("\"tools\":");
  append_json_string(out, encode_tools(f.tools));
  out.append("}\n");
}

}  // namespace

std::string sql_literal(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string sql_date(int64_t ms) {
  return "toDate(" + sql_literal(date_text(day_of(ms))) + ")";
}

UsageExporter::UsageExporter(ClickHouseClient& ch, Store& store,
                             std::shared_ptr<const Pricer> pricer, size_t rows_per_insert)
    : ch_(ch), store_(store), pricer_(std::move(pricer)), rows_per_insert_(rows_per_insert) {}

uint64_t UsageExporter::version_of(int64_t revision) const {
  return (static_cast<uint64_t>(revision) << kGenerationBits) | generation_;
}

Status UsageExporter::prepare() {
  const std::string fp = sql_literal(pricer_->fingerprint());
  auto found = ch_.execute(
      "SELECT min(generation), count() FROM pricing_generations WHERE "
      "fingerprint = " +
      fp + " FORMAT TabSeparated");
  if (!found) return found.error();
  uint32_t gen = 0, count = 0;
  {
    const char* p = found->data();
    const char* end = p + found->size();
    auto r = std::from_chars(p, end, gen);
    if (r.ec == std::errc() && r.ptr < end) std::from_chars(r.ptr + 1, end, count);
  }
  if (count > 0) {
    generation_ = gen;
    return {};
  }
  auto last = ch_.execute("SELECT max(generation) FROM pricing_generations FORMAT TabSeparated");
  if (!last) return last.error();
  uint32_t max_gen = 0;
  std::from_chars(last->data(), last->data() + last->size(), max_gen);
  if (max_gen + 1 >= (1u << kGenerationBits))
    return make_error("ClickHouse at " + ch_.target().display() +
                      ": pricing generations are used up (a million price changes)");
  generation_ = max_gen + 1;
  std::string row;
  row += std::to_string(generation_) + "\t";
  for (char c : pricer_->fingerprint()) {
    if (c == '\\' || c == '\t' || c == '\n') row.push_back('\\');
    row.push_back(c == '\t' ? 't' : c == '\n' ? 'n' : c);
  }
  row += "\t" + std::to_string(now_utc_ms()) + "\n";
  return ch_.insert("pricing_generations", "TabSeparated", row);
}

Result<int64_t> UsageExporter::export_range(int64_t since_ms, int64_t until_ms) {
  std::string rows;
  std::vector<int64_t> days;
  size_t pending = 0;
  int64_t sent = 0;
  Status failed;
  report::EpicMap epics;
  auto flush = [&]() -> bool {
    if (pending == 0) return true;
    if (auto s = insert_facts(rows, days); !s) {
      failed = s;
      return false;
    }
    sent += static_cast<int64_t>(pending);
    rows.clear();
    days.clear();
    pending = 0;
    return true;
  };
  auto scanned = store_.read_usage(
      since_ms, until_ms, /*with_tools=*/true, epics, [&](const report::UsageFact& f) {
        append_row(rows, f, version_of(f.revision), pricer_->price(f.to_price()));
        if (days.empty() || days.back() != day_of(f.ts_ms)) days.push_back(day_of(f.ts_ms));
        return ++pending < rows_per_insert_ || flush();
      });
  if (!failed) return failed.error();
  if (!scanned) return scanned.error();
  if (!flush()) return failed.error();
  return sent;
}

Result<int64_t> UsageExporter::send(const std::vector<report::UsageFact>& facts) {
  std::string rows;
  std::vector<int64_t> days;
  size_t pending = 0;
  int64_t sent = 0;
  for (size_t i = 0; i < facts.size(); ++i) {
    const report::UsageFact& f = facts[i];
    append_row(rows, f, version_of(f.revision), pricer_->price(f.to_price()));
    days.push_back(day_of(f.ts_ms));
    if (++pending < rows_per_insert_ && i + 1 < facts.size()) continue;
    if (auto s = insert_facts(rows, days); !s) return s.error();
    sent += static_cast<int64_t>(pending);
    rows.clear();
    days.clear();
    pending = 0;
  }
  return sent;
}

Status UsageExporter::insert_facts(const std::string& rows, const std::vector<int64_t>& days) {
  if (auto s = ch_.insert("usage_facts", "JSONEachRow", rows); !s) return s;
  // After the rows: a rollup begun before this mark read them or is stale.
  return mark_days_dirty(ch_, days);
}

Result<std::vector<DayDifference>> UsageExporter::compare_days(int64_t since_ms, int64_t until_ms) {
  const int64_t first = day_of(since_ms);
  const int64_t last = day_of(until_ms - 1) + kDayMs;  // exclusive
  std::map<int64_t, DayDifference> days;
  // The store's counts are kept at ingest: no record is read. A day's sum of
  // versions is its revisions' sum shifted, plus the generation once a record
  // (in unsigned arithmetic, as ClickHouse sums a UInt64 column).
  auto counted = store_.usage_days(first, last);
  if (!counted) return counted.error();
  for (const UsageDayCount& c : *counted) {
    DayDifference& d = days[c.day_ms];
    d.store_records = c.records;
    d.store_versions = (static_cast<uint64_t>(c.revisions) << kGenerationBits) +
                       static_cast<uint64_t>(c.records) * generation_;
  }
  auto rows = ch_.execute(
      "SELECT toString(day), count(), sum(version) FROM usage_facts FINAL WHERE day >= toDate(" +
      sql_literal(date_text(first)) + ") AND day < toDate(" + sql_literal(date_text(last)) +
      ") GROUP BY day FORMAT TabSeparated");
  if (!rows) return rows.error();
  std::string_view rest = *rows;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    const size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    auto day = parse_date_bound_ms(line.substr(0, t1), 0);
    int64_t count = 0;
    uint64_t versions = 0;
    if (!day || t2 == std::string_view::npos ||
        std::from_chars(line.data() + t1 + 1, line.data() + t2, count).ec != std::errc() ||
        std::from_chars(line.data() + t2 + 1, line.data() + line.size(), versions).ec !=
            std::errc())
      return make_error("ClickHouse at " + ch_.target().display() +
                        ": an unreadable row of the day comparison: '" + std::string(line) + "'");
    DayDifference& d = days[*day];
    d.analytics_records = count;
    d.analytics_versions = versions;
  }
  std::vector<DayDifference> out;
  for (auto& [day, d] : days) {
    if (d.store_records == d.analytics_records && d.store_versions == d.analytics_versions)
      continue;
    d.day_ms = day;
    out.push_back(d);
  }
  return out;
}

Status UsageExporter::clear_day(int64_t day_ms) {
  if (auto s = delete_fact_rows(ch_, "usage_facts",
                                "day = toDate(" + sql_literal(date_text(day_ms)) + ")",
                                std::chrono::minutes(10));
      !s)
    return s;
  return mark_days_dirty(ch_, {day_ms});
}

Result<HealOutcome> UsageExporter::heal(int64_t since_ms, int64_t until_ms) {
  auto days = compare_days(since_ms, until_ms);
  if (!days) return days.error();
  HealOutcome out;
  for (const DayDifference& d : *days) {
    if (d.analytics_records > d.store_records) {
      if (auto s = clear_day(d.day_ms); !s) return s.error();
      ++out.days_cleared;
    }
    auto sent = export_range(d.day_ms, d.day_ms + kDayMs);
    if (!sent) return sent.error();
    out.rows_sent += *sent;
  }
  out.days = std::move(*days);
  return out;
}

}  // namespace codepulse::collector::analytics
