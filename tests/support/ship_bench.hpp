// A local store, an io_context and a log for driving a Shipper in a test
// against a TLS peer (tests/support/tls_peer.hpp) or a real collector.
#pragma once

#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "common/hashing.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/ship/shipper.hpp"

namespace codepulse::test {

using tracker::LocalStore;
using tracker::parse_collector_url;
using tracker::QueueStats;
using tracker::ShipOptions;
using tracker::Shipper;

// A request record numbered i.
inline UsageRecord request(int i, int64_t timestamp_ms = 1'770'912'313'000) {
  UsageRecord r;
  r.message_id = "msg_" + std::to_string(i);
  r.request_id = "req_" + std::to_string(i);
  r.dedupe_key = r.message_id + "\x1f" + r.request_id;
  r.timestamp_ms = timestamp_ms + i;
  r.session_id = "session";
  r.model = "claude-opus-4-6";
  r.input = 10 + i;
  r.output = 1;
  r.author = "dev@example.org";
  r.turn_id = sha256_hex("turn " + std::to_string(i));  // does not compress away
  return r;
}

// A local store and what a shipper needs beside it.
class ShipBench {
 public:
  ShipBench() : store_(LocalStore::open(dir_ / "state")), log_(open_log(dir_ / "ship.log")) {
    REQUIRE(store_);
    REQUIRE(log_);
  }

  LocalStore& store() { return *store_; }
  boost::asio::io_context& io() { return io_; }
  Logger& log() { return *log_; }
  std::string log_text() const { return read_file(dir_ / "ship.log"); }
  const TempDir& dir() const { return dir_; }

  void queue(const std::vector<UsageRecord>& records) {
    REQUIRE(store_->begin());
    for (const UsageRecord& r : records)
      REQUIRE(store_->upsert(r));
    REQUIRE(store_->commit());
  }
  void queue_requests(int count) {
    std::vector<UsageRecord> records;
    for (int i = 0; i < count; ++i)
      records.push_back(request(i));
    queue(records);
  }
  QueueStats stats() {
    auto q = store_->queue_stats();
    REQUIRE(q);
    return *q;
  }

  ShipOptions options(int port, const std::string& ca, const std::string& token_file) {
    auto endpoint = parse_collector_url("https://localhost:" + std::to_string(port));
    REQUIRE(endpoint);
    ShipOptions o;
    o.endpoint = *endpoint;
    o.tls.ca_file = ca;
    o.token_file = token_file;
    o.batch_max_records = 2;
    o.backoff_first_ms = 50;
    o.backoff_max_ms = 200;
    o.timeout_ms = 10'000;
    return o;
  }

  // ship_now, then runs until the queue is drained or shipping failed;
  // returns the error ("" when drained), or "timeout".
  std::string ship_now(Shipper& shipper) {
    std::string error = "timeout";
    shipper.set_on_drained([&](const std::string& e) {
      error = e;
      io_.stop();
    });
    REQUIRE(shipper.start());
    shipper.ship_now();
    io_.restart();
    io_.run_for(std::chrono::seconds(30));
    return error;
  }

 private:
  static Result<Logger> open_log(const std::string& path) {
    return Logger::open(path, LogLevel::kDebug, 1000);
  }
  TempDir dir_;
  Result<LocalStore> store_;
  boost::asio::io_context io_;
  Result<Logger> log_;
};

inline std::string private_token_file(const std::string& path, const std::string& token) {
  write_file(path, token + "\n");
  ::chmod(path.c_str(), 0600);
  return path;
}

}  // namespace codepulse::test
