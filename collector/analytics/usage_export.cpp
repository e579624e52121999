#include "collector/analytics/usage_export.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <concepts>
#include <map>
#include <optional>

#include "collector/analytics/fact_mutations.hpp"
#include "collector/analytics/tsv_reply.hpp"
#include "collector/analytics/usage_rollup.hpp"
#include "common/json_writer.hpp"
#include "common/report/attribution.hpp"
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

// `"key":[v,...],` of integers.
void append_ints(std::string& out, std::string_view key, const std::vector<int64_t>& values) {
  out.push_back('"');
  out.append(key);
  out.append("\":[");
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, values[i]);
    out.append(buf, end);
  }
  out.append("],");
}

// The record's files as a turn's files count them (report::file_effect),
// summed by path in the order first met: the task split by file reads each
// turn's files from its records' (usage_rollup.hpp).
void append_files(std::string& out, const std::vector<ToolUse>& tools) {
  std::vector<std::string_view> paths;
  std::vector<int64_t> changes, reads, unknown, lines;
  for (const ToolUse& tool : tools) {
    const report::FileEffect e = report::file_effect(tool);
    if (!e.counts()) continue;
    size_t i =
        static_cast<size_t>(std::find(paths.begin(), paths.end(), tool.path) - paths.begin());
    if (i == paths.size()) {
      paths.push_back(tool.path);
      changes.push_back(0);
      reads.push_back(0);
      unknown.push_back(0);
      lines.push_back(0);
    }
    changes[i] += e.changes;
    reads[i] += e.reads;
    unknown[i] += e.unknown;
    lines[i] += e.lines;
  }
  out.append("\"files_known\":1,\"file_paths\":[");
  for (size_t i = 0; i < paths.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, paths[i]);
  }
  out.append("],");
  append_ints(out, "file_changes", changes);
  append_ints(out, "file_reads", reads);
  append_ints(out, "file_unknown", unknown);
  append_ints(out, "file_lines", lines);
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
  append_files(out, f.tools);
  out.append("\"tools\":");
  append_json_string(out, encode_tools(f.tools));
  out.append("}\n");
}

}  // namespace

std::string fact_generation_sql() {
  return "if(files_known = 0, toUInt64(0), bitAnd(version, " +
         std::to_string((uint64_t{1} << kGenerationBits) - 1) + "))";
}

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

uint64_t UsageExporter::version_of(const report::UsageFact& f) const {
  return (static_cast<uint64_t>(f.revision) << kGenerationBits) | generations_->of(f.model);
}

namespace {

// A field for a TabSeparated insert, escaped.
void append_tsv(std::string& row, std::string_view field) {
  for (char c : field) {
    if (c == '\\' || c == '\t' || c == '\n') row.push_back('\\');
    row.push_back(c == '\t' ? 't' : c == '\n' ? 'n' : c);
  }
}

// A row of model_generations.
void append_model_row(std::string& rows, std::string_view model, std::string_view fingerprint,
                      uint32_t generation, const std::string& now) {
  append_tsv(rows, model);
  rows.push_back('\t');
  append_tsv(rows, fingerprint);
  rows += "\t" + std::to_string(generation) + "\t" + now + "\n";
}

}  // namespace

std::string UsageExporter::fingerprint_of(std::string_view model) const {
  // The column holds the report's model: "-fast" appended in fast mode, so
  // the logged id may be either; prices of both count.
  std::string out = pricer_->model_fingerprint(model);
  if (model.ends_with("-fast"))
    out += "+" + pricer_->model_fingerprint(model.substr(0, model.size() - 5));
  return out;
}

