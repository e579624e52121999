// BatchEndpoint without HTTP, over a real SQLite store: every decision about
// a batch after its header (admit), after its body (prepare) and after the
// store (finish), and the counters each one moves.
#include "collector/ingest/batch_endpoint.hpp"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <future>

#include "collector/ingest/ingest_queue.hpp"
#include "common/time.hpp"
#include "common/zstd_codec.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;

namespace {

constexpr const char* kJan1 = "2026-01-01T00:00:00.000Z";
constexpr const char* kSha = "0123456789abcdef0123456789abcdef01234567";

// A batch as a tracker writes it before compressing: records r1..rN at
// `time`, and `commits` commits. The header's author is not the sender's.
std::string batch_json(const std::string& batch_id, int records, int commits = 0,
                       const std::string& time = kJan1) {
  std::string out = R"({"format_version":1,"tracker_version":"0.1.0","device_id":"device-1",)"
                    R"("author":"someone.else@example.org","batch_id":")" +
                    batch_id + R"(","record_count":)" + std::to_string(records) +
                    R"(,"created":")" + kJan1 + R"(","records":[)";
  for (int i = 1; i <= records; ++i)
    out += std::string(i > 1 ? "," : "") + R"({"uid":"r)" + std::to_string(i) +
           R"(","revision":1,"timestamp":")" + time +
           R"(","session_id":"s-1","model":"claude-opus-4-6","input_tokens":10,)"
           R"("output_tokens":2,"cache_write_5m_tokens":0,"cache_write_1h_tokens":0,)"
           R"("cache_read_tokens":0})";
  out += "]";
  if (commits > 0) {
    out += R"(,"commit_count":)" + std::to_string(commits) + R"(,"commits":[)";
    for (int i = 0; i < commits; ++i)  // the tracker token's author's commits
      out += std::string(i > 0 ? "," : "") + R"({"sha":")" + std::string(kSha).substr(i) +
             R"(","repo":"github.com/acme/api","author_email":"dev@example.org","author_time":")" +
             kJan1 + R"(","committer_time":")" + kJan1 + R"("})";
    out += "]";
  }
  return out + "}";
}

std::string zstd(const std::string& json) {
  auto out = zstd_compress(json, 1);
  REQUIRE(out);
  return *out;
}

// A JSON value as text: a string unquoted, anything else as JSON.
std::string text_of(simdjson::dom::element v) {
  std::string_view s;
  if (!v.get_string().get(s)) return std::string(s);
  return simdjson::to_string(v);
}

// A field of a JSON reply body, or "(absent)".
std::string field(const std::string& body, const char* key) {
  simdjson::dom::parser p;
  simdjson::dom::element doc, v;
  if (p.parse(body).get(doc)) return "(not JSON)";
  if (doc[key].get(v)) return "(absent)";
  return text_of(v);
}

// A refusal as "STATUS error message".
std::string refusal_text(const HttpReply& reply) {
  return std::to_string(reply.status) + " " + field(reply.body, "error");
}

// A field of the index-th object of an array field of a JSON reply body.
std::string item_field(const std::string& body, const char* array, size_t index, const char* key) {
  simdjson::dom::parser p;
  simdjson::dom::element doc, item, v;
  simdjson::dom::array a;
  if (p.parse(body).get(doc) || doc[array].get_array().get(a) || a.at(index).get(item) ||
      item[key].get(v))
    return "(absent)";
  return text_of(v);
}

