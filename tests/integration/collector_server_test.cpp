// The collector's HTTPS server, as a real process on 127.0.0.1 with a CA and
// certificate the test makes: ingest, idempotency, authentication, limits,
// bad and slow clients, and graceful shutdown.
#include <simdjson.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <thread>

#include "common/sqlite.hpp"
#include "common/zstd_codec.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

proto::WireRecord record(const std::string& uid, int64_t revision = 1, int64_t input = 100) {
  proto::WireRecord w;
  w.record_uid = uid;
  w.revision = revision;
  UsageRecord& r = w.usage;
  r.message_id = "msg_" + uid;
  r.request_id = "req_" + uid;
  r.timestamp_ms = 1'767'225'600'000;  // 2026-01-01
  r.session_id = "session-1";
  r.model = "claude-opus-4-6";
  r.input = input;
  r.output = 20;
  r.cache_read = 1000;
  r.cost_nanos = 123'000;
  r.author = "someone.else@example.org";  // the server must ignore this
  r.repo = "github.com/acme/api";
  return w;
}

proto::BatchHeader header(const std::string& batch_id, size_t n) {
  proto::BatchHeader h;
  h.tracker_version = "0.1.0";
  h.device_id = "device-1";
  h.author = "someone.else@example.org";
  h.batch_id = batch_id;
  h.record_count = static_cast<int64_t>(n);
  h.created_ms = 1'767'225'600'000;
  return h;
}

std::string batch_body(const std::string& batch_id, const std::vector<proto::WireRecord>& records) {
  auto b = proto::encode(header(batch_id, records.size()), records);
  REQUIRE(b);
  return *b;
}

struct Reply {
  int status = 0;
  std::string body;
};

Reply post(CollectorFixture& c, const std::string& token, const std::string& body,
           std::vector<std::string> headers = {}) {
  TlsClient client(c.port(), c.ca());
  headers.push_back("Authorization: Bearer " + token);
  headers.push_back("Content-Encoding: zstd");
  REQUIRE(client.send(http_request("POST", "/v1/batches", headers, body)));
  const std::string res = client.read_response(kPatienceMs);
  return {status_of(res), body_of(res)};
}

int64_t json_int(const std::string& body, const char* key) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  int64_t v = -1;
  if (p.parse(body).get(doc) || doc[key].get_int64().get(v)) return -1;
  return v;
}

// A GET, with a bearer token when one is given.
Reply get(CollectorFixture& c, const std::string& target, const std::string& token = "") {
  TlsClient client(c.port(), c.ca());
  std::vector<std::string> headers;
  if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
  REQUIRE(client.send(http_request("GET", target, headers, "")));
  const std::string res = client.read_response(kPatienceMs);
  return {status_of(res), body_of(res)};
}

// A started collector with a tracker token (id 1) and a viewer token (id 2).
struct Serving {
  CollectorFixture c;
  std::string tracker, viewer;
  explicit Serving(const std::string& dir, const std::vector<std::string>& args = {},
                   const std::string& db = "")
      : c(dir) {
    if (!db.empty()) c.use_db(db);
    tracker = c.token_of(c.token_file("dev@example.org"));
    viewer = c.token_of(c.token_file("boss@example.org", "viewer"));
    c.start(args);
  }
};

}  // namespace

TEST_CASE("the collector stores a batch once, however often it is sent", "[collector][server]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  CollectorFixture c(dir / "collector");
  if (target.postgres()) c.use_db(target.db);
  const std::string token = c.token_of(c.token_file("dev@example.org"));
  c.start();

  auto first = post(c, token, batch_body("b1", {record("u1"), record("u2"), record("u3")}));
  REQUIRE(first.status == 200);
  CHECK(json_int(first.body, "records_new") == 3);
  CHECK(first.body.find("\"duplicate_batch\":false") != std::string::npos);

  // The same batch again: the stored outcome, nothing new.
  auto again = post(c, token, batch_body("b1", {record("u1"), record("u2"), record("u3")}));
  REQUIRE(again.status == 200);
  CHECK(again.body.find("\"duplicate_batch\":true") != std::string::npos);
  CHECK(c.record_count() == 3);

  // The same records in another batch: duplicates; a higher revision replaces.
  auto mixed = post(c, token, batch_body("b2", {record("u1"), record("u2", 2, 500), record("u4")}));
  REQUIRE(mixed.status == 200);
  CHECK(json_int(mixed.body, "duplicates") == 1);
  CHECK(json_int(mixed.body, "replaced") == 1);
  CHECK(json_int(mixed.body, "records_new") == 1);
  CHECK(c.record_count() == 4);
  const std::string report = c.report_json("author");
  // 100 (u1) + 500 (u2 r2) + 100 (u3) + 100 (u4); the author is the token's.
  CHECK(report.find("\"input\":800") != std::string::npos);
  CHECK(report.find("dev@example.org") != std::string::npos);
  CHECK(report.find("someone.else@example.org") == std::string::npos);

  // The Idempotency-Key header must match the batch id.
  auto wrong_key = post(c, token, batch_body("b3", {record("u5")}), {"Idempotency-Key: other"});
  CHECK(wrong_key.status == 400);

  auto metrics = get(c, "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("codepulse_records_total{outcome=\"new\"} 4") != std::string::npos);
  CHECK(metrics.body.find("codepulse_batches_total{outcome=\"duplicate_batch\"} 1") !=
        std::string::npos);
  CHECK(metrics.body.find("codepulse_batch_duration_seconds_count 3") != std::string::npos);
  CHECK(metrics.body.find("codepulse_store_records 4") != std::string::npos);
  auto health = get(c, "/healthz");
  CHECK(health.status == 200);
  CHECK(health.body.find("\"records\":4") != std::string::npos);
  c.stop();
}

