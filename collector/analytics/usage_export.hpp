// analytics: usage records from the system of record (SQLite or
// PostgreSQL) into ClickHouse's usage_facts (clickhouse_schema.hpp), priced
// with the collector's price book, and the check that keeps them equal.
//
// Exactly once in effect: a record's row is keyed by its store row id and
// UTC day, and carries version = revision << 20 | pricing generation, so a
// row sent twice, or replayed after an outage, or an older version arriving
// after a newer, leaves one row per record under FINAL: the newest version
// priced with the newest prices. compare_days() finds the days where
// ClickHouse and the store disagree (a lost insert, a crash between two
// inserts, rows of a store restored from an older backup, new prices), and
// heal() sends those days again, deleting a day's rows first where
// ClickHouse holds more records than the store.
//
// New prices re-price only what they change: a model whose prices are the
// same (Pricer::model_fingerprint) keeps its generation and its rows
// (model_generations.hpp); a day whose records agree with the store but
// hold rows of changed models gets those rows sent again (read from the
// store by id), and no other.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "collector/analytics/clickhouse_client.hpp"
#include "collector/analytics/model_generations.hpp"
#include "collector/store/store.hpp"
#include "common/pricing/pricer.hpp"
#include "common/result.hpp"

namespace codepulse::collector::analytics {

// Pricing generations are numbered below 2^20 (a million price changes).
inline constexpr int kGenerationBits = 20;

// A usage_facts row's pricing generation as SQL: the low bits of its
// version; 0 (never current, so the row is sent again) for a row written
// before the facts carried their files (files_known = 0, schema 4 and older).
std::string fact_generation_sql();

struct DayDifference {
  int64_t day_ms = 0;  // the UTC day's start
  int64_t store_records = 0, analytics_records = 0;
  int64_t store_revisions = 0, analytics_revisions = 0;  // sums of the records' revisions
  // ClickHouse's rows priced with prices that have changed since (when the
  // records agree, only these are sent again).
  int64_t stale_rows = 0;
  bool records_agree() const {
    return store_records == analytics_records && store_revisions == analytics_revisions;
  }
};

struct HealOutcome {
  std::vector<DayDifference> days;  // the days that differed, and were sent again
  int64_t rows_sent = 0;
  int64_t days_cleared = 0;  // days deleted before sending (ClickHouse had extra records)
};

class UsageExporter {
 public:
  UsageExporter(ClickHouseClient& ch, Store& store, std::shared_ptr<const Pricer> pricer,
                size_t rows_per_insert = 50'000);

  // Finds the pricing generation of this exporter's prices: the last one
  // when its fingerprint is theirs, else a new one after it (prices put
  // back as they were before are new again, so their rows win). Then each
  // model's: the one it had where its prices are unchanged, else the new
  // one (recorded in model_generations). Call once, after ensure_schema().
  Status prepare();
  uint32_t generation() const { return generations_->book(); }
  std::shared_ptr<const ModelGenerations> generations() const { return generations_; }

  // Sends every record whose timestamp is in [since_ms, until_ms); returns
  // how many rows were sent. An insert that fails leaves the rows sent
  // before it in place (compare_days finds the rest).
  Result<int64_t> export_range(int64_t since_ms, int64_t until_ms);

  // Sends these records (a commit's new and replaced ones), rows_per_insert
  // to an insert; returns how many rows were sent.
  Result<int64_t> send(const std::vector<report::UsageFact>& facts);

  const Pricer& pricer() const { return *pricer_; }
  std::shared_ptr<const Pricer> shared_pricer() const { return pricer_; }

  // The UTC days overlapping [since_ms, until_ms) whose records ClickHouse
  // (under FINAL) does not hold exactly as the store and the current prices
  // would send them: other records or revisions, or rows of models whose
  // prices changed.
  Result<std::vector<DayDifference>> compare_days(int64_t since_ms, int64_t until_ms);

  // compare_days(), then each differing day sent again: whole where its
  // records differ, else only its rows of the models whose prices changed.
  Result<HealOutcome> heal(int64_t since_ms, int64_t until_ms);

 private:
  uint64_t version_of(const report::UsageFact& f) const;
  // The prices of the model column's value (Pricer::model_fingerprint).
  std::string fingerprint_of(std::string_view model) const;
  // Adds `model` to `fresh` when it has no row in model_generations yet.
  void note_model(const std::string& model, std::vector<std::string>& fresh) const;
  // Records the `fresh` models in model_generations (at the current
  // generation) before their rows are sent, and empties `fresh`.
  Status record_models(std::vector<std::string>& fresh);
  // The records of [since_ms, until_ms), or the records of `ids` only.
  Result<int64_t> export_records(int64_t since_ms, int64_t until_ms,
                                 const std::vector<int64_t>* ids);
  // The row ids of a UTC day's rows priced before the current prices.
  Result<std::vector<int64_t>> stale_ids(int64_t day_ms);
  // Inserts JSONEachRow rows of usage_facts, then marks their days' rollups
  // out of date.
  Status insert_facts(const std::string& rows, const std::vector<int64_t>& days);
  Status clear_day(int64_t day_ms);

  ClickHouseClient& ch_;
  Store& store_;
  std::shared_ptr<const Pricer> pricer_;
  size_t rows_per_insert_;
  std::shared_ptr<const ModelGenerations> generations_ = std::make_shared<ModelGenerations>();
  std::set<std::string, std::less<>> recorded_;  // models with a row in model_generations
};

// A string as a ClickHouse SQL literal: quoted, backslash and quote escaped.
std::string sql_literal(std::string_view s);
// The UTC day of an instant (ms) as a ClickHouse Date: toDate('YYYY-MM-DD').
std::string sql_date(int64_t ms);

}  // namespace codepulse::collector::analytics
