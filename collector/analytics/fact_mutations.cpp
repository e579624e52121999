#include "collector/analytics/fact_mutations.hpp"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "collector/analytics/usage_export.hpp"

namespace codepulse::collector::analytics {

Status delete_fact_rows(ClickHouseClient& ch, std::string_view table, std::string_view where,
                        std::optional<std::chrono::milliseconds> wait) {
  const ClickHouseTarget& t = ch.target();
  const std::string local = t.cluster.empty() ? std::string(table) : std::string(table) + "_local";
  std::vector<std::unique_ptr<ClickHouseClient>> own;
  std::vector<ClickHouseClient*> servers;
  if (t.cluster.empty()) {
    servers.push_back(&ch);
  } else {
    for (size_t i = 0; i < t.shards.size(); ++i)
      servers.push_back(own.emplace_back(std::make_unique<ClickHouseClient>(t.shard(i))).get());
  }
  for (ClickHouseClient* server : servers)
    if (auto r = server->execute("ALTER TABLE " + local + " DELETE WHERE " + std::string(where));
        !r)
      return r.error();
  if (!wait) return {};
  const auto deadline = std::chrono::steady_clock::now() + *wait;
  for (ClickHouseClient* server : servers) {
    while (true) {
      auto left = server->execute(
          "SELECT count() FROM system.mutations WHERE database = " + sql_literal(t.database) +
          " AND table = " + sql_literal(local) + " AND is_done = 0 FORMAT TabSeparated");
      if (!left) return left.error();
      if (left->rfind("0", 0) == 0) break;
      if (std::chrono::steady_clock::now() > deadline)
        return make_error("ClickHouse at " + server->target().display() + ": deleting rows of " +
                          local + " (" + std::string(where.substr(0, 80)) +
                          ") did not finish in time");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return {};
}

}  // namespace codepulse::collector::analytics