TEST_CASE("the collector refuses wrong, revoked and viewer tokens and stores nothing",
          "[collector][server][auth]") {
  TempDir dir;
  CollectorFixture c(dir.path());
  const std::string good = c.token_of(c.token_file("dev@example.org"));
  const std::string viewer = c.token_of(c.token_file("boss@example.org", "viewer"));
  const std::string revoked = c.token_of(c.token_file("gone@example.org"));
  REQUIRE(run({collector_bin(), "token", "revoke", "--db", c.db(), "--id", "3"}).exit_code == 0);
  c.start();
  const std::string body = batch_body("b1", {record("u1")});
  CHECK(post(c, "cpt_not-a-real-token", body).status == 401);
  CHECK(post(c, revoked, body).status == 401);
  CHECK(post(c, viewer, body).status == 403);
  {
    TlsClient client(c.port(), c.ca());
    REQUIRE(client.send(http_request("POST", "/v1/batches", {"Content-Encoding: zstd"}, body)));
    const std::string res = client.read_response(kPatienceMs);
    CHECK(status_of(res) == 401);
    CHECK(res.find("WWW-Authenticate: Bearer") != std::string::npos);
  }
  CHECK(c.record_count() == 0);
  CHECK(post(c, good, body).status == 200);
  CHECK(c.record_count() == 1);
  c.stop();
}

TEST_CASE("a token revoked while the collector runs is refused at its next request",
          "[collector][server][auth]") {
  TempDir dir;
  Serving s(dir.path());
  auto& [c, tracker, viewer] = s;
  REQUIRE(post(c, tracker, batch_body("b1", {record("u1")})).status == 200);
  REQUIRE(get(c, "/v1/report?group_by=model", viewer).status == 200);
  // Revoked from another process (the CLI) while serving: tokens are looked
  // up at every request, never cached.
  REQUIRE(run({collector_bin(), "token", "revoke", "--db", c.db(), "--id", "1"}).exit_code == 0);
  REQUIRE(run({collector_bin(), "token", "revoke", "--db", c.db(), "--id", "2"}).exit_code == 0);
  CHECK(post(c, tracker, batch_body("b2", {record("u2")})).status == 401);
  CHECK(get(c, "/v1/report?group_by=model", viewer).status == 401);
  CHECK(get(c, "/v1/whoami", tracker).status == 401);
  CHECK(c.record_count() == 1);  // the batch after revocation stored nothing
  c.stop();
}

