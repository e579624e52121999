// Tracker -> collector over real TLS on 127.0.0.1: generated logs go through
// the daemon to the collector, and the collector's totals per day and model
// equal the generator's truth exactly, also across collector outages, a
// collector killed mid-batch, refused TLS and refused tokens. No canary of
// the logs reaches the wire or the collector.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <ctime>
#include <thread>

#include "common/c_handles.hpp"
#include "common/zstd_codec.hpp"
#include "tests/corpus/generator.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/git_repo.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;
namespace bench = codepulse::bench;

namespace {

bench::CorpusTruth make_corpus(const std::string& root, uint64_t seed, uint64_t bytes,
                               const std::string& canary = "") {
  bench::CorpusOptions o;
  o.seed = seed;
  o.target_bytes = bytes;
  o.root = root;
  o.canary = canary;
  return bench::generate_corpus(o);
}

std::map<std::string, DayModelRow> collector_rows(const CollectorFixture& c) {
  auto r = run(
      {collector_bin(), "report", "--db", c.db(), "--group-by", "date,model", "--format", "csv"});
  REQUIRE(r.exit_code == 0);
  return parse_day_model_csv(r.out);
}

int64_t truth_requests(const bench::CorpusTruth& truth) {
  int64_t n = 0;
  for (const auto& [key, t] : truth.by_day_model)
    n += t.requests;
  return n;
}

void expect_truth(const CollectorFixture& c, const bench::CorpusTruth& truth) {
  const auto rows = collector_rows(c);
  REQUIRE(rows.size() == truth.by_day_model.size());
  for (const auto& [key, want] : truth.by_day_model) {
    INFO(key);
    REQUIRE(rows.count(key) == 1);
    const DayModelRow& got = rows.at(key);
    CHECK(got.requests == want.requests);
    CHECK(got.input == want.input);
    CHECK(got.output == want.output);
    CHECK(got.cache_create == want.cache_create);
    CHECK(got.cache_read == want.cache_read);
  }
}

std::vector<std::string> tracker_args(const std::string& claude, const std::string& state,
                                      const CollectorFixture& c, const std::string& token_file,
                                      const std::string& url = "") {
  return {"--claude-dir",
          claude,
          "--state",
          state,
          "--collector",
          url.empty() ? c.url() : url,
          "--ca-file",
          c.ca(),
          "--token-file",
          token_file,
          "--ship-backoff-max",
          "400ms",
          "--batch-max-age",
          "100ms",
          "--debounce",
          "50ms"};
}

std::string tracker_status(const std::string& state) {
  return run({tracker_bin(), "status", "--state", state, "--json"}).out;
}

int64_t status_int(const std::string& json, const char* key) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  int64_t v = -1;
  if (p.parse(json).get(doc) || doc[key].get_int64().get(v)) return -1;
  return v;
}

}  // namespace

TEST_CASE("generated logs reach the collector through the daemon with exact totals",
          "[shipping][e2e][release]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  CollectorFixture c(dir / "collector");
  if (target.postgres()) c.use_db(target.db);
  const std::string token = c.token_file("dev@example.org");
  c.start();
  const auto truth = make_corpus(dir / "claude", 11, 6u << 20);
  const std::string state = dir / "state";
  auto args = tracker_args(dir / "claude", state, c, token);
  args.insert(args.begin(), {tracker_bin(), "run"});
  args.push_back("--batch-max-records");
  args.push_back("500");  // several batches
  Process tracker(args, {}, dir / "tracker");
  const int64_t total = truth_requests(truth);
  REQUIRE(eventually(kPatienceMs, [&] { return c.record_count() == total; }));
  REQUIRE(
      eventually(kPatienceMs, [&] { return status_int(tracker_status(state), "unshipped") == 0; }));
  expect_truth(c, truth);
  const std::string status = tracker_status(state);
  CHECK(status.find("\"records_shipped\":" + std::to_string(total)) != std::string::npos);

  // New lines appended while running are shipped too; the author is the token's.
  AssistantSpec more;
  more.message_id = "msg_late";
  more.request_id = "req_late";
  more.timestamp = "2026-03-01T10:00:00.000Z";
  more.input = 7777;
  write_file(dir / "claude/projects/-home-dev-src-late/late.jsonl", assistant_line(more) + "\n");
  const bool late_arrived = eventually(kPatienceMs, [&] { return c.record_count() == total + 1; });
  INFO(tracker.err());
  INFO(tracker_status(state));
  REQUIRE(late_arrived);
  CHECK(c.report_json("author").find("dev@example.org") != std::string::npos);
  tracker.signal(SIGTERM);
  CHECK(tracker.wait(kPatienceMs) == 0);
  c.stop();
}