Status UsageExporter::prepare() {
  const std::string& fingerprint = pricer_->fingerprint();
  // The book's generation: the last one's, when these are its prices.
  auto last = ch_.execute(
      "SELECT generation, fingerprint FROM pricing_generations ORDER BY generation DESC LIMIT 1 "
      "FORMAT TabSeparated");
  if (!last) return last.error();
  std::vector<std::string> f;
  uint32_t last_gen = 0, book = 0;
  if (!last->empty()) {
    const std::string_view line(last->data(), last->find('\n'));
    if (!split_tsv_line(line, 2, f) || !parse_int(f[0], last_gen))
      return unreadable_row(ch_, "the last pricing generation", line);
    if (f[1] == fingerprint) book = last_gen;
  }
  if (book == 0) {
    if (last_gen + 1 >= (1u << kGenerationBits))
      return make_error("ClickHouse at " + ch_.target().display() +
                        ": pricing generations are used up (a million price changes)");
    book = last_gen + 1;
    std::string row = std::to_string(book) + "\t";
    append_tsv(row, fingerprint);
    row += "\t" + std::to_string(now_utc_ms()) + "\n";
    if (auto s = ch_.insert("pricing_generations", "TabSeparated", row); !s) return s;
  }
  // Each model's last prices, and the models ClickHouse holds rows of.
  struct Last {
    std::string fingerprint;
    uint32_t generation = 0;
  };
  std::map<std::string, Last, std::less<>> models;
  auto known = ch_.execute(
      "SELECT model, argMax(fingerprint, generation), max(generation) FROM model_generations "
      "GROUP BY model FORMAT TabSeparated");
  if (!known) return known.error();
  std::optional<Error> bad;
  each_line(*known, [&](std::string_view line) {
    Last l;
    if (!split_tsv_line(line, 3, f) || !parse_int(f[2], l.generation)) {
      bad = unreadable_row(ch_, "the models' generations", line);
      return false;
    }
    l.fingerprint = std::move(f[1]);
    models[f[0]] = std::move(l);
    return true;
  });
  if (bad) return *bad;
  auto held = ch_.execute("SELECT DISTINCT model FROM usage_facts FORMAT TabSeparated");
  if (!held) return held.error();
  each_line(*held, [&](std::string_view line) {
    if (!split_tsv_line(line, 1, f)) {
      bad = unreadable_row(ch_, "the models of the records", line);
      return false;
    }
    models.try_emplace(f[0]);  // without a row (written before schema 4): priced anew
    return true;
  });
  if (bad) return *bad;
  auto generations = std::make_shared<ModelGenerations>(book);
  std::string rows;
  const std::string now = std::to_string(now_utc_ms());
  for (const auto& [model, l] : models) {
    const std::string mine = fingerprint_of(model);
    if (l.generation != 0 && l.fingerprint == mine) {
      generations->set(model, l.generation);
      continue;
    }
    append_model_row(rows, model, mine, book, now);
  }
  if (!rows.empty())
    if (auto s = ch_.insert("model_generations", "TabSeparated", rows); !s) return s;
  recorded_.clear();
  for (const auto& [model, l] : models)
    recorded_.insert(model);
  generations_ = std::move(generations);
  return {};
}

void UsageExporter::note_model(const std::string& model, std::vector<std::string>& fresh) const {
  if (!recorded_.contains(model) && std::find(fresh.begin(), fresh.end(), model) == fresh.end())
    fresh.push_back(model);
}

Status UsageExporter::record_models(std::vector<std::string>& fresh) {
  if (fresh.empty()) return {};
  std::string rows;
  const std::string now = std::to_string(now_utc_ms());
  for (const std::string& model : fresh)
    append_model_row(rows, model, fingerprint_of(model), generations_->of(model), now);
  if (auto s = ch_.insert("model_generations", "TabSeparated", rows); !s) return s;
  for (std::string& model : fresh)
    recorded_.insert(std::move(model));
  fresh.clear();
  return {};
}

Result<int64_t> UsageExporter::export_range(int64_t since_ms, int64_t until_ms) {
  return export_records(since_ms, until_ms, nullptr);
}