TEST_CASE("bad batches get clear errors and lose nothing", "[collector][server][faults]") {
  TempDir dir;
  CollectorFixture c(dir.path());
  const std::string token = c.token_of(c.token_file("dev@example.org"));
  c.start({"--max-decompressed-bytes", "1MiB", "--max-body-bytes", "4MiB"});
  const std::string good = batch_body("b1", {record("u1"), record("u2")});

  SECTION("truncated and corrupt zstd") {
    auto truncated = post(c, token, good.substr(0, good.size() / 2));
    CHECK(truncated.status == 400);
    CHECK(truncated.body.find("zstd") != std::string::npos);
    std::string corrupt = good;
    for (size_t i = 8; i < corrupt.size(); i += 7)
      corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
    CHECK(post(c, token, corrupt).status == 400);
    CHECK(post(c, token, "this is not zstd at all").status == 400);
  }
  SECTION("a zstd bomb is refused at the decompressed-size limit") {
    auto bomb = zstd_compress(std::string(64u << 20, '\0'), 19);  // 64 MiB of zeros
    REQUIRE(bomb);
    REQUIRE(bomb->size() < 100'000);
    auto r = post(c, token, *bomb);
    CHECK(r.status == 413);
    CHECK(r.body.find("limit") != std::string::npos);
  }
  SECTION("a 1 GiB body is refused from its header, without reading it") {
    TlsClient client(c.port(), c.ca());
    REQUIRE(client.send("POST /v1/batches HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
                        token + "\r\nContent-Encoding: zstd\r\nContent-Length: 1073741824\r\n\r\n" +
                        std::string(65536, 'x')));
    // Only 64 KiB of the body ever comes: a server that read it before
    // answering would wait for the rest and never send this 413.
    const std::string res = client.read_response(kPatienceMs);
    CHECK(status_of(res) == 413);
  }
  SECTION("records with absurd fields are rejected alone, with reasons") {
    auto future = record("u3");
    future.usage.timestamp_ms = 4'102'444'800'000;  // 2100
    auto bad_model = record("u4");
    bad_model.usage.model = "claude<script>";
    auto huge = record("u5", 1, 5'000'000'000);
    auto r = post(c, token, batch_body("b9", {record("u1"), future, bad_model, huge}));
    REQUIRE(r.status == 200);
    CHECK(json_int(r.body, "records_new") == 1);
    CHECK(json_int(r.body, "rejected") == 3);
    CHECK(r.body.find("field 'timestamp'") != std::string::npos);
    CHECK(r.body.find("field 'model'") != std::string::npos);
    CHECK(r.body.find("field 'input_tokens'") != std::string::npos);
  }
  // After every fault the good batch is stored exactly once.
  CHECK(post(c, token, good).status == 200);
  CHECK(post(c, token, good).status == 200);
  CHECK(c.record_count() == 2);
  c.stop();
}

TEST_CASE("garbage and slow clients do not stop the collector serving others",
          "[collector][server][faults]") {
  TempDir dir;
  CollectorFixture c(dir.path());
  const std::string token = c.token_of(c.token_file("dev@example.org"));
  c.start({"--header-timeout", "1s", "--body-timeout", "2s"});

  // Plain bytes on the TLS port.
  const int raw = connect_tcp(c.port());
  const std::string junk = "GET / HTTP/1.1\r\n\r\n\x01\x02garbage";
  CHECK(::send(raw, junk.data(), junk.size(), MSG_NOSIGNAL) > 0);
  // HTTP garbage inside TLS: a 400 and a closed connection.
  TlsClient garbage(c.port(), c.ca());
  REQUIRE(garbage.send("\x16\x03 this is not HTTP\r\n\r\n"));
  const std::string garbage_reply = garbage.read_response(kPatienceMs);
  CHECK(status_of(garbage_reply) == 400);

  // Slowloris: connections that never finish their header, or their body.
  std::vector<std::unique_ptr<TlsClient>> slow;
  for (int i = 0; i < 20; ++i) {
    slow.push_back(std::make_unique<TlsClient>(c.port(), c.ca()));
    REQUIRE(slow.back()->send("POST /v1/batches HTTP/1.1\r\nHost: local"));
  }
  TlsClient slow_body(c.port(), c.ca());
  REQUIRE(slow_body.send("POST /v1/batches HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
                         token + "\r\nContent-Encoding: zstd\r\nContent-Length: 5000\r\n\r\nab"));
  // Meanwhile a real tracker is served at once.
  auto ok = post(c, token, batch_body("b1", {record("u1")}));
  CHECK(ok.status == 200);
  // And the slow ones are cut off by the timeouts (they never finish by themselves).
  for (auto& s : slow)
    CHECK(s->closed_within(kPatienceMs));
  CHECK(slow_body.closed_within(kPatienceMs));
  ::close(raw);
  CHECK(post(c, token, batch_body("b2", {record("u2")})).status == 200);
  CHECK(c.record_count() == 2);
  c.stop();
}

TEST_CASE("a token over its rate limit gets 429 with Retry-After", "[collector][server]") {
  TempDir dir;
  CollectorFixture c(dir.path());
  const std::string token = c.token_of(c.token_file("dev@example.org"));
  // A bucket of 2 batches, refilled at 1 a second. Of 24 batches sent at
  // once, the first 2 taken always pass, and at most one more for each second
  // the whole exchange took: how many pass is bounded by counts and the time
  // measured, so a slow machine cannot fail this. The arithmetic itself, on a
  // clock the test sets, is in tests/unit/rate_limiter_test.cpp.
  c.start({"--rate-limit", "1", "--rate-burst", "2"});
  constexpr int kBatches = 24;
  std::vector<std::unique_ptr<TlsClient>> clients;
  for (int i = 0; i < kBatches; ++i)
    clients.push_back(std::make_unique<TlsClient>(c.port(), c.ca()));
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kBatches; ++i) {
    const std::string id = std::to_string(i);
    REQUIRE(clients[i]->send(http_request(
        "POST", "/v1/batches", {"Authorization: Bearer " + token, "Content-Encoding: zstd"},
        batch_body("b" + id, {record("u" + id)}))));
  }
  int accepted = 0, refused = 0;
  for (auto& client : clients) {
    const std::string res = client->read_response(kPatienceMs);
    if (status_of(res) == 200) {
      ++accepted;
      continue;
    }
    CHECK(status_of(res) == 429);
    CHECK(res.find("Retry-After: ") != std::string::npos);
    ++refused;
  }
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started)
          .count();
  INFO(accepted << " accepted, " << refused << " refused in " << seconds << " s");
  CHECK(accepted >= 2);
  CHECK(accepted <= 2 + seconds);
  CHECK(accepted + refused == kBatches);  // so at least one refused, unless this took 22 s
  CHECK(c.record_count() == accepted);    // a refused batch stores nothing
  c.stop();
}