// A SQLite store with a tracker, an admin, a viewer and a revoked token, and
// an endpoint over it.
struct Bench {
  explicit Bench(IngestLimits l = {}, double rate = 0, double burst = 1)
      : limits(l), limiter(rate, burst) {
    auto opened = open_sqlite_store(dir / "collector.db");
    REQUIRE(opened);
    store = std::move(opened).value();
    tracker = token("dev@example.org", Role::kTracker);
    admin = token("boss@example.org", Role::kAdmin);
    viewer = token("reader@example.org", Role::kViewer);
    revoked = token("gone@example.org", Role::kTracker);
    auto list = store->list_tokens();
    REQUIRE(list);
    REQUIRE(store->revoke_token(list->back().id));
    endpoint = std::make_unique<BatchEndpoint>(*store, limiter, metrics, limits);
    queue = std::make_unique<IngestQueue>(*store);
  }
  std::string token(const std::string& author, Role role) {
    auto t = store->create_token(author, role, "");
    REQUIRE(t);
    return "Bearer " + *t;
  }
  // admit() with a Content-Length of 100.
  std::optional<HttpReply> admit(const std::string& authorization,
                                 std::string_view encoding = "zstd",
                                 std::optional<uint64_t> length = 100) {
    caller = {};
    return endpoint->admit(authorization, encoding, length, caller);
  }
  std::shared_ptr<IngestJob> prepared(const std::string& body, std::string_view encoding = "",
                                      std::string_view key = "") {
    auto p = endpoint->prepare(caller, body, encoding, key);
    if (auto* r = std::get_if<HttpReply>(&p)) FAIL("refused: " << r->status << " " << r->body);
    return std::get<std::shared_ptr<IngestJob>>(std::move(p));
  }
  HttpReply refused(const std::string& body, std::string_view encoding = "",
                    std::string_view key = "") {
    auto p = endpoint->prepare(caller, body, encoding, key);
    REQUIRE(std::holds_alternative<HttpReply>(p));
    return std::get<HttpReply>(std::move(p));
  }
  // Through the IngestQueue, as the server does, then finish().
  HttpReply store_and_finish(const std::shared_ptr<IngestJob>& job) {
    std::promise<void> stored;
    job->done = [&stored] { stored.set_value(); };
    REQUIRE(queue->submit(job));
    stored.get_future().wait();
    return endpoint->finish(*job);
  }

  test::TempDir dir;
  std::unique_ptr<Store> store;
  IngestLimits limits;
  RateLimiter limiter;
  Metrics metrics;
  std::unique_ptr<BatchEndpoint> endpoint;
  std::unique_ptr<IngestQueue> queue;
  std::string tracker, admin, viewer, revoked;
  Caller caller;
};

}  // namespace

TEST_CASE("error_json is the error and the status", "[collector][ingest][batch]") {
  CHECK(error_json(413, "too \"big\"") == R"({"error":"too \"big\"","status":413})");
}

TEST_CASE("admit lets tracker and admin tokens in and notes who sent the batch",
          "[collector][ingest][batch]") {
  Bench b;
  CHECK_FALSE(b.admit(b.tracker));
  CHECK(b.caller.author == "dev@example.org");
  CHECK(b.caller.token_id == 1);
  CHECK_FALSE(b.admit(b.admin));
  CHECK(b.caller.author == "boss@example.org");
  CHECK(b.caller.token_id == 2);
  // The scheme in any case, spaces around the header and the token.
  CHECK_FALSE(b.admit("  bearer   " + b.tracker.substr(7) + " "));
  CHECK(b.caller.author == "dev@example.org");
  // Admitting counts nothing: the outcome is known after the store.
  CHECK(b.metrics.batches(BatchOutcome::kStored) == 0);
  CHECK(b.metrics.batches(BatchOutcome::kUnauthorized) == 0);
}

TEST_CASE("admit refuses a missing, unknown or revoked token with 401 and a viewer with 403",
          "[collector][ingest][batch]") {
  Bench b;
  for (const std::string& auth :
       {std::string(), std::string("Basic dXNlcjpwdw=="), std::string("Bearer")}) {
    INFO(auth);
    auto r = b.admit(auth);
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(r->authenticate);  // WWW-Authenticate: Bearer
    CHECK(r->close);         // the body is not read
    CHECK(field(r->body, "error") == "missing 'Authorization: Bearer <token>' header");
    CHECK(field(r->body, "status") == "401");
  }
  for (const std::string& auth : {std::string("Bearer no-such-token"), b.revoked}) {
    auto r = b.admit(auth);
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(r->authenticate);
    CHECK(r->close);
    CHECK(field(r->body, "error") == "unknown or revoked token");
  }
  CHECK(b.metrics.batches(BatchOutcome::kUnauthorized) == 5);
  CHECK(b.caller.author.empty());

  auto r = b.admit(b.viewer);
  REQUIRE(r);
  CHECK(r->status == 403);
  CHECK_FALSE(r->authenticate);
  CHECK(r->close);
  CHECK(field(r->body, "error") == "a viewer token cannot send batches");
  CHECK(b.metrics.batches(BatchOutcome::kForbidden) == 1);
}