TEST_CASE("a collector that is down, then killed mid-batch, loses and doubles nothing",
          "[shipping][faults][release]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  CollectorFixture c(dir / "collector");
  if (target.postgres()) c.use_db(target.db);
  const std::string token = c.token_file("dev@example.org");
  // The tracker's collector address is a port this test holds throughout, so
  // no other test's server can take it: bound, not listening, while the
  // collector is down (connections are refused); then a relay to wherever
  // the collector listens, each start on a free port of its own.
  int port = 0;
  UniqueFd hold(bind_loopback(port, "the collector's address"));
  const auto truth = make_corpus(dir / "claude", 23, 24u << 20);
  const int64_t total = truth_requests(truth);
  const std::string state = dir / "state";
  auto args =
      tracker_args(dir / "claude", state, c, token, "https://localhost:" + std::to_string(port));
  args.insert(args.begin(), {tracker_bin(), "run"});
  args.push_back("--batch-max-records");
  args.push_back("200");
  Process tracker(args, {}, dir / "tracker");
  // Down: retries, nothing lost, the status says why.
  std::string last_status;
  const bool down_seen = eventually(kPatienceMs, [&] {
    last_status = tracker_status(state);
    return last_status.find("cannot connect") != std::string::npos &&
           status_int(last_status, "unshipped") == total;
  });
  INFO("records: " << total << "; the tracker's last status: " << last_status);
  REQUIRE(down_seen);
  // Up: shipping resumes by itself. Killed -9 after the first batches...
  c.start();
  FaultProxy relay(c.port(), hold.release());
  REQUIRE(eventually(kPatienceMs, [&] { return c.record_count() > 0; }));
  c.kill_hard();
  const int64_t stored_at_kill = c.record_count();
  CHECK(stored_at_kill <= total);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // ...and up again on the same database: the rest arrives, exactly once.
  c.start();
  relay.set_target(c.port());
  REQUIRE(eventually(kPatienceMs, [&] { return c.record_count() == total; }));
  REQUIRE(
      eventually(kPatienceMs, [&] { return status_int(tracker_status(state), "unshipped") == 0; }));
  expect_truth(c, truth);
  tracker.signal(SIGTERM);
  CHECK(tracker.wait(kPatienceMs) == 0);
  c.stop();
}

TEST_CASE("refused TLS and refused tokens keep the records queued, with clear errors",
          "[shipping][faults][tls]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string token = c.token_file("dev@example.org");
  c.start();
  AssistantSpec a;
  write_file(dir / "claude/projects/-home-dev-src-app/s.jsonl", assistant_line(a) + "\n");
  const std::string state = dir / "state";
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", state, "--quiet"})
              .exit_code == 0);
  auto flush = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {tracker_bin(), "flush", "--state", state, "--timeout", "20"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run(argv);
  };

  SECTION("an unknown CA") {
    CollectorFixture other(dir / "other-ca");  // a different CA of its own
    auto r = flush({"--collector", c.url(), "--ca-file", other.ca(), "--token-file", token});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("TLS handshake") != std::string::npos);
    CHECK(r.err.find("certificate") != std::string::npos);
  }
  SECTION("a wrong host name") {
    // A collector whose certificate (from the CA we trust) names another host.
    CollectorFixture elsewhere(dir / "elsewhere", {"collector.example.org"}, {});
    elsewhere.start();
    auto r =
        flush({"--collector", elsewhere.url(), "--ca-file", elsewhere.ca(), "--token-file", token});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("TLS handshake") != std::string::npos);
    CHECK(r.err.find("hostname mismatch") != std::string::npos);
    elsewhere.stop();
  }
  SECTION("a pinned fingerprint that does not match") {
    auto r = flush({"--collector", c.url(), "--ca-file", c.ca(), "--token-file", token,
                    "--pin-sha256", std::string(64, 'a')});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("pinned SHA-256") != std::string::npos);
  }
  SECTION("a wrong token, then the right one") {
    const std::string bad = dir / "bad-token";
    write_file(bad, "cpt_wrongwrongwrongwrongwrongwrongwrongwrongwro\n");
    ::chmod(bad.c_str(), 0600);
    auto r = flush({"--collector", c.url(), "--ca-file", c.ca(), "--token-file", bad});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("401") != std::string::npos);
    CHECK(c.record_count() == 0);
    // A token file others can read is refused before anything is sent.
    ::chmod(token.c_str(), 0644);
    auto open = flush({"--collector", c.url(), "--ca-file", c.ca(), "--token-file", token});
    CHECK(open.exit_code == 1);
    CHECK(open.err.find("chmod 600") != std::string::npos);
    ::chmod(token.c_str(), 0600);
    auto good = flush({"--collector", c.url(), "--ca-file", c.ca(), "--token-file", token});
    CHECK(good.exit_code == 0);
    CHECK(c.record_count() == 1);
    // The pin of the real certificate is accepted.
    auto fp = run({collector_bin(), "cert", "fingerprint", c.cert()});
    REQUIRE(fp.exit_code == 0);
    auto doctor = run({tracker_bin(), "doctor", "--state", state, "--claude-dir", dir / "claude",
                       "--collector", c.url(), "--ca-file", c.ca(), "--token-file", token,
                       "--pin-sha256", fp.out.substr(0, 64)});
    CHECK(doctor.exit_code == 0);
    CHECK(doctor.out.find("pin matches") != std::string::npos);
    CHECK(doctor.out.find("dev@example.org") != std::string::npos);
  }
  // Whatever was refused stays queued: nothing is dropped.
  const std::string s = tracker_status(state);
  CHECK(status_int(s, "unshipped") + c.record_count() == 1);
  c.stop();
}