TEST_CASE("SIGTERM finishes the batch in flight, then the collector exits",
          "[collector][server][shutdown]") {
  TempDir dir;
  CollectorFixture c(dir.path());
  const std::string token = c.token_of(c.token_file("dev@example.org"));
  c.start();
  const std::string body = batch_body("b1", {record("u1"), record("u2")});
  TlsClient client(c.port(), c.ca());
  const std::string request = http_request(
      "POST", "/v1/batches", {"Authorization: Bearer " + token, "Content-Encoding: zstd"}, body);
  // Header and half the body, then SIGTERM, then the rest.
  REQUIRE(client.send(request.substr(0, request.size() - body.size() / 2)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  c.process().signal(SIGTERM);
  // No new connections are accepted while it drains.
  CHECK(eventually(kPatienceMs, [&] {
    try {
      TlsClient probe(c.port(), c.ca());
      return false;
    } catch (const std::exception&) {
      return true;
    }
  }));
  REQUIRE(client.send(request.substr(request.size() - body.size() / 2)));
  const std::string res = client.read_response(kPatienceMs);
  CHECK(status_of(res) == 200);
  CHECK(c.process().wait(kPatienceMs) == 0);
  CHECK(c.process().err().find("stopped") != std::string::npos);
  CHECK(c.record_count() == 2);
}

TEST_CASE("serve refuses bad settings with clear errors", "[collector][server][cli]") {
  TempDir dir;
  CollectorFixture c(dir.path());
  auto no_cert = run({collector_bin(), "serve", "--db", c.db()});
  CHECK(no_cert.exit_code == 2);
  CHECK(no_cert.err.find("--tls-cert") != std::string::npos);
  auto bad_key = run({collector_bin(), "serve", "--db", c.db(), "--tls-cert", c.cert(), "--tls-key",
                      c.ca(), "--listen", "127.0.0.1:0"});
  CHECK(bad_key.exit_code == 1);
  CHECK(bad_key.err.find("private key") != std::string::npos);
  auto bad_listen = run({collector_bin(), "serve", "--db", c.db(), "--tls-cert", c.cert(),
                         "--tls-key", c.key(), "--listen", "nowhere"});
  CHECK(bad_listen.exit_code == 1);
  CHECK(bad_listen.err.find("HOST:PORT") != std::string::npos);
  write_file(dir / "serve.toml", "listen = \"127.0.0.1:0\"\nrate_limt = 5\n");
  auto typo = run({collector_bin(), "serve", "--config", dir / "serve.toml", "--print-config"});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("did you mean 'rate_limit'") != std::string::npos);
}

TEST_CASE("GET /v1/report returns the CLI's report to viewer and admin tokens",
          "[collector][server][report]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(store, dir);
  Serving s(dir / "collector", {}, store.postgres() ? store.db : "");
  auto& [c, tracker, viewer] = s;
  REQUIRE(post(c, tracker, batch_body("b1", {record("u1"), record("u2", 1, 300), record("u3")}))
              .status == 200);
  auto get_with = [&](const std::string& token, const std::string& target) {
    return get(c, target, token);
  };
  auto api = get_with(viewer, "/v1/report?group_by=date%2Cmodel&metric=cost_usd");
  REQUIRE(api.status == 200);
  auto cli = run({collector_bin(), "report", "--db", c.db(), "--group-by", "date,model", "--metric",
                  "cost_usd", "--format", "json"});
  REQUIRE(cli.exit_code == 0);
  CHECK(api.body == cli.out);  // one engine, one output
  CHECK(api.body.find("\"input\":500") != std::string::npos);
  auto csv = get_with(viewer, "/v1/report?group_by=author&format=csv");
  CHECK(csv.status == 200);
  CHECK(csv.body.rfind("author,input,", 0) == 0);
  // A tracker token cannot read; bad parameters get the valid choices.
  CHECK(get_with(tracker, "/v1/report?group_by=model").status == 403);
  auto bad = get_with(viewer, "/v1/report?group_by=model,colour");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("unknown dimension 'colour'") != std::string::npos);
  auto sql = get_with(viewer, "/v1/report?group_by=model&where=repo%3Dx%27%20OR%20%271%27%3D%271");
  CHECK(sql.status == 200);
  CHECK(sql.body.find("\"records\":0") != std::string::npos);
  CHECK(get_with("cpt_nope", "/v1/report?group_by=model").status == 401);
  c.stop();
}