TEST_CASE("admit takes zstd or no encoding, and refuses others with 415",
          "[collector][ingest][batch]") {
  Bench b;
  for (const char* ok : {"zstd", " ZStd ", "", "identity", "IDENTITY"}) {
    INFO(ok);
    CHECK_FALSE(b.admit(b.tracker, ok));
  }
  for (const char* bad : {"gzip", "br", "zstd, gzip"}) {
    INFO(bad);
    auto r = b.admit(b.tracker, bad);
    REQUIRE(r);
    CHECK(r->status == 415);
    CHECK(r->close);
    CHECK(field(r->body, "error") ==
          "Content-Encoding '" + std::string(bad) + "' is not supported; send zstd");
  }
  CHECK(b.metrics.batches(BatchOutcome::kUnsupported) == 3);
}

TEST_CASE("admit needs a Content-Length (411) within max_body_bytes (413)",
          "[collector][ingest][batch]") {
  IngestLimits limits;
  limits.max_body_bytes = 1000;
  Bench b(limits);
  auto none = b.admit(b.tracker, "zstd", std::nullopt);
  REQUIRE(none);
  CHECK(none->status == 411);
  CHECK(none->close);
  CHECK(field(none->body, "error") == "a batch needs a Content-Length header");

  CHECK_FALSE(b.admit(b.tracker, "zstd", 1000));
  CHECK_FALSE(b.admit(b.tracker, "zstd", 0));
  auto big = b.admit(b.tracker, "zstd", 1001);
  REQUIRE(big);
  CHECK(big->status == 413);
  CHECK(big->close);
  CHECK(field(big->body, "error") ==
        "the body of 1001 bytes is over the limit of 1000 bytes; send smaller batches");
  CHECK(b.metrics.batches(BatchOutcome::kTooLarge) == 2);  // 411 and 413
}

TEST_CASE("admit holds each token to its rate and burst with 429 and Retry-After",
          "[collector][ingest][batch]") {
  Bench b({}, 0.01, 2);  // 2 at once, then one per 100 s
  // A batch refused for its encoding or size takes nothing from the bucket.
  REQUIRE(b.admit(b.tracker, "gzip"));
  REQUIRE(b.admit(b.tracker, "zstd", std::nullopt));
  CHECK_FALSE(b.admit(b.tracker));
  CHECK_FALSE(b.admit(b.tracker));
  auto r = b.admit(b.tracker);
  REQUIRE(r);
  CHECK(r->status == 429);
  CHECK(r->close);
  CHECK(r->retry_after_s >= 1);
  CHECK(r->retry_after_s <= 100);
  CHECK(field(r->body, "error") ==
        "too many batches for this token; retry in " + std::to_string(r->retry_after_s) + " s");
  CHECK(b.metrics.batches(BatchOutcome::kRateLimited) == 1);
  // Each token has its own bucket.
  CHECK_FALSE(b.admit(b.admin));
  CHECK(b.caller.author == "boss@example.org");
}

TEST_CASE("a rate of 0 means no limit", "[collector][ingest][batch]") {
  Bench b({}, 0, 1);
  for (int i = 0; i < 20; ++i)
    REQUIRE_FALSE(b.admit(b.tracker));
  CHECK(b.metrics.batches(BatchOutcome::kRateLimited) == 0);
}

TEST_CASE("prepare decodes plain JSON or zstd into a job under the sender's author",
          "[collector][ingest][batch]") {
  Bench b;
  REQUIRE_FALSE(b.admit(b.tracker));
  auto plain = b.prepared(batch_json("b-1", 3));
  CHECK(plain->author == "dev@example.org");  // never the header's author
  CHECK(plain->batch.header.batch_id == "b-1");
  CHECK(plain->batch.records.size() == 3);
  CHECK(plain->batch.rejected.empty());
  CHECK_FALSE(plain->result);

  auto packed = b.prepared(zstd(batch_json("b-2", 2, 1)), " zstd");
  CHECK(packed->batch.header.batch_id == "b-2");
  CHECK(packed->batch.records.size() == 2);
  CHECK(packed->batch.commits.size() == 1);
  // Preparing counts nothing yet.
  CHECK(b.metrics.batches(BatchOutcome::kBad) == 0);
}

