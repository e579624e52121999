// analytics: ClickHouse's HTTP interface as the collector's optional
// analytics store uses it (docs/CLICKHOUSE.md): statements and queries sent
// in the request body, settings as URL parameters, the user and password in
// headers (never in a URL or an error), one keep-alive connection, a
// deadline on every step, and the server's own error ("Code: 60 ... Table
// doesn't exist") in what fails. Only SQL and settings that Debian's 18.16
// and current releases both accept are sent. Boost.Beast stays in the .cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace codepulse::collector::analytics {

// Where the analytics store is:
// clickhouse://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE][?cluster=NAME&shard=HOST:PORT...].
// With a cluster (docs/CLICKHOUSE.md, "Several servers"), usage_facts and
// usage_rollup on HOST are Distributed tables over the cluster NAME of the
// servers' remote_servers config; each `shard` is the HTTP address of one
// server of each shard, where the collector creates their local tables
// (usage_facts_local, usage_rollup_local) and runs their mutations. The
// same user, password and database serve every server.
struct ClickHouseTarget {
  std::string host;
  std::string port = "8123";
  std::string database = "codepulse";
  std::string user = "default";
  std::string password;
  std::string cluster;              // empty: one server holds everything
  std::vector<std::string> shards;  // HOST:PORT, with a cluster
  std::string display() const;      // host:port/database (no user or password)
  // The target of shard `i`: its address, this one's user, password and
  // database, no cluster.
  ClickHouseTarget shard(size_t i) const;
};

// Parses the URL form above; percent-escapes in the user and password are
// decoded. The error names what is wrong, never the password.
Result<ClickHouseTarget> parse_clickhouse_url(std::string_view url);

// A server error, as its HTTP reply says it: "Code: N, e.displayText() =
// DB::Exception: TEXT, e.what() = ..." reads as code N and TEXT.
struct ServerError {
  int code = 0;  // 0: the reply had no "Code: N"
  std::string text;
};
ServerError parse_server_error(std::string_view body);

// Server-side settings for one request, sent as URL parameters.
using Settings = std::vector<std::pair<std::string, std::string>>;

struct ClientLimits {
  std::chrono::milliseconds timeout{30'000};  // each step: connect, send, receive
  size_t max_reply_bytes = 256u << 20;        // a bigger reply is an error, not read whole
};

class ClickHouseClient {
 public:
  explicit ClickHouseClient(ClickHouseTarget target, ClientLimits limits = {});
  ~ClickHouseClient();
  ClickHouseClient(const ClickHouseClient&) = delete;
  ClickHouseClient& operator=(const ClickHouseClient&) = delete;

  // Runs one statement or query and returns the reply's body. The reply is
  // complete before its status is sent (wait_end_of_query), so an error met
  // while the result was being made is an error here, never a short result.
  // `database`: run in the target's database (false for CREATE DATABASE).
  Result<std::string> execute(std::string_view sql, const Settings& settings = {},
                              bool database = true);
  // INSERT INTO `table` FORMAT `format`, with `rows` as the data. With a
  // cluster, inserts into Distributed tables are synchronous
  // (insert_distributed_sync): done when every shard has its rows.
  Status insert(std::string_view table, std::string_view format, std::string_view rows);
  // The server's version ("18.16.1"), from SELECT version().
  Result<std::string> server_version();
  // GET /ping answers "Ok.".
  Status ping();

  const ClickHouseTarget& target() const { return target_; }

  struct Impl;

 private:
  ClickHouseTarget target_;
  std::unique_ptr<Impl> impl_;
};

// "18.16.1" -> {18, 16, 1}; missing parts are 0, nullopt when not a version.
struct ServerVersion {
  int major = 0, minor = 0, patch = 0;
  auto operator<=>(const ServerVersion&) const = default;
};
Result<ServerVersion> parse_server_version(std::string_view text);

}  // namespace codepulse::collector::analytics