TEST_CASE("records of several assistants are stored and reported by assistant",
          "[collector][server][report][assistant]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(store, dir);
  Serving s(dir / "collector", {}, store.postgres() ? store.db : "");
  auto& [c, tracker, viewer] = s;
  proto::WireRecord codex = record("c1", 1, 1000);
  codex.usage.assistant = "codex";
  codex.usage.model = "gpt-5.5";
  codex.usage.output = 500;
  codex.usage.reasoning = 300;
  proto::WireRecord gemini = record("g1", 1, 2000);
  gemini.usage.assistant = "gemini-cli";
  gemini.usage.model = "gemini-2.5-pro";
  REQUIRE(post(c, tracker, batch_body("b1", {record("u1"), codex, gemini})).status == 200);
  // A newer revision keeps the assistant (the replaced version folds out).
  codex.revision = 2;
  codex.usage.input = 1500;
  REQUIRE(post(c, tracker, batch_body("b2", {codex})).status == 200);
  auto api = get(c, "/v1/report?group_by=assistant%2Cmodel", viewer);
  REQUIRE(api.status == 200);
  CHECK(api.body.find(R"("key":"codex","input":1500,"output":500,)") != std::string::npos);
  CHECK(api.body.find(R"("key":"gemini-cli","input":2000,)") != std::string::npos);
  CHECK(api.body.find(R"("key":"claude-code","input":100,)") != std::string::npos);
  auto only = get(c, "/v1/report?group_by=model&where=assistant%3Dcodex", viewer);
  REQUIRE(only.status == 200);
  CHECK(only.body.find(R"("key":"gpt-5.5","input":1500,)") != std::string::npos);
  CHECK(only.body.find("claude-opus") == std::string::npos);
  // The store keeps the assistant and the reasoning tokens as sent.
  auto cli = run(
      {collector_bin(), "report", "--db", c.db(), "--group-by", "assistant", "--format", "csv"});
  REQUIRE(cli.exit_code == 0);
  CHECK(cli.out.find("\ncodex,1500,500,") != std::string::npos);
  c.stop();
  if (!store.postgres()) {
    CHECK(db_text(c.db(),
                  "SELECT assistant || ':' || reasoning FROM usage_records WHERE "
                  "model = 'gpt-5.5'") == "codex:300");
  }
}

TEST_CASE("GET /v1/report refuses a tree over report_max_nodes with a 422",
          "[collector][server][report]") {
  TempDir dir;
  Serving s(dir.path(), {"--report-max-nodes", "3"});
  auto& [c, tracker, viewer] = s;
  REQUIRE(post(c, tracker, batch_body("b1", {record("u1"), record("u2", 1, 300), record("u3")}))
              .status == 200);
  // author > date > model > session: at least 4 nodes.
  auto big = get(c, "/v1/report?group_by=author,date,model,session", viewer);
  CHECK(big.status == 422);
  CHECK(big.body.find("report_max_nodes (3)") != std::string::npos);
  CHECK(big.body.find("top=N") != std::string::npos);
  auto small = get(c, "/v1/report?group_by=author", viewer);
  CHECK(small.status == 200);
}

namespace {

// post() for other threads: no Catch2 assertions; status 0 when the
// exchange itself failed.
Reply post_from_thread(CollectorFixture& c, const std::string& token, const std::string& body) {
  TlsClient client(c.port(), c.ca());
  if (!client.send(http_request("POST", "/v1/batches",
                                {"Authorization: Bearer " + token, "Content-Encoding: zstd"},
                                body)))
    return {};
  const std::string res = client.read_response(kPatienceMs);
  return {status_of(res), body_of(res)};
}

}  // namespace