TEST_CASE("records the collector rejects are quarantined, listed, and can be released",
          "[shipping][quarantine]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string token = c.token_file("dev@example.org");
  c.start();
  AssistantSpec ok, future;
  future.message_id = "msg_future";
  future.request_id = "req_future";
  future.timestamp = "2099-01-01T00:00:00.000Z";  // absurd for the collector
  write_file(dir / "claude/projects/-home-dev-src-app/s.jsonl",
             assistant_line(ok) + "\n" + assistant_line(future) + "\n");
  const std::string state = dir / "state";
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", state, "--quiet"})
              .exit_code == 0);
  const std::vector<std::string> ship = {"--collector", c.url(),        "--ca-file",
                                         c.ca(),        "--token-file", token};
  std::vector<std::string> argv = {tracker_bin(), "flush", "--state", state};
  argv.insert(argv.end(), ship.begin(), ship.end());
  REQUIRE(run(argv).exit_code == 0);
  CHECK(c.record_count() == 1);
  auto list = run({tracker_bin(), "queue", "quarantine", "--state", state});
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("field 'timestamp'") != std::string::npos);
  CHECK(status_int(tracker_status(state), "quarantined") == 1);
  CHECK(status_int(tracker_status(state), "unshipped") == 0);
  auto release = run({tracker_bin(), "queue", "release", "--state", state});
  CHECK(release.out.find("Released 1") != std::string::npos);
  CHECK(status_int(tracker_status(state), "unshipped") == 1);
  c.stop();
}

TEST_CASE("no canary reaches the wire or the collector", "[shipping][privacy][release]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(store, dir);
  const std::string canary = "CANARY-7f3e9b-SECRET";
  make_corpus(dir / "claude", 5, 2u << 20, canary);
  const std::string state = dir / "state";
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", state, "--quiet"})
              .exit_code == 0);
  // Every byte the tracker puts on the wire, captured by a TLS peer of ours.
  CollectorFixture c(dir / "collector");
  if (store.postgres()) c.use_db(store.db);
  {
    CaptureServer capture(c.cert(), c.key());
    const std::string token = c.token_file("dev@example.org");
    auto r = run({tracker_bin(), "flush", "--state", state, "--collector",
                  "https://localhost:" + std::to_string(capture.port()), "--ca-file", c.ca(),
                  "--token-file", token, "--batch-max-records", "20"});
    REQUIRE(r.exit_code == 0);
    const auto bodies = capture.bodies();
    REQUIRE(bodies.size() > 1);
    for (const auto& b : bodies) {
      auto json = zstd_decompress(b, 64u << 20);
      REQUIRE(json);
      CHECK(json->find("\"records\"") != std::string::npos);
      CHECK(json->find(canary) == std::string::npos);
      CHECK(b.find(canary) == std::string::npos);
    }
  }
  // And through a real collector into its database (a second store: the
  // first one has shipped everything to the capture).
  TempDir state2;
  const std::string token = c.token_file("dev@example.org");
  auto ship = [&] {
    REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", state2.path(),
                 "--quiet"})
                .exit_code == 0);
    c.start();
    REQUIRE(run({tracker_bin(), "flush", "--state", state2.path(), "--collector", c.url(),
                 "--ca-file", c.ca(), "--token-file", token})
                .exit_code == 0);
    c.stop();
  };
  ship();
  CHECK(c.record_count() > 0);
  // Every file and row of both stores, and the collector's other files.
  CHECK(store_contents(c.db()).find(canary) == std::string::npos);
  CHECK(folder_contents(dir / "collector").find(canary) == std::string::npos);
  CHECK(folder_contents(state2.path()).find(canary) == std::string::npos);
  // The control: the canary as a branch name, which is kept and sent, is
  // found by the same reads.
  write_file(dir / "claude/projects/-control/control.jsonl", branch_lines({canary}));
  ship();
  CHECK(store_contents(c.db()).find(canary) != std::string::npos);
  CHECK(folder_contents(state2.path()).find(canary) != std::string::npos);
}

