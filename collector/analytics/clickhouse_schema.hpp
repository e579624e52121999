// analytics: the ClickHouse tables the collector writes (docs/CLICKHOUSE.md).
//
// usage_facts holds one row per stored usage record version, keyed by the
// system of record's row id within its UTC day; ReplacingMergeTree keeps
// the row of the highest `version` (the record's revision, then the
// pricing generation it was priced with), so sending a row again, or an
// older one after a newer, changes nothing a FINAL query sees. Costs are
// materialised in integer nano-dollars with the collector's price book.
// usage_rollup, usage_rollup_hour, usage_rollup_task, rollup_epochs and rollup_dirty hold the
// day rollups reports read (usage_rollup.hpp).
// codepulse_schema says which schema the database has: a newer one than
// this collector knows is refused rather than written to.
#pragma once

#include <cstdint>

#include "collector/analytics/clickhouse_client.hpp"
#include "common/result.hpp"

namespace codepulse::collector::analytics {

// 1: usage_facts, pricing_generations. 2: the day rollups (usage_rollup.hpp).
// 3: the day rollups by hour too (usage_rollup_hour). 4: model_generations
// (a model's rows keep their generation while its prices stay the same).
// 5: usage_rollup_task and usage_rollup_task_hour (the task split, for task
// and epic reports), usage_rollup_file (the task and file split) and each
// fact's files (usage_facts' file columns; older rows are sent again).
inline constexpr uint32_t kClickHouseSchemaVersion = 5;

// The oldest server the SQL here was tested on (Debian 12's package).
inline constexpr ServerVersion kOldestServer{18, 16, 0};

// Creates the database and the tables where they are missing, and records
// the schema version. Fails when the server is older than kOldestServer or
// the database has a schema newer than this collector's.
Status ensure_schema(ClickHouseClient& ch);

// The schema version the database records (0: none yet).
Result<uint32_t> schema_version(ClickHouseClient& ch);

}  // namespace codepulse::collector::analytics