TEST_CASE("two collectors on one PostgreSQL store every batch once, the highest revision winning",
          "[collector][server][postgres][release]") {
  PgServer* pg = PgServer::shared();
  if (!pg) CODEPULSE_SKIP(PgServer::why());
  TempDir dir;
  const std::string db = pg->create_database();
  CollectorFixture a(dir / "a"), b(dir / "b");
  a.use_db(db);
  b.use_db(db);
  const std::string tracker = a.token_of(a.token_file("dev@example.org"));
  const std::string viewer = a.token_of(a.token_file("boss@example.org", "viewer"));
  a.start();
  b.start();
  // 60 batches of 150 records over 3,000 uids: every uid is in three
  // batches, at revisions 1, 2 and 3 with different inputs. A sends the
  // batches in order, B in reverse, at the same time, and each batch goes to
  // both: the store must end with one record per uid, at revision 3.
  constexpr int kBatches = 60, kPerBatch = 150, kUids = 3000;
  std::vector<std::string> bodies;
  for (int n = 0; n < kBatches; ++n) {
    std::vector<proto::WireRecord> recs;
    const int revision = n / 20 + 1;
    for (int k = 0; k < kPerBatch; ++k) {
      const int uid = (n % 20) * kPerBatch + k;
      recs.push_back(record("u" + std::to_string(uid), revision, 1000 * revision + uid));
    }
    bodies.push_back(batch_body("batch-" + std::to_string(n), recs));
  }
  std::vector<Reply> to_a(kBatches), to_b(kBatches);
  std::thread ta([&] {
    for (int n = 0; n < kBatches; ++n)
      to_a[n] = post_from_thread(a, tracker, bodies[n]);
  });
  std::thread tb([&] {
    for (int n = kBatches - 1; n >= 0; --n)
      to_b[n] = post_from_thread(b, tracker, bodies[n]);
  });
  ta.join();
  tb.join();
  int64_t fresh = 0, seen_before = 0;
  for (int n = 0; n < kBatches; ++n) {
    INFO("batch " << n << ": " << to_a[n].body << " / " << to_b[n].body);
    REQUIRE(to_a[n].status == 200);
    REQUIRE(to_b[n].status == 200);
    // One of the two stored it; the other got the stored outcome.
    for (const Reply* r : {&to_a[n], &to_b[n]}) {
      if (r->body.find("\"duplicate_batch\":true") != std::string::npos)
        ++seen_before;
      else
        ++fresh;
    }
  }
  CHECK(fresh == kBatches);
  CHECK(seen_before == kBatches);
  int64_t truth = 0;
  for (int uid = 0; uid < kUids; ++uid)
    truth += 3000 + uid;
  CHECK(db_text(db, "SELECT count(*) FROM usage_records") == std::to_string(kUids));
  CHECK(db_text(db, "SELECT count(*) FROM usage_records WHERE revision <> 3") == "0");
  CHECK(db_text(db, "SELECT sum(input) FROM usage_records") == std::to_string(truth));
  CHECK(db_text(db, "SELECT count(*) FROM collector_batches") == std::to_string(kBatches));
  // Both collectors' live reports hold every commit, theirs and the other's.
  auto from_a = get(a, "/v1/report?group_by=model", viewer);
  auto from_b = get(b, "/v1/report?group_by=model", viewer);
  REQUIRE(from_a.status == 200);
  REQUIRE(from_b.status == 200);
  CHECK(from_a.body == from_b.body);
  CHECK(from_a.body.find("\"input\":" + std::to_string(truth)) != std::string::npos);
  CHECK(from_a.body.find("\"records\":" + std::to_string(kUids)) != std::string::npos);
  // A batch through A is in B's next report.
  REQUIRE(post(a, tracker, batch_body("late", {record("late-1", 1, 7)})).status == 200);
  auto later = get(b, "/v1/report?group_by=model", viewer);
  CHECK(later.body.find("\"input\":" + std::to_string(truth + 7)) != std::string::npos);
  a.stop();
  b.stop();
}

