// analytics: deleting rows of the fact tables (usage_facts, usage_rollup),
// where they are: on the table itself on one server; with a cluster, on
// each shard's local table (Distributed tables take no mutations), one
// server of each shard (replicated tables pass a mutation on to their
// replicas themselves).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "collector/analytics/clickhouse_client.hpp"
#include "common/result.hpp"

namespace codepulse::collector::analytics {

// ALTER TABLE `table` DELETE WHERE `where`. With `wait`, returns once no
// mutation of the table is left running on any server (18.16 cannot wait
// in the statement: system.mutations is polled), or fails after `wait`.
Status delete_fact_rows(ClickHouseClient& ch, std::string_view table, std::string_view where,
                        std::optional<std::chrono::milliseconds> wait);

}  // namespace codepulse::collector::analytics
