// A real collector process serving reports from a real ClickHouse server
// (serve --analytics): batches reach ClickHouse through the store's commits,
// reports equal the CLI's from the database byte for byte, file reports are
// answered from the store, and with ClickHouse stopped ingest goes on while
// reports answer 503 with the reason, until it is back and caught up; and
// the same over a cluster of two shards (Distributed tables).
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "proto/wire_batch.hpp"
#include "tests/support/clickhouse_server.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

constexpr int64_t kT0 = 1'767'225'600'000;  // 2026-01-01

std::string batch(const std::string& batch_id, int first, int n) {
  std::vector<proto::WireRecord> recs;
  for (int i = first; i < first + n; ++i) {
    proto::WireRecord w;
    w.record_uid = "u" + std::to_string(i);
    UsageRecord& r = w.usage;
    r.message_id = "msg_" + std::to_string(i);
    r.timestamp_ms = kT0 + (i % 5) * 86'400'000LL + i * 60'000LL;
    r.session_id = "session-" + std::to_string(i % 3);
    r.turn_id = "turn-" + std::to_string(i / 2);
    r.model = i % 4 == 3 ? "claude-sonnet-4-5-20250929" : "claude-opus-4-6";
    r.input = 100 + i;
    r.output = 20 * i;
    r.cache_read = 1000;
    r.repo = "github.com/acme/api";
    r.task_keys = i % 2 ? "PROJ-1" : "PROJ-1,PROJ-2";
    ToolUse t;
    t.tool_use_id = "toolu_" + std::to_string(i);
    t.name = "Edit";
    t.path = "src/f" + std::to_string(i % 4) + ".cpp";
    t.action = FileAction::kChange;
    t.result_seen = true;
    t.lines_added = i % 7;
    r.tools.push_back(t);
    recs.push_back(std::move(w));
  }
  proto::BatchHeader h;
  h.tracker_version = "0.1.0";
  h.device_id = "device-1";
  h.batch_id = batch_id;
  h.record_count = n;
  auto b = proto::encode(h, recs);
  REQUIRE(b);
  return *b;
}

struct Reply {
  int status = 0;
  std::string body;
};

Reply request(CollectorFixture& c, const std::string& method, const std::string& target,
              const std::string& token, const std::string& body = "") {
  TlsClient client(c.port(), c.ca());
  std::vector<std::string> headers = {"Authorization: Bearer " + token};
  if (!body.empty()) headers.push_back("Content-Encoding: zstd");
  REQUIRE(client.send(http_request(method, target, headers, body)));
  const std::string res = client.read_response(kPatienceMs);
  return {status_of(res), body_of(res)};
}

std::string cli_report(CollectorFixture& c, const std::string& group_by,
                       const std::vector<std::string>& more = {}) {
  std::vector<std::string> args = {collector_bin(), "report", "--db",     c.db(),
                                   "--group-by",    group_by, "--format", "json"};
  args.insert(args.end(), more.begin(), more.end());
  auto cli = run(args);
  REQUIRE(cli.exit_code == 0);
  return cli.out;
}

// The value of a /metrics gauge (-1 when absent).
int64_t gauge(const std::string& metrics, const std::string& name) {
  const size_t at = metrics.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(metrics.substr(at + name.size() + 2));
}

// Waits (up to a minute) until `ok` holds for a GET of `target`.
template <class Ok>
Reply wait_for(CollectorFixture& c, const std::string& target, const std::string& token, Ok ok) {
  Reply r;
  for (int i = 0; i < 600; ++i) {
    r = request(c, "GET", target, token);
    if (ok(r)) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return r;
}

}  // namespace