TEST_CASE("PostgreSQL going away: 503 to trackers, nothing lost, service back by itself",
          "[collector][server][postgres][faults]") {
  PgServer* pg = PgServer::shared();
  if (!pg) CODEPULSE_SKIP(PgServer::why());
  TempDir dir;
  const std::string db = pg->create_database();
  CollectorFixture c(dir / "c");
  c.use_db(db);
  const std::string tracker = c.token_of(c.token_file("dev@example.org"));
  const std::string viewer = c.token_of(c.token_file("boss@example.org", "viewer"));
  c.start();
  REQUIRE(post(c, tracker, batch_body("b1", {record("u1"), record("u2")})).status == 200);

  pg->stop();
  // Every answer says the store is away, with a retry; nothing half-stored.
  const auto refused = post(c, tracker, batch_body("b2", {record("u3"), record("u4")}));
  CHECK(refused.status == 503);
  CHECK(refused.body.find("PostgreSQL") != std::string::npos);
  CHECK(get(c, "/healthz").status == 503);
  CHECK(get(c, "/v1/report?group_by=model", viewer).status >= 500);
  CHECK(c.process().running());

  pg->start();
  // The tracker's retry of b2 is stored once the connections are back.
  REQUIRE(eventually(kPatienceMs, [&] {
    return post_from_thread(c, tracker, batch_body("b2", {record("u3"), record("u4")})).status ==
           200;
  }));
  CHECK(post(c, tracker, batch_body("b2", {record("u3"), record("u4")}))
            .body.find("\"duplicate_batch\":true") != std::string::npos);
  CHECK(db_text(db, "SELECT count(*) FROM usage_records") == "4");
  auto report = get(c, "/v1/report?group_by=model", viewer);
  INFO(report.body);
  INFO(c.process().err());
  CHECK(report.status == 200);
  CHECK(report.body.find("\"input\":400") != std::string::npos);
  c.stop();

  // At start, an unreachable database is a clear one-line error.
  auto down = run({collector_bin(), "serve", "--db", "postgresql://postgres@127.0.0.1:1/none",
                   "--tls-cert", c.cert(), "--tls-key", c.key(), "--listen", "127.0.0.1:0"});
  CHECK(down.exit_code == 1);
  CHECK(down.err.find("cannot connect to PostgreSQL at") != std::string::npos);
}

TEST_CASE("a locked or full SQLite store: 503s, nothing half-stored, stored once it is back",
          "[collector][server][faults]") {
  TempDir dir;
  CollectorFixture c(dir / "c");
  const std::string tracker = c.token_of(c.token_file("dev@example.org"));
  const std::string viewer = c.token_of(c.token_file("boss@example.org", "viewer"));
  c.start();
  REQUIRE(post(c, tracker, batch_body("b1", {record("u1")})).status == 200);

  // Another process holds the write lock longer than the collector waits (5 s).
  {
    auto other = sql::Database::open(c.db(), false);
    REQUIRE(other);
    REQUIRE(other->exec("BEGIN IMMEDIATE"));
    const auto locked = post(c, tracker, batch_body("b2", {record("u2"), record("u3")}));
    CHECK(locked.status == 503);
    CHECK(locked.body.find("the batch was not stored") != std::string::npos);
    CHECK(locked.body.find("locked") != std::string::npos);
    REQUIRE(other->exec("ROLLBACK"));
  }
  const auto unlocked = post(c, tracker, batch_body("b2", {record("u2"), record("u3")}));
  CHECK(unlocked.status == 200);
  CHECK(json_int(unlocked.body, "records_new") == 2);
  CHECK(c.record_count() == 3);
  c.stop();

  // A full disk: no file of the collector may grow past 1 MiB.
  c.start({}, 0, 1 << 20);
  std::vector<proto::WireRecord> many;
  for (int i = 0; i < 20000; ++i)
    many.push_back(record("big-" + std::to_string(i)));
  const std::string big = batch_body("b3", many);
  const auto full = post(c, tracker, big);
  INFO(c.process().err());
  CHECK(full.status == 503);
  CHECK(full.body.find("the batch was not stored") != std::string::npos);
  CHECK(c.process().running());
  CHECK(c.record_count() == 3);   // nothing of b3
  c.process().allow_file_size();  // space returns
  const auto stored = post(c, tracker, big);
  CHECK(stored.status == 200);
  CHECK(json_int(stored.body, "records_new") == 20000);
  CHECK(c.record_count() == 20003);
  auto report = get(c, "/v1/report?group_by=model", viewer);
  CHECK(report.body.find("\"records\":20003") != std::string::npos);
  c.stop();
  CHECK(run({"sqlite3", "-readonly", c.db(), "PRAGMA integrity_check"}).out == "ok\n");
}

namespace {

std::string jira_fixture(const std::string& name) {
  return read_file(std::string(CODEPULSE_SOURCE_DIR) + "/tests/fixtures/jira/" + name);
}

Reply post_jira(CollectorFixture& c, const std::string& query, const std::string& body,
                std::vector<std::string> headers = {}) {
  TlsClient client(c.port(), c.ca());
  headers.push_back("Content-Type: application/json");
  REQUIRE(client.send(http_request("POST", "/v1/webhooks/jira" + query, headers, body)));
  const std::string res = client.read_response(kPatienceMs);
  return {status_of(res), body_of(res)};
}

}  // namespace

