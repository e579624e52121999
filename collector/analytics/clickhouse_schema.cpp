#include "collector/analytics/clickhouse_schema.hpp"

#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "collector/analytics/tsv_reply.hpp"
#include "collector/analytics/usage_export.hpp"
#include "common/time.hpp"

namespace codepulse::collector::analytics {
namespace {

// Types and clauses both 18.16 and current releases accept: no
// LowCardinality (experimental in 18.16), no DateTime64, no TTL or codecs.
constexpr const char* kSchemaTable =
    "CREATE TABLE IF NOT EXISTS codepulse_schema (version UInt32, applied_ms Int64) ENGINE = Log";

// The columns of usage_facts (and, with a cluster, usage_facts_local).
constexpr const char* kUsageFactsColumns = R"sql(
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
  mcp             UInt32,
  files_known     UInt8,
  file_paths      Array(String),
  file_changes    Array(Int64),
  file_reads      Array(Int64),
  file_unknown    Array(Int64),
  file_lines      Array(Int64)
)sql";
// Version 5: the record's files, as a turn's files count them (usage_export's
// append_files); added to a usage_facts of an older schema, its rows read
// files_known = 0 until sent again.
constexpr std::pair<const char*, const char*> kFileColumns[] = {
    {"files_known", "UInt8"},         {"file_paths", "Array(String)"},
    {"file_changes", "Array(Int64)"}, {"file_reads", "Array(Int64)"},
    {"file_unknown", "Array(Int64)"}, {"file_lines", "Array(Int64)"}};
constexpr const char* kUsageFactsEngine =
    "ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(day) ORDER BY (day, record_id)";

// The pricing generations: each price book fingerprint the exporter priced
// with, numbered in order.
constexpr const char* kPricingGenerations =
    "CREATE TABLE IF NOT EXISTS pricing_generations (generation UInt32, fingerprint String, "
    "applied_ms Int64) ENGINE = Log";

// Version 4: each model's prices by fingerprint (Pricer::model_fingerprint)
// and the generation they were first used in (model_generations.hpp).
constexpr const char* kModelGenerations =
    "CREATE TABLE IF NOT EXISTS model_generations (model String, fingerprint String, "
    "generation UInt32, applied_ms Int64) ENGINE = Log";

// Version 2: the day rollups (usage_rollup.hpp). Plain MergeTree: rows of
// an epoch stay until the collector deletes them, never merged away
// underneath a report reading them. (Without its parentheses: the task
// split has these columns and two more.)
constexpr const char* kUsageRollupColumns = R"sql(
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
)sql";
// Version 5: the task split (usage_rollup.hpp, task_rows): the rollup's
// groups by turn split over their tasks, by quarter hour (and by hour) and
// task; and by file too (file_rows), by quarter hour.
constexpr const char* kTaskSplitColumns = R"sql(,
  task_index      UInt32,
  task            String)sql";
constexpr const char* kFileSplitColumns = R"sql(,
  task_index      UInt32,
  task            String,
  file_index      UInt32,
  file            String,
  oversized       UInt64)sql";

constexpr const char* kUsageRollupEngine =
    "ENGINE = MergeTree PARTITION BY toYYYYMM(day) ORDER BY (day, epoch, bucket, author)";

// Each day's epochs; the largest is current (merges keep only it).
constexpr const char* kRollupEpochs =
    "CREATE TABLE IF NOT EXISTS rollup_epochs (day Date, epoch UInt64) "
    "ENGINE = ReplacingMergeTree(epoch) ORDER BY day";

// Each day's marks, the server's second of a change to its facts (merges
// keep the latest).
constexpr const char* kRollupDirty =
    "CREATE TABLE IF NOT EXISTS rollup_dirty (day Date, marked UInt32) "
    "ENGINE = ReplacingMergeTree(marked) ORDER BY day";

