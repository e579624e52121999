// A real ClickHouse server for tests: Debian's clickhouse-server, its config,
// data and logs in a temporary directory, HTTP on a free loopback port (no
// native TCP port but in a cluster). It dies with the test process.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "collector/analytics/clickhouse_client.hpp"

namespace codepulse::test {

class ClickHouseServer {
 public:
  // The test process's server, started on first use; nullptr when this
  // machine has no clickhouse-server (why() says so).
  static ClickHouseServer* shared();
  static std::string why();

  // A server of its own (to stop and start); throws when it cannot start.
  static std::unique_ptr<ClickHouseServer> start_new();

  // `shards` servers of their own, each one shard of the cluster `name` in
  // every server's remote_servers (native TCP ports on loopback for the
  // Distributed tables); throws when one cannot start.
  static std::vector<std::unique_ptr<ClickHouseServer>> start_cluster(const std::string& name,
                                                                      int shards);
  // The HTTP address, 127.0.0.1:PORT.
  std::string address() const;

  ~ClickHouseServer();
  ClickHouseServer(const ClickHouseServer&) = delete;
  ClickHouseServer& operator=(const ClickHouseServer&) = delete;

  // A database name not used before on this server, as a clickhouse:// URL.
  std::string create_database_url();
  std::string url(const std::string& database) const;
  int http_port() const { return http_port_; }

  // For outage tests: stop (SIGTERM, waits for the exit) and start again on
  // the same ports and data.
  void stop();
  void start();

 private:
  explicit ClickHouseServer(std::string dir);
  static std::unique_ptr<ClickHouseServer> in_new_dir();  // not started, no ports yet
  void write_config();

  std::string dir_;
  int http_port_ = 0;
  int tcp_port_ = 0;            // 0: none
  std::string remote_servers_;  // <remote_servers> of a cluster's server
  int pid_ = -1;
  int databases_ = 0;
};

// A free TCP port on 127.0.0.1 (bound and released: free a moment ago).
int free_loopback_port();

// The target of a clickhouse:// URL; throws when it does not parse.
collector::analytics::ClickHouseTarget clickhouse_target(const std::string& url);

}  // namespace codepulse::test