TEST_CASE("prepare refuses an undecodable batch with 400", "[collector][ingest][batch]") {
  Bench b;
  REQUIRE_FALSE(b.admit(b.tracker));
  auto junk = b.refused("not json at all");
  CHECK(junk.status == 400);
  CHECK(field(junk.body, "error").rfind("batch refused: batch is not a JSON object", 0) == 0);
  CHECK_FALSE(junk.close);  // the body was read: the connection may go on

  // Plain JSON announced as zstd is not a zstd frame.
  auto frame = b.refused(batch_json("b-1", 1), "zstd");
  CHECK(frame.status == 400);
  CHECK(field(frame.body, "error").rfind("batch refused: zstd: ", 0) == 0);

  std::string miscounted = batch_json("b-1", 2);
  miscounted.replace(miscounted.find(R"("record_count":2)"), 16, R"("record_count":5)");
  CHECK(refusal_text(b.refused(miscounted)) ==
        "400 batch refused: batch: record_count says 5 but the batch holds 2 records");
  CHECK(b.metrics.batches(BatchOutcome::kBad) == 3);
}

TEST_CASE("prepare refuses batches over max_records or max_decompressed_bytes with 413",
          "[collector][ingest][batch]") {
  IngestLimits limits;
  limits.max_records = 2;
  limits.max_decompressed_bytes = 2000;
  Bench b(limits);
  REQUIRE_FALSE(b.admit(b.tracker));
  CHECK(b.prepared(batch_json("b-1", 2))->batch.records.size() == 2);
  CHECK(refusal_text(b.refused(batch_json("b-1", 3))) ==
        "413 batch refused: batch: 3 records exceed the limit of 2");

  const std::string json = batch_json("b-2", 2);
  REQUIRE(json.size() < 2000);
  CHECK(b.prepared(zstd(json), "zstd")->batch.records.size() == 2);
  std::string padded = json;
  padded.insert(padded.size() - 1, R"(,"padding":")" + std::string(3000, 'x') + "\"");
  CHECK(refusal_text(b.refused(zstd(padded), "zstd")) ==
        "413 batch refused: zstd: decompressed data exceeds the limit of 2000 bytes");
  CHECK(b.metrics.batches(BatchOutcome::kTooLarge) == 2);
}

TEST_CASE("prepare checks the Idempotency-Key against the batch id", "[collector][ingest][batch]") {
  Bench b;
  REQUIRE_FALSE(b.admit(b.tracker));
  CHECK(b.prepared(batch_json("b-7", 1), "", "b-7")->batch.header.batch_id == "b-7");
  CHECK(b.prepared(batch_json("b-7", 1), "", "  b-7 ")->batch.header.batch_id == "b-7");
  CHECK(b.prepared(batch_json("b-7", 1), "", "")->batch.header.batch_id == "b-7");
  CHECK(refusal_text(b.refused(batch_json("b-7", 1), "", "b-8")) ==
        "400 the Idempotency-Key header 'b-8' differs from the batch_id 'b-7'");
  CHECK(b.metrics.batches(BatchOutcome::kBad) == 1);
}

TEST_CASE("prepare rejects records dated more than a day ahead, keeping the batch",
          "[collector][ingest][batch]") {
  Bench b;
  REQUIRE_FALSE(b.admit(b.tracker));
  const std::string soon = format_iso8601_utc_ms(now_utc_ms() + 3'600'000);
  CHECK(b.prepared(batch_json("b-1", 1, 0, soon))->batch.rejected.empty());
  const std::string later = format_iso8601_utc_ms(now_utc_ms() + 2 * 86'400'000);
  auto job = b.prepared(batch_json("b-2", 2, 0, later));
  CHECK(job->batch.records.empty());
  REQUIRE(job->batch.rejected.size() == 2);
  CHECK(job->batch.rejected[0].uid == "r1");
  CHECK(job->batch.rejected[0].reason.find("is absurd") != std::string::npos);
}