TEST_CASE("a wrong collector URL keeps every record queued", "[shipping][faults]") {
  TempDir dir;
  const auto truth = make_corpus(dir / "claude", 3, 1u << 20);
  const std::string state = dir / "state";
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", state, "--quiet"})
              .exit_code == 0);
  const int64_t total = truth_requests(truth);
  CollectorFixture c(dir / "collector");
  const std::string token = c.token_file("dev@example.org");
  using Mode = CaptureServer::Mode;
  for (Mode mode : {Mode::kHtml200, Mode::kNotFound}) {
    // A web server at the wrong path answers 200 with a page, or 404.
    CaptureServer web(c.cert(), c.key(), mode);
    auto r = run({tracker_bin(), "flush", "--state", state, "--collector",
                  "https://localhost:" + std::to_string(web.port()) + "/wrong", "--ca-file", c.ca(),
                  "--token-file", token, "--timeout", "20"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("collector URL") != std::string::npos);
    // Nothing marked shipped, nothing quarantined.
    const std::string s = tracker_status(state);
    CHECK(status_int(s, "unshipped") == total);
    CHECK(status_int(s, "quarantined") == 0);
  }
}

TEST_CASE("a collector with a small body limit gets smaller batches, and everything",
          "[shipping][faults]") {
  TempDir dir;
  const auto truth = make_corpus(dir / "claude", 9, 2u << 20);
  const std::string state = dir / "state";
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", state, "--quiet"})
              .exit_code == 0);
  CollectorFixture c(dir / "collector");
  const std::string token = c.token_file("dev@example.org");
  c.start({"--max-body-bytes", "4KiB"});
  // The first batches get 413 before their body is read; the tracker reads
  // that answer, halves its batches, and ships everything.
  auto r = run({tracker_bin(), "flush", "--state", state, "--collector", c.url(), "--ca-file",
                c.ca(), "--token-file", token, "--timeout", "60"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("413") != std::string::npos);
  expect_truth(c, truth);
  c.stop();
}