TEST_CASE("serve --analytics answers reports from ClickHouse, equal to the CLI's",
          "[analytics][clickhouse][collector][server]") {
  if (!ClickHouseServer::shared()) CODEPULSE_SKIP(ClickHouseServer::why());
  auto server = ClickHouseServer::start_new();
  const std::string url = server->create_database_url();
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string tracker = c.token_of(c.token_file("dev@example.org"));
  const std::string admin = c.token_of(c.token_file("boss@example.org", "admin"));
  c.start({"--analytics", url});

  REQUIRE(request(c, "POST", "/v1/batches", tracker, batch("b1", 0, 40)).status == 200);
  // The start's comparison may still run: reports wait for it (503 meanwhile).
  auto first = wait_for(c, "/v1/report?group_by=date%2Cmodel&format=json", admin,
                        [](const Reply& r) { return r.status == 200; });
  REQUIRE(first.status == 200);
  CHECK(first.body == cli_report(c, "date,model"));
  // A batch stored is in the next report (the feed catches up first).
  REQUIRE(request(c, "POST", "/v1/batches", tracker, batch("b2", 40, 25)).status == 200);
  auto tasks = request(c, "GET", "/v1/report?group_by=task%2Cmodel%2Csession&format=json", admin);
  REQUIRE(tasks.status == 200);
  CHECK(tasks.body == cli_report(c, "task,model,session"));
  CHECK(tasks.body.find("\"records\":65") != std::string::npos);
  // Files from the file split, the same report.
  auto files = request(c, "GET", "/v1/report?group_by=file&format=json", admin);
  REQUIRE(files.status == 200);
  CHECK(files.body == cli_report(c, "file"));
  // Outcomes: each session's edits and commits from its records, the same report.
  auto outcomes =
      request(c, "GET", "/v1/report?group_by=model%2Ccommit&outcomes=true&format=json", admin);
  REQUIRE(outcomes.status == 200);
  CHECK(outcomes.body == cli_report(c, "model,commit", {"--outcomes"}));
  // A file filter needs each group's files: the store answers, the same report.
  auto one_file =
      request(c, "GET", "/v1/report?group_by=model&where=file%3D(no%20file)&format=json", admin);
  REQUIRE(one_file.status == 200);
  auto metrics = request(c, "GET", "/metrics", admin);
  REQUIRE(metrics.status == 200);
  CHECK(gauge(metrics.body, "codepulse_analytics_ready") == 1);
  CHECK(gauge(metrics.body, "codepulse_analytics_report_answers") == 4);
  CHECK(gauge(metrics.body, "codepulse_analytics_store_answers") == 1);
  CHECK(gauge(metrics.body, "codepulse_analytics_rows_sent") >= 65);
  CHECK(gauge(metrics.body, "codepulse_report_cube_records") == 0);  // no cube is built

  SECTION("ClickHouse down: ingest goes on, reports say why, and it catches up") {
    server->stop();
    REQUIRE(request(c, "POST", "/v1/batches", tracker, batch("b3", 65, 30)).status == 200);
    auto down = request(c, "GET", "/v1/report?group_by=model&format=json", admin);
    CHECK(down.status == 503);
    CHECK(down.body.find("ClickHouse at 127.0.0.1:") != std::string::npos);
    CHECK(down.body.find("cannot be reached") != std::string::npos);
    server->start();
    const auto back = std::chrono::steady_clock::now();
    auto healed = wait_for(c, "/v1/report?group_by=date%2Cmodel&format=json", admin,
                           [](const Reply& r) { return r.status == 200; });
    const auto caught_up_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - back)
                                  .count();
    INFO("caught up " << caught_up_ms << " ms after ClickHouse answered again");
    REQUIRE(healed.status == 200);
    CHECK(healed.body == cli_report(c, "date,model"));
    CHECK(healed.body.find("\"records\":95") != std::string::npos);
  }
  c.stop();
}

TEST_CASE("serve --analytics over a cluster of two shards answers as the CLI does",
          "[analytics][clickhouse][cluster][collector][server]") {
  if (!ClickHouseServer::shared()) CODEPULSE_SKIP(ClickHouseServer::why());
  auto shards = ClickHouseServer::start_cluster("serve_pair", 2);
  const std::string url = shards[0]->url("codepulse") +
                          "?cluster=serve_pair&shard=" + shards[0]->address() +
                          "&shard=" + shards[1]->address();
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string tracker = c.token_of(c.token_file("dev@example.org"));
  const std::string admin = c.token_of(c.token_file("boss@example.org", "admin"));
  c.start({"--analytics", url});
  REQUIRE(request(c, "POST", "/v1/batches", tracker, batch("b1", 0, 60)).status == 200);
  auto first = wait_for(c, "/v1/report?group_by=date%2Cmodel&format=json", admin,
                        [](const Reply& r) { return r.status == 200; });
  REQUIRE(first.status == 200);
  CHECK(first.body == cli_report(c, "date,model"));
  CHECK(first.body.find("\"records\":60") != std::string::npos);
  REQUIRE(request(c, "POST", "/v1/batches", tracker, batch("b2", 60, 40)).status == 200);
  auto tasks = request(c, "GET", "/v1/report?group_by=task%2Cmodel%2Csession&format=json", admin);
  REQUIRE(tasks.status == 200);
  CHECK(tasks.body == cli_report(c, "task,model,session"));
  CHECK(tasks.body.find("\"records\":100") != std::string::npos);
  // Outcomes read sessions over both shards (a GLOBAL IN).
  auto outcomes =
      request(c, "GET", "/v1/report?group_by=session%2Ccommit&outcomes=true&format=json", admin);
  REQUIRE(outcomes.status == 200);
  CHECK(outcomes.body == cli_report(c, "session,commit", {"--outcomes"}));
  // Both shards hold records, none twice.
  const collector::analytics::ClickHouseTarget cluster = clickhouse_target(url);
  int64_t total = 0;
  for (size_t i = 0; i < 2; ++i) {
    collector::analytics::ClickHouseClient shard(cluster.shard(i));
    auto n = shard.execute("SELECT count() FROM usage_facts_local FINAL FORMAT TabSeparated");
    REQUIRE(n);
    CHECK(std::stoll(*n) > 10);
    total += std::stoll(*n);
  }
  CHECK(total == 100);
  c.stop();
}

TEST_CASE("serve refuses a bad analytics setting with a clear error",
          "[analytics][collector][cli]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  auto bad = run_collector({"serve", "--db", c.db(), "--tls-cert", c.cert(), "--tls-key", c.key(),
                            "--analytics", "http://127.0.0.1:8123/x"});
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("analytics: ") != std::string::npos);
  CHECK(bad.err.find("clickhouse://") != std::string::npos);
  auto orphan = run_collector({"serve", "--db", c.db(), "--tls-cert", c.cert(), "--tls-key",
                               c.key(), "--analytics-password-file", dir / "pw"});
  CHECK(orphan.exit_code != 0);
  CHECK(orphan.err.find("analytics_password_file is set without analytics") != std::string::npos);
}