TEST_CASE("finish answers 200 with the outcome, and a batch sent again is a duplicate",
          "[collector][ingest][batch]") {
  Bench b;
  REQUIRE_FALSE(b.admit(b.tracker));
  auto first = b.store_and_finish(b.prepared(batch_json("b-1", 3)));
  CHECK(first.status == 200);
  CHECK_FALSE(first.close);
  CHECK(first.retry_after_s == 0);
  CHECK(field(first.body, "batch_id") == "b-1");
  CHECK(field(first.body, "author") == "dev@example.org");
  CHECK(field(first.body, "duplicate_batch") == "false");
  CHECK(field(first.body, "records_new") == "3");
  CHECK(field(first.body, "duplicates") == "0");
  CHECK(field(first.body, "rejected") == "0");
  CHECK(field(first.body, "rejections") == "[]");
  // No commits sent, none stored: the answer has no commit counts.
  CHECK(field(first.body, "commits_new") == "(absent)");
  CHECK(b.metrics.batches(BatchOutcome::kStored) == 1);
  auto count = b.store->record_count();
  REQUIRE(count);
  CHECK(*count == 3);

  auto again = b.store_and_finish(b.prepared(batch_json("b-1", 3)));
  CHECK(again.status == 200);
  CHECK(field(again.body, "duplicate_batch") == "true");
  CHECK(field(again.body, "records_new") == "3");  // the outcome stored the first time
  CHECK(b.metrics.batches(BatchOutcome::kDuplicateBatch) == 1);

  // The same records in a new batch: duplicates, stored once.
  auto resent = b.store_and_finish(b.prepared(batch_json("b-2", 3)));
  CHECK(field(resent.body, "duplicate_batch") == "false");
  CHECK(field(resent.body, "records_new") == "0");
  CHECK(field(resent.body, "duplicates") == "3");
  count = b.store->record_count();
  REQUIRE(count);
  CHECK(*count == 3);
  CHECK(b.metrics.batches(BatchOutcome::kStored) == 2);
}

TEST_CASE("finish lists rejected records and, for a batch with commits, the commit counts",
          "[collector][ingest][batch]") {
  Bench b;
  REQUIRE_FALSE(b.admit(b.tracker));
  std::string json = batch_json("b-1", 2, 2);
  json.replace(json.find(R"("model":"claude-opus-4-6")"), 25, R"("model":"")");
  json.replace(json.find(kSha), 3, "XYZ");  // not a hexadecimal object name
  auto r = b.store_and_finish(b.prepared(json));
  CHECK(r.status == 200);
  CHECK(field(r.body, "records_new") == "1");
  CHECK(field(r.body, "rejected") == "1");
  CHECK(item_field(r.body, "rejections", 0, "index") == "0");
  CHECK(item_field(r.body, "rejections", 0, "uid") == "r1");
  CHECK(item_field(r.body, "rejections", 0, "reason").find("model") != std::string::npos);
  CHECK(item_field(r.body, "rejections", 1, "index") == "(absent)");
  CHECK(field(r.body, "commits_new") == "1");
  CHECK(field(r.body, "commits_duplicate") == "0");
  CHECK(field(r.body, "commits_rejected") == "1");
  CHECK(item_field(r.body, "commit_rejections", 0, "index") == "0");
  CHECK(item_field(r.body, "commit_rejections", 0, "sha").rfind("XYZ", 0) == 0);
  CHECK(item_field(r.body, "commit_rejections", 1, "index") == "(absent)");
}

TEST_CASE("finish answers 503 with Retry-After when the batch was not stored",
          "[collector][ingest][batch]") {
  Bench b;
  REQUIRE_FALSE(b.admit(b.tracker));
  auto job = b.prepared(batch_json("b-1", 1));
  // The queue was stopping: no result at all.
  auto none = b.endpoint->finish(*job);
  CHECK(none.status == 503);
  CHECK(none.retry_after_s == 1);
  CHECK_FALSE(none.close);
  CHECK(field(none.body, "error") == "the batch was not stored: not stored");
  // The commit failed.
  job->result = Result<IngestResult>(make_error("database is locked"));
  auto failed = b.endpoint->finish(*job);
  CHECK(failed.status == 503);
  CHECK(failed.retry_after_s == 1);
  CHECK(field(failed.body, "error") == "the batch was not stored: database is locked");
  CHECK(b.metrics.batches(BatchOutcome::kStoreError) == 2);
  CHECK(b.metrics.batches(BatchOutcome::kStored) == 0);
}

TEST_CASE("authenticate_bearer says who a token is, or the 401 to send",
          "[collector][ingest][batch]") {
  Bench b;
  auto who = authenticate_bearer(*b.store, b.viewer);
  REQUIRE(std::holds_alternative<TokenInfo>(who));
  CHECK(std::get<TokenInfo>(who).author == "reader@example.org");
  CHECK(std::get<TokenInfo>(who).role == Role::kViewer);
  auto unknown = authenticate_bearer(*b.store, "Bearer nope");
  REQUIRE(std::holds_alternative<HttpReply>(unknown));
  CHECK(std::get<HttpReply>(unknown).status == 401);
  CHECK(std::get<HttpReply>(unknown).authenticate);
  CHECK_FALSE(std::get<HttpReply>(unknown).close);  // admit() adds that for batches
}