// The fact tables: one table each on one server; with a cluster, a
// Distributed table of this name over NAME_local on each shard, sharded so
// that every version of a record lands on the same shard (FINAL works
// shard by shard).
struct FactTable {
  const char* name;
  const char* columns;  // without the parentheses
  const char* more_columns;
  const char* engine;
  const char* sharding_key;
  std::string definition() const { return std::string("(") + columns + more_columns + ")"; }
};
constexpr FactTable kFactTables[] = {
    {"usage_facts", kUsageFactsColumns, "", kUsageFactsEngine, "intHash64(record_id)"},
    {"usage_rollup", kUsageRollupColumns, "", kUsageRollupEngine, "cityHash64(session)"},
    // Version 3: the same by hour (usage_rollup.hpp, RollupGrain), for reports
    // in zones whose offsets are whole hours; task_keys left empty (only the
    // reports summed from groups read them).
    {"usage_rollup_hour", kUsageRollupColumns, "", kUsageRollupEngine, "cityHash64(session)"},
    {"usage_rollup_task", kUsageRollupColumns, kTaskSplitColumns, kUsageRollupEngine,
     "cityHash64(session)"},
    {"usage_rollup_task_hour", kUsageRollupColumns, kTaskSplitColumns, kUsageRollupEngine,
     "cityHash64(session)"},
    {"usage_rollup_file", kUsageRollupColumns, kFileSplitColumns, kUsageRollupEngine,
     "cityHash64(session)"}};

Status check_version(ClickHouseClient& ch) {
  auto text = ch.server_version();
  if (!text) return text.error();
  auto version = parse_server_version(*text);
  if (!version)
    return make_error("ClickHouse at " + ch.target().display() + ": " + version.error().message);
  if (*version < kOldestServer)
    return make_error("ClickHouse at " + ch.target().display() + " is version " + *text +
                      "; codepulse needs 18.16 or later");
  return {};
}

// The fact tables the database already has, by name: their engine_full.
Result<std::map<std::string, std::string>> fact_engines(ClickHouseClient& ch) {
  auto reply = ch.execute("SELECT name, engine_full FROM system.tables WHERE database = " +
                          sql_literal(ch.target().database) +
                          " AND name IN ('usage_facts', 'usage_rollup', 'usage_rollup_hour', "
                          "'usage_rollup_task', 'usage_rollup_task_hour', 'usage_rollup_file') "
                          "FORMAT TabSeparated");
  if (!reply) return reply.error();
  std::map<std::string, std::string> out;
  std::vector<std::string> f;
  std::optional<Error> bad;
  each_line(*reply, [&](std::string_view line) {
    if (!split_tsv_line(line, 2, f)) {
      bad = unreadable_row(ch, "the tables' engines", line);
      return false;
    }
    out[f[0]] = f[1];
    return true;
  });
  if (bad) return *bad;
  return out;
}

// Tables made for one server are not read through a cluster, nor the
// other way round: the layout is the database's, chosen when made.
Status check_layout(ClickHouseClient& ch) {
  auto engines = fact_engines(ch);
  if (!engines) return engines.error();
  const ClickHouseTarget& t = ch.target();
  for (const auto& [name, engine] : *engines) {
    const bool distributed = engine.rfind("Distributed(", 0) == 0;
    if (t.cluster.empty() && distributed)
      return make_error("ClickHouse at " + t.display() + ": " + name + " is " + engine +
                        ", a cluster's table; name the cluster and its shards in the analytics "
                        "URL (?cluster=NAME&shard=HOST:PORT...)");
    if (!t.cluster.empty() && !distributed)
      return make_error("ClickHouse at " + t.display() + ": " + name +
                        " was made for one server (" + engine.substr(0, engine.find(' ')) +
                        "), not for cluster " + t.cluster +
                        ": use another database for the cluster (the store reloads it)");
    if (!t.cluster.empty() &&
        engine.rfind("Distributed(" + t.cluster + ", " + t.database + ", ", 0) != 0)
      return make_error("ClickHouse at " + t.display() + ": " + name + " is " + engine +
                        ", not over cluster " + t.cluster + " and database " + t.database);
  }
  return {};
}

