// Commits over the real wire: a collector process on 127.0.0.1 with its own
// CA, zstd batches with commits POSTed to /v1/batches, the JSON answer
// checked field by field and the store read behind it.
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "proto/wire_batch.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

constexpr int64_t kT0 = 1'767'225'600'000;  // 2026-01-01

CommitRecord commit(const std::string& sha) {
  CommitRecord c;
  c.repo = "github.com/acme/api";
  c.sha = sha;
  c.author_email = c.committer_email = "dev@example.org";
  c.author_ms = c.committer_ms = kT0;
  c.files = {{"src/api.cpp", 12, 3, false}};
  return c;
}

// A zstd batch of one usage record and `commits`, as a tracker sends it.
std::string body(const std::string& batch_id, const std::vector<CommitRecord>& commits) {
  proto::WireRecord w;
  w.record_uid = "uid-" + batch_id;
  w.usage.message_id = "msg_" + batch_id;
  w.usage.request_id = "req_" + batch_id;
  w.usage.timestamp_ms = kT0;
  w.usage.session_id = "session-1";
  w.usage.model = "claude-opus-4-6";
  w.usage.input = 100;
  proto::BatchHeader h;
  h.tracker_version = "0.2.0";
  h.device_id = "device-1";
  h.batch_id = batch_id;
  h.record_count = 1;
  h.created_ms = kT0;
  auto bytes = proto::encode(h, {w}, commits);
  REQUIRE(bytes);
  return *bytes;
}

// The answer to a POST of `batch`: its status and parsed JSON document.
struct Answer {
  int status = 0;
  std::string text;
  simdjson::dom::parser parser;
  simdjson::dom::element json;
};

void post_batch(CollectorFixture& c, const std::string& token, const std::string& batch,
                Answer& out) {
  TlsClient client(c.port(), c.ca());
  REQUIRE(client.send(http_request(
      "POST", "/v1/batches", {"Authorization: Bearer " + token, "Content-Encoding: zstd"}, batch)));
  const std::string response = client.read_response(kPatienceMs);
  out.status = status_of(response);
  out.text = body_of(response);
  INFO(out.text);
  REQUIRE(out.status == 200);
  REQUIRE_FALSE(out.parser.parse(out.text).get(out.json));
}

int64_t field(const Answer& a, const char* key) {
  int64_t v = -1;
  if (a.json[key].get_int64().get(v)) FAIL("no integer '" << key << "' in " << a.text);
  return v;
}

}  // namespace

TEST_CASE("a tracker's commits over HTTPS: counted in the answer, stored once",
          "[collector][server][commits]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  CollectorFixture c(dir / "collector");
  if (target.postgres()) c.use_db(target.db);
  const std::string dev = c.token_of(c.token_file("dev@example.org"));
  const std::string mate = c.token_of(c.token_file("mate@example.org"));
  c.start();
  const std::string a(40, 'a'), b(40, 'b');
  const std::string batch = body("b1", {commit(a), commit("not-a-sha"), commit(b)});

  Answer first;
  post_batch(c, dev, batch, first);
  CHECK(field(first, "records_new") == 1);
  CHECK(field(first, "commits_new") == 2);
  CHECK(field(first, "commits_duplicate") == 0);
  CHECK(field(first, "commits_rejected") == 1);
  auto check_rejection = [](const Answer& answer) {
    simdjson::dom::array rejections;
    REQUIRE_FALSE(answer.json["commit_rejections"].get_array().get(rejections));
    REQUIRE(rejections.size() == 1);
    simdjson::dom::object only;
    int64_t index = -1;
    std::string_view sha, reason;
    REQUIRE_FALSE(rejections.at(0).get_object().get(only));
    REQUIRE_FALSE(only["index"].get_int64().get(index));
    REQUIRE_FALSE(only["sha"].get_string().get(sha));
    REQUIRE_FALSE(only["reason"].get_string().get(reason));
    CHECK(index == 1);
    CHECK(sha == "not-a-sha");
    CHECK(reason.find("field 'sha'") != std::string_view::npos);
  };
  check_rejection(first);

  // Sent again (a lost answer): the stored outcome, commits included.
  Answer again;
  post_batch(c, dev, batch, again);
  CHECK(again.text.find("\"duplicate_batch\":true") != std::string::npos);
  CHECK(field(again, "commits_new") == 2);
  CHECK(field(again, "commits_rejected") == 1);
  check_rejection(again);

  // A teammate's tracker read commit a too: not its author's, so refused
  // alone, with the reason (commit_identity_test.cpp has the rules).
  Answer theirs;
  post_batch(c, mate, body("m1", {commit(a)}), theirs);
  CHECK(field(theirs, "records_new") == 1);
  CHECK(field(theirs, "commits_new") == 0);
  CHECK(field(theirs, "commits_duplicate") == 0);
  CHECK(field(theirs, "commits_rejected") == 1);
  CHECK(theirs.text.find("neither its author nor its committer") != std::string::npos);

  // The author's tracker read it again (another branch): a duplicate.
  Answer mine;
  post_batch(c, dev, body("d2", {commit(a)}), mine);
  CHECK(field(mine, "commits_new") == 0);
  CHECK(field(mine, "commits_duplicate") == 1);

  // A batch without commits is answered as it always was.
  Answer plain;
  post_batch(c, dev, body("p1", {}), plain);
  CHECK(field(plain, "records_new") == 1);
  CHECK(plain.text.find("commit") == std::string::npos);

  CHECK(db_text(c.db(), "SELECT count(*) FROM commits") == "2");
  CHECK(db_text(c.db(),
                "SELECT sent_by || '|' || device_id || '|' || lines_added FROM commits"
                " WHERE sha = '" +
                    a + "'") == "dev@example.org|device-1|12");
  CHECK(db_text(c.db(), "SELECT count(*) FROM commit_files") == "2");

  // Counted once each in /metrics (the resent batch not again).
  TlsClient client(c.port(), c.ca());
  REQUIRE(client.send(http_request("GET", "/metrics", {}, "")));
  const std::string metrics = body_of(client.read_response(kPatienceMs));
  for (const char* line : {"codepulse_commits_total{outcome=\"new\"} 2",
                           "codepulse_commits_total{outcome=\"duplicate\"} 1",
                           "codepulse_commits_total{outcome=\"rejected\"} 2"})
    CHECK(metrics.find(line) != std::string::npos);
  c.stop();
}