TEST_CASE("SIGHUP while a batch is in flight replaces the shipper safely", "[shipping][daemon]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string token = c.token_file("dev@example.org");
  const auto truth = make_corpus(dir / "claude", 4, 1u << 20);
  // A listener that accepts and never answers: the TLS handshake hangs.
  int hang_port = 0;
  const int hang = listen_loopback(8, hang_port, "hanging listener");
  const std::string config = dir / "tracker.toml";
  auto write_config = [&](const std::string& url, const std::string& timeout) {
    write_file(config, "claude_dirs = [\"" + dir / "claude" + "\"]\nstate_dir = \"" +
                           dir / "state" + "\"\ncollector = \"" + url + "\"\nca_file = \"" +
                           c.ca() + "\"\ntoken_file = \"" + token + "\"\nship_timeout = \"" +
                           timeout + "\"\nship_backoff_max = \"300ms\"\n");
  };
  write_config("https://localhost:" + std::to_string(hang_port), "20s");
  Process tracker({tracker_bin(), "run", "--config", config}, {}, dir / "tracker");
  REQUIRE(eventually(kPatienceMs, [&] {
    return tracker.err().find("shipping to https://localhost") != std::string::npos;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the handshake is pending
  // New settings while the request hangs: the shipper is replaced.
  write_config("https://localhost:" + std::to_string(hang_port), "25s");
  tracker.signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // And once more, to the real collector: everything arrives.
  c.start();
  write_config(c.url(), "20s");
  tracker.signal(SIGHUP);
  REQUIRE(eventually(kPatienceMs, [&] { return c.record_count() == truth_requests(truth); }));
  CHECK(tracker.running());
  tracker.signal(SIGTERM);
  CHECK(tracker.wait(kPatienceMs) == 0);
  ::close(hang);
  expect_truth(c, truth);
  c.stop();
}

TEST_CASE("a network that drops, delays, resets, truncates, corrupts and stalls loses nothing",
          "[shipping][faults][proxy][release]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string token = c.token_file("dev@example.org");
  c.start();
  FaultProxy proxy(c.port());
  using Fault = FaultProxy::Fault;
  proxy.set_fault(Fault::kReset, 3000);
  const auto truth = make_corpus(dir / "claude", 31, 6u << 20);
  const int64_t total = truth_requests(truth);
  const std::string state = dir / "state";
  auto args = tracker_args(dir / "claude", state, c, token,
                           "https://localhost:" + std::to_string(proxy.port()));
  args.insert(args.begin(), {tracker_bin(), "run"});
  for (const char* extra : {"--batch-max-records", "50", "--ship-timeout", "1s"})
    args.push_back(extra);
  Process tracker(args, {}, dir / "tracker");
  // Each fault in turn, long enough for several attempts; nothing gets through.
  const std::pair<Fault, size_t> faults[] = {{Fault::kReset, 3000},
                                             {Fault::kTruncate, 5000},
                                             {Fault::kCorrupt, 4000},
                                             {Fault::kStall, 2500},
                                             {Fault::kDrop, 0}};
  for (const auto& [fault, after] : faults) {
    proxy.set_fault(fault, after);
    const int before = proxy.connections();
    REQUIRE(eventually(20000, [&] { return proxy.connections() >= before + 2; }));
  }
  CHECK(c.record_count() == 0);
  // A slow but working line, then a clean one: everything arrives, once.
  proxy.set_fault(Fault::kDelay, 0, 20);
  REQUIRE(eventually(30000, [&] { return c.record_count() > 0; }));
  proxy.set_fault(Fault::kNone);
  REQUIRE(eventually(60000, [&] { return c.record_count() == total; }));
  REQUIRE(eventually(10000, [&] { return status_int(tracker_status(state), "unshipped") == 0; }));
  expect_truth(c, truth);
  CHECK(status_int(tracker_status(state), "quarantined") == 0);
  tracker.signal(SIGTERM);
  CHECK(tracker.wait(10000) == 0);
  c.stop();
}

TEST_CASE("queued commits travel with the records and are marked shipped after the 2xx",
          "[shipping][git]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  // The token's author wrote the commits (GitRepoBuilder's default identity):
  // a tracker sends only its own author's commits.
  const std::string token = c.token_file("dev@acme.example");
  c.start();
  GitRepoBuilder repo(dir / "app");
  const int64_t today = (::time(nullptr) - GitRepoBuilder::kEpochS) / 86'400;
  repo.write("a.txt", "one\ntwo\n");
  repo.commit("first", today - 2);
  repo.write("a.txt", "one\n");
  repo.commit("second", today - 1);
  AssistantSpec a;
  a.cwd = repo.root();
  write_file(dir / "claude/projects/-app/s.jsonl", assistant_line(a) + "\n");
  const std::string state = dir / "state";
  REQUIRE(run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", state, "--quiet",
               "--author", "dev@acme.example"})
              .exit_code == 0);
  const std::string db = state + "/tracker.db";
  auto unshipped_commits = [&] {
    auto r =
        run({"sqlite3", "-readonly", db, "SELECT count(*) FROM git_commits WHERE shipped = 0"});
    return r.exit_code == 0 ? std::stoll(r.out) : -1;
  };
  REQUIRE(unshipped_commits() == 2);
  auto r = run({tracker_bin(), "flush", "--state", state, "--timeout", "20", "--collector", c.url(),
                "--ca-file", c.ca(), "--token-file", token});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(c.record_count() == 1);
  CHECK(unshipped_commits() == 0);
  auto show = run({tracker_bin(), "queue", "show", "--state", state});
  // An empty queue says so, with whose records the tracker queues (never a bare "author ").
  INFO(show.out);
  CHECK(show.out.find("The queue is empty: nothing waits to be sent (device ") == 0);
  CHECK(show.out.find("author )") == std::string::npos);
  CHECK(show.out.find("author ") != std::string::npos);
}