// With a cluster: the server knows it, with as many shards as the URL
// names; each shard's server is new enough and has the local tables.
Status prepare_shards(ClickHouseClient& ch) {
  const ClickHouseTarget& t = ch.target();
  auto reply = ch.execute("SELECT uniqExact(shard_num) FROM system.clusters WHERE cluster = " +
                          sql_literal(t.cluster) + " FORMAT TabSeparated");
  if (!reply) return reply.error();
  uint64_t shards = 0;
  if (!parse_int(std::string_view(*reply).substr(0, reply->find('\n')), shards))
    return unreadable_row(ch, "the cluster's shards", *reply);
  if (shards == 0)
    return make_error("ClickHouse at " + t.display() + " has no cluster " + t.cluster +
                      " in its remote_servers configuration");
  if (shards != t.shards.size())
    return make_error("ClickHouse at " + t.display() + ": cluster " + t.cluster + " has " +
                      std::to_string(shards) + " shards; the analytics URL names " +
                      std::to_string(t.shards.size()) + " (one shard=HOST:PORT for each)");
  for (size_t i = 0; i < t.shards.size(); ++i) {
    ClickHouseClient shard(t.shard(i));
    if (auto v = check_version(shard); !v) return v;
    if (auto db = shard.execute("CREATE DATABASE IF NOT EXISTS " + t.database, {}, false); !db)
      return db.error();
    for (const FactTable& table : kFactTables)
      if (auto c = shard.execute("CREATE TABLE IF NOT EXISTS " + std::string(table.name) +
                                 "_local " + table.definition() + " " + table.engine);
          !c)
        return c.error();
  }
  return {};
}

// Adds the file columns a usage_facts of schema 4 or older lacks (18.16 has
// no ADD COLUMN IF NOT EXISTS: the table's columns are read first, and a
// column another collector added meanwhile is taken as added).
Status add_file_columns(ClickHouseClient& ch, const std::string& table) {
  for (const auto& [name, type] : kFileColumns) {
    const std::string has =
        "SELECT count() FROM system.columns WHERE database = " + sql_literal(ch.target().database) +
        " AND table = " + sql_literal(table) + " AND name = " + sql_literal(name) +
        " FORMAT TabSeparated";
    auto present = ch.execute(has);
    if (!present) return present.error();
    if (present->rfind("1", 0) == 0) continue;
    auto added = ch.execute("ALTER TABLE " + table + " ADD COLUMN " + name + " " + type);
    if (!added) {
      auto now = ch.execute(has);
      if (!now || now->rfind("1", 0) != 0) return added.error();
    }
  }
  return {};
}

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
  if (auto v = check_version(ch); !v) return v;
  const ClickHouseTarget& t = ch.target();
  if (auto db = ch.execute("CREATE DATABASE IF NOT EXISTS " + t.database, {}, false); !db)
    return db.error();
  if (auto s = ch.execute(kSchemaTable); !s) return s.error();
  auto have = schema_version(ch);
  if (!have) return have.error();
  if (*have > kClickHouseSchemaVersion)
    return make_error("ClickHouse at " + t.display() + " has codepulse schema " +
                      std::to_string(*have) + ", newer than this collector's " +
                      std::to_string(kClickHouseSchemaVersion) +
                      ": upgrade the collector (nothing was written)");
  if (auto layout = check_layout(ch); !layout) return layout;
  if (!t.cluster.empty())
    if (auto shards = prepare_shards(ch); !shards) return shards;
  for (const FactTable& table : kFactTables) {
    const std::string engine = t.cluster.empty()
                                   ? std::string(table.engine)
                                   : "ENGINE = Distributed(" + t.cluster + ", " + t.database +
                                         ", " + table.name + "_local, " + table.sharding_key + ")";
    if (auto c = ch.execute("CREATE TABLE IF NOT EXISTS " + std::string(table.name) + " " +
                            table.definition() + " " + engine);
        !c)
      return c.error();
  }
  for (const char* ddl : {kPricingGenerations, kModelGenerations, kRollupEpochs, kRollupDirty})
    if (auto c = ch.execute(ddl); !c) return c.error();
  if (*have < 5) {
    // Facts of an older schema: the file columns, on each shard's table and
    // the front's (their rows are sent again: fact_generation_sql).
    if (!t.cluster.empty())
      for (size_t i = 0; i < t.shards.size(); ++i) {
        ClickHouseClient shard(t.shard(i));
        if (auto a = add_file_columns(shard, "usage_facts_local"); !a) return a;
      }
    if (auto a = add_file_columns(ch, "usage_facts"); !a) return a;
    // Facts written before the rollups existed, or days rolled before the
    // hour rollups or the task and file splits: every day of them dirty
    // (rolled again, every grain).
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