Result<int64_t> UsageExporter::export_records(int64_t since_ms, int64_t until_ms,
                                              const std::vector<int64_t>* ids) {
  std::string rows;
  std::vector<int64_t> days;
  std::vector<std::string> fresh;  // models first seen, recorded before their rows go
  size_t pending = 0;
  int64_t sent = 0;
  Status failed;
  report::EpicMap epics;
  auto flush = [&]() -> bool {
    if (pending == 0) return true;
    if (auto s = record_models(fresh); !s) {
      failed = s;
      return false;
    }
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
  const auto add = [&](const report::UsageFact& f) {
    note_model(f.model, fresh);
    append_row(rows, f, version_of(f), pricer_->price(f.to_price()));
    if (days.empty() || days.back() != day_of(f.ts_ms)) days.push_back(day_of(f.ts_ms));
    return ++pending < rows_per_insert_ || flush();
  };
  // Some records only: the store reads them by id.
  auto scanned = ids ? store_.read_usage_by_ids(*ids, add)
                     : store_.read_usage(since_ms, until_ms, /*with_tools=*/true, epics, add);
  if (!failed) return failed.error();
  if (!scanned) return scanned.error();
  if (!flush()) return failed.error();
  return sent;
}

Result<int64_t> UsageExporter::send(const std::vector<report::UsageFact>& facts) {
  std::string rows;
  std::vector<int64_t> days;
  std::vector<std::string> fresh;
  size_t pending = 0;
  int64_t sent = 0;
  for (size_t i = 0; i < facts.size(); ++i) {
    const report::UsageFact& f = facts[i];
    note_model(f.model, fresh);
    append_row(rows, f, version_of(f), pricer_->price(f.to_price()));
    days.push_back(day_of(f.ts_ms));
    if (++pending < rows_per_insert_ && i + 1 < facts.size()) continue;
    if (auto s = record_models(fresh); !s) return s.error();
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
  // The store's counts are kept at ingest: no record is read.
  auto counted = store_.usage_days(first, last);
  if (!counted) return counted.error();
  for (const UsageDayCount& c : *counted) {
    DayDifference& d = days[c.day_ms];
    d.store_records = c.records;
    d.store_revisions = c.revisions;
  }
  const std::string range = "day >= toDate(" + sql_literal(date_text(first)) +
                            ") AND day < toDate(" + sql_literal(date_text(last)) + ")";
  auto rows =
      ch_.execute("SELECT toString(day), count(), sum(bitShiftRight(version, " +
                  std::to_string(kGenerationBits) + ")), sum(" + generations_->stale_fact_sql() +
                  ") FROM usage_facts FINAL WHERE " + range + " GROUP BY day FORMAT TabSeparated");
  if (!rows) return rows.error();
  std::vector<std::string> f;
  std::optional<Error> bad;
  each_line(*rows, [&](std::string_view line) {
    std::optional<int64_t> day;
    int64_t count = 0, revisions = 0, stale_rows = 0;
    if (split_tsv_line(line, 4, f)) day = parse_date_bound_ms(f[0], 0);
    if (!day || !parse_int(f[1], count) || !parse_int(f[2], revisions) ||
        !parse_int(f[3], stale_rows)) {
      bad = unreadable_row(ch_, "the day comparison", line);
      return false;
    }
    DayDifference& d = days[*day];
    d.analytics_records = count;
    d.analytics_revisions = revisions;
    d.stale_rows = stale_rows;
    return true;
  });
  if (bad) return *bad;
  std::vector<DayDifference> out;
  for (auto& [day, d] : days) {
    if (d.records_agree() && d.stale_rows == 0) continue;
    d.day_ms = day;
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<int64_t>> UsageExporter::stale_ids(int64_t day_ms) {
  auto reply = ch_.execute("SELECT record_id FROM usage_facts FINAL WHERE day = toDate(" +
                           sql_literal(date_text(day_ms)) + ") AND " +
                           generations_->stale_fact_sql() + " FORMAT TabSeparated");
  if (!reply) return reply.error();
  std::vector<int64_t> ids;
  std::optional<Error> bad;
  each_line(*reply, [&](std::string_view line) {
    int64_t id = 0;
    if (!parse_int(line, id)) {
      bad = unreadable_row(ch_, "the records to re-price", line);
      return false;
    }
    ids.push_back(id);
    return true;
  });
  if (bad) return *bad;
  return ids;
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
    // Records that agree with the store need only their rows priced before
    // the current prices sent again (ClickHouse lists them; the store reads
    // just those); the day's other rows stay as they are.
    std::vector<int64_t> ids;
    const bool only_stale = d.records_agree() && d.stale_rows > 0;
    if (only_stale) {
      auto listed = stale_ids(d.day_ms);
      if (!listed) return listed.error();
      ids = std::move(listed).value();
    }
    auto sent = export_records(d.day_ms, d.day_ms + kDayMs, only_stale ? &ids : nullptr);
    if (!sent) return sent.error();
    out.rows_sent += *sent;
  }
  out.days = std::move(*days);
  return out;
}

}  // namespace codepulse::collector::analytics