TEST_CASE("Jira webhooks set each task's epic: verified, replay-safe, bad bodies refused",
          "[collector][server][webhooks]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(store, dir);
  CollectorFixture c(dir / "collector");
  if (store.postgres()) c.use_db(store.db);
  const std::string secret = "s3cret-0123456789abcdef";
  write_file(dir / "jira.secret", secret + "\n");
  ::chmod((dir / "jira.secret").c_str(), 0600);
  const std::string tracker = c.token_of(c.token_file("dev@example.org"));
  const std::string viewer = c.token_of(c.token_file("boss@example.org", "viewer"));
  c.start({"--jira-secret-file", dir / "jira.secret"});
  auto task_record = [](const std::string& uid, const char* task) {
    auto r = record(uid);
    r.usage.task_keys = task;
    return r;
  };
  REQUIRE(post(c, tracker,
               batch_body("b1", {task_record("u1", "PROJ-7"), task_record("u2", "PROJ-7"),
                                 task_record("u3", "OPS-9")}))
              .status == 200);
  auto epics = [&] { return get(c, "/v1/report?group_by=epic&format=csv", viewer).body; };
  const std::string before = epics();
  CHECK(before.find("(no epic),300,") != std::string::npos);

  // The secret is checked first; nothing changes without it.
  const std::string created = jira_fixture("issue_created.json");
  CHECK(post_jira(c, "", created).status == 401);
  CHECK(post_jira(c, "?secret=wrong", created).status == 401);
  CHECK(post_jira(c, "", created, {"X-Codepulse-Secret: " + secret + "x"}).status == 401);
  CHECK(epics() == before);

  auto ok = post_jira(c, "?secret=" + secret, created);
  REQUIRE(ok.status == 200);
  CHECK(ok.body.find("\"epic\":\"PROJ-1\"") != std::string::npos);
  CHECK(ok.body.find("\"changed\":true") != std::string::npos);
  CHECK(epics().find("PROJ-1,200,") != std::string::npos);
  // The same delivery again, and an older event, change nothing.
  auto replay = post_jira(c, "", created, {"X-Codepulse-Secret: " + secret});
  CHECK(replay.status == 200);
  CHECK(replay.body.find("\"changed\":false") != std::string::npos);
  std::string older = created;
  older.replace(older.find("1767225600000"), 13, "1767225500000");
  older.replace(older.find("\"key\": \"PROJ-1\""), 15, "\"key\": \"PROJ-2\"");
  CHECK(post_jira(c, "?secret=" + secret, older).body.find("\"changed\":false") !=
        std::string::npos);
  CHECK(epics().find("PROJ-1,200,") != std::string::npos);
  CHECK(epics().find("PROJ-2") == std::string::npos);

  // A sub-task through its Epic Link; a deletion; an event codepulse ignores.
  CHECK(post_jira(c, "?secret=" + secret, jira_fixture("issue_updated_subtask.json")).status ==
        200);
  CHECK(epics().find("OPS-2,100,") != std::string::npos);
  CHECK(post_jira(c, "?secret=" + secret, jira_fixture("issue_deleted.json")).status == 200);
  CHECK(epics().find("(no epic),200,") != std::string::npos);
  auto ignored = post_jira(c, "?secret=" + secret, jira_fixture("comment_created.json"));
  CHECK(ignored.status == 200);
  CHECK(ignored.body.find("\"ignored\":true") != std::string::npos);

  // Bad bodies: the reason, and nothing stored.
  auto bad = post_jira(c, "?secret=" + secret, "{\"webhookEvent\": ");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("not JSON") != std::string::npos);
  CHECK(post_jira(c, "?secret=" + secret, std::string(2 << 20, ' ')).status == 413);
  TlsClient getter(c.port(), c.ca());
  REQUIRE(getter.send(http_request("GET", "/v1/webhooks/jira", {}, "")));
  CHECK(status_of(getter.read_response(10000)) == 405);
  // Nothing of a Jira payload but the keys, type and status is kept: not in
  // any file of the store (the WAL too) nor any row. The control: the canary
  // as a status, which is kept, is found by the same read.
  CHECK(store_contents(c.db()).find("CANARY-JIRA") == std::string::npos);
  std::string control = created;
  control.replace(control.find("\"key\": \"PROJ-7\""), 15, "\"key\": \"PROJ-8\"");
  control.replace(control.find("\"name\": \"To Do\""), 15, "\"name\": \"CANARY-JIRA-STATUS\"");
  REQUIRE(post_jira(c, "?secret=" + secret, control).status == 200);
  CHECK(store_contents(c.db()).find("CANARY-JIRA-STATUS") != std::string::npos);
  c.stop();

  // Without a secret file the endpoint is off, and says how to turn it on.
  c.start();
  auto off = post_jira(c, "?secret=" + secret, created);
  CHECK(off.status == 404);
  CHECK(off.body.find("jira_secret_file") != std::string::npos);
  c.stop();
}
