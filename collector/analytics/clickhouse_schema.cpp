#include "collector/analytics/clickhouse_schema.hpp"

#include <charconv>
#include <string>

#include "common/time.hpp"

namespace codepulse::collector::analytics {
namespace {

// Types and clauses both 18.16 and current releases accept: no
// LowCardinality (experimental in 18.16), no DateTime64, no TTL or codecs.
constexpr const char* kSchemaTable =
    "CREATE TABLE IF NOT EXISTS codepulse_schema (version UInt32, applied_ms Int64) ENGINE = Log";

constexpr const char* kUsageFacts = R"sql(
CREATE TABLE IF NOT EXISTS usage_facts (
  day             Date,
  author          String,
  record_id       Int64,
  version         UInt64,
  ts_ms           Int64,
  session         String,
  model           String,
  repo            String,
  branch          String,
  task_keys       String,
  turn_id         String,
  assistant       String,
  input           Int64,
  output          Int64,
  cache_create    Int64,
  cache_create_1h Int64,
  cache_read      Int64,
  web_search      Int64,
  web_fetch       Int64,
  fast            UInt8,
  inference_geo   String,
  priced          UInt8,
  cost_nanos      Int64,
  list_cost_nanos Int64,
  tools           String,
  skills          UInt32,
  mcp             UInt32
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(day)
ORDER BY (day, record_id)
)sql";

// The pricing generations: each price book fingerprint the exporter priced
// with, numbered in order.
constexpr const char* kPricingGenerations =
    "CREATE TABLE IF NOT EXISTS pricing_generations (generation UInt32, fingerprint String, "
    "applied_ms Int64) ENGINE = Log";

// Version 2: the day rollups (usage_rollup.hpp). Plain MergeTree: rows of
// an epoch stay until the collector deletes them, never merged away
// underneath a report reading them.
constexpr const char* kUsageRollup = R"sql(
CREATE TABLE IF NOT EXISTS usage_rollup (
  day             Date,
  epoch           UInt64,
  bucket          Int64,
  author          String,
  session         String,
  model           String,
  repo            String,
  branch          String,
  task_keys       String,
  assistant       String,
  priced          UInt8,
  input           Int64,
  output          Int64,
  cache_create    Int64,
  cache_read      Int64,
  cost_nanos      Int64,
  list_cost_nanos Int64,
  records         UInt64,
  versions        UInt64,
  skills          UInt64,
  mcp             UInt64,
  first_ms        Int64,
  last_ms         Int64,
  gen_min         UInt64,
  gen_max         UInt64
) ENGINE = MergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, epoch, bucket, author)
)sql";

// Each day's epochs; the largest is current (merges keep only it).
constexpr const char* kRollupEpochs =
    "CREATE TABLE IF NOT EXISTS rollup_epochs (day Date, epoch UInt64) "
    "ENGINE = ReplacingMergeTree(epoch) ORDER BY day";

// Each day's marks, the server's second of a change to its facts (merges
// keep the latest).
constexpr const char* kRollupDirty =
    "CREATE TABLE IF NOT EXISTS rollup_dirty (day Date, marked UInt32) "
    "ENGINE = ReplacingMergeTree(marked) ORDER BY day";

}  // namespace

Result<uint32_t> schema_version(ClickHouseClient& ch) {
  auto exists = ch.execute("EXISTS TABLE codepulse_schema FORMAT TabSeparated");
  if (!exists) return exists.error();
  if (exists->rfind("1", 0) != 0) return 0u;
  auto v = ch.execute("SELECT max(version) FROM codepulse_schema FORMAT TabSeparated");
  if (!v) return v.error();
  uint32_t version = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), version);
  if (ec != std::errc())
    return make_error("ClickHouse at " + ch.target().display() +
                      ": codepulse_schema holds no version ('" + *v + "')");
  return version;
}

Status ensure_schema(ClickHouseClient& ch) {
  auto text = ch.server_version();
  if (!text) return text.error();
  auto version = parse_server_version(*text);
  if (!version)
    return make_error("ClickHouse at " + ch.target().display() + ": " + version.error().message);
  if (*version < kOldestServer)
    return make_error("ClickHouse at " + ch.target().display() + " is version " + *text +
                      "; codepulse needs 18.16 or later");
  if (auto db = ch.execute("CREATE DATABASE IF NOT EXISTS " + ch.target().database, {}, false); !db)
    return db.error();
  if (auto t = ch.execute(kSchemaTable); !t) return t.error();
  auto have = schema_version(ch);
  if (!have) return have.error();
  if (*have > kClickHouseSchemaVersion)
    return make_error("ClickHouse at " + ch.target().display() + " has codepulse schema " +
                      std::to_string(*have) + ", newer than this collector's " +
                      std::to_string(kClickHouseSchemaVersion) +
                      ": upgrade the collector (nothing was written)");
  for (const char* ddl :
       {kUsageFacts, kPricingGenerations, kUsageRollup, kRollupEpochs, kRollupDirty})
    if (auto t = ch.execute(ddl); !t) return t.error();
  if (*have < 2) {
    // Facts written before the rollups existed: every day of them dirty.
    if (auto m = ch.execute(
            "INSERT INTO rollup_dirty SELECT day, toUInt32(now()) FROM usage_facts GROUP BY day");
        !m)
      return m.error();
  }
  if (*have < kClickHouseSchemaVersion) {
    if (auto s = ch.insert(
            "codepulse_schema", "TabSeparated",
            std::to_string(kClickHouseSchemaVersion) + "\t" + std::to_string(now_utc_ms()) + "\n");
        !s)
      return s;
  }
  return {};
}

}  // namespace codepulse::collector::analytics
