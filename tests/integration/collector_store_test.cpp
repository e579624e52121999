// The collector's store: idempotent ingest keyed by the token's author, token
// management that keeps only hashes, the token CLI, and the report engine
// reading the collector's usage_records.
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <type_traits>

#include "collector/report/store_report.hpp"
#include "collector/store/store.hpp"
#include "common/hashing.hpp"
#include "common/pricing/record_pricing.hpp"
#include "common/record/usage_columns.hpp"
#include "common/record/usage_sqlite.hpp"
#include "common/report/report.hpp"
#include "common/sqlite.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::TempDir;

namespace {

constexpr const char* kAuthor = "dev@acme.example";
constexpr int64_t kDay = 86'400'000;
constexpr int64_t kT0 = 1'770'912'000'000;  // 2026-02-12T16:00:00Z

proto::WireRecord rec(int i, int64_t revision = 1) {
  proto::WireRecord w;
  w.record_uid = "uid-" + std::to_string(i);
  w.revision = revision;
  UsageRecord& r = w.usage;
  r.timestamp_ms = kT0 + (i % 3) * kDay + i;
  r.session_id = "session-" + std::to_string(i % 2);
  r.message_id = "msg_" + std::to_string(i);
  r.request_id = "req_" + std::to_string(i);
  r.model = i % 2 ? "claude-opus-4-6" : "claude-haiku-4-5-20251001";
  r.input = 10 + i;
  r.output = int64_t{100} * i + revision;
  r.cache_create_5m = 1000 + i;
  r.cache_create_1h = 7;
  r.cache_read = 20'000 + i;
  r.cost_nanos = int64_t{1'000'000} * i + revision;
  r.author = "mallory@evil.example";  // the payload's claim, never stored
  r.repo = "github.com/acme/api";
  r.branch = "feature/PROJ-1";
  r.task_keys = "PROJ-1";
  ToolUse t;
  t.tool_use_id = "toolu_" + std::to_string(i);
  t.name = "Edit";
  t.path = "src/file" + std::to_string(i % 2) + ".cpp";
  t.action = FileAction::kChange;
  t.result_seen = true;
  t.lines_added = 3;
  r.tools.push_back(t);
  return w;
}

std::string batch_json(const std::string& batch_id, const std::vector<proto::WireRecord>& recs) {
  proto::BatchHeader h;
  h.tracker_version = "0.1.0";
  h.device_id = "0123456789abcdef0123456789abcdef";
  h.author = "mallory@evil.example";
  h.batch_id = batch_id;
  h.record_count = static_cast<int64_t>(recs.size());
  h.created_ms = kT0 + 5 * kDay;
  return proto::encode_json(h, recs);
}

proto::DecodedBatch decoded(const std::string& json) {
  auto d = proto::decode_json(json, {});
  REQUIRE(d);
  return std::move(d).value();
}

proto::DecodedBatch batch(const std::string& batch_id, const std::vector<proto::WireRecord>& recs) {
  return decoded(batch_json(batch_id, recs));
}

std::unique_ptr<Store> opened(const std::string& db) {
  auto store = collector::open_store(db);
  INFO(db);
  REQUIRE(store);
  return std::move(store).value();
}

IngestResult ingest(Store& store, const proto::DecodedBatch& b,
                    const std::string& author = kAuthor) {
  auto r = store.ingest(author, b);
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r);
  return std::move(r).value();
}

// Everything the totals depend on, read with a second connection.
std::string sums(const std::string& db) {
  return test::db_text(
      db,
      "SELECT count(*) || '|' || sum(input) || '|' || sum(output) || '|' ||"
      " sum(cache_create_5m + cache_create_1h) || '|' || sum(cache_read) || '|' ||"
      " coalesce(sum(cost_nanos), -1) || '|' || min(author) || max(author) || '|' ||"
      " sum(revision) || '|' || sum(received_ms) FROM usage_records");
}

std::string column(const std::string& db, const std::string& sql) {
  return test::db_text(db, sql);
}

// Every listed field of `u` (common/record/usage_columns.hpp) as text, in the
// list's order: flags 0/1, an absent cost "NULL".
std::string field_texts(const UsageRecord& u) {
  std::string out;
  for_each_usage_field(u, [&](size_t i, const auto& field) {
    using Field = std::decay_t<decltype(field)>;
    if (i > 0) out += '|';
    if constexpr (std::is_same_v<Field, std::string>)
      out += field;
    else if constexpr (std::is_same_v<Field, bool>)
      out += field ? "1" : "0";
    else if constexpr (std::is_same_v<Field, int64_t>)
      out += std::to_string(field);
    else
      out += field ? std::to_string(*field) : "NULL";
  });
  return out;
}

// The same of the stored record `uid`, read with a second connection.
std::string stored_field_texts(const std::string& db, const std::string& uid) {
  std::string select;
  for (const UsageColumn& c : kUsageColumns) {
    if (!select.empty()) select += " || '|' || ";
    select += "coalesce(CAST(" + std::string(c.name) + " AS text), 'NULL')";
  }
  return test::db_text(db, "SELECT " + select + " FROM usage_records WHERE uid = '" + uid + "'");
}

// A record with every field set, none at its default.
proto::WireRecord full_record(int i, int64_t revision) {
  proto::WireRecord w = rec(i, revision);
  UsageRecord& r = w.usage;
  r.sidechain = true;
  r.agent_id = "agent-" + std::to_string(i);
  r.web_search_requests = 3 + revision;
  r.fast = true;
  r.long_context = true;
  r.price_version = "2026-02-01";
  r.cc_version = "2.1." + std::to_string(revision);
  r.turn_id = "turn-" + std::to_string(revision);
  return w;
}

}  // namespace

TEST_CASE("records are stored under the token's author, never the payload's", "[collector]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string db = target.db;
  auto store = opened(db);
  auto r = ingest(*store, batch("b1", {rec(1), rec(2), rec(3)}));
  CHECK_FALSE(r.batch_seen_before);
  CHECK(r.records_new == 3);
  CHECK(r.duplicates + r.replaced + r.stale + r.rejected == 0);
  CHECK(*store->record_count() == 3);
  CHECK(column(db, "SELECT count(DISTINCT author) || min(author) FROM usage_records") ==
        std::string("1") + kAuthor);
  CHECK(column(db, "SELECT count(DISTINCT device_id) || min(device_id) FROM usage_records") ==
        "10123456789abcdef0123456789abcdef");
  CHECK(column(db, "SELECT author FROM collector_batches WHERE batch_id = 'b1'") == kAuthor);

  // Another author sending the same uid at a higher revision gets its own
  // record; it cannot replace the first author's.
  auto other = ingest(*store, batch("b1", {rec(1, 9)}), "other@acme.example");
  CHECK_FALSE(other.batch_seen_before);
  CHECK(other.records_new == 1);
  CHECK(other.replaced == 0);
  CHECK(column(db, "SELECT revision FROM usage_records WHERE uid = 'uid-1' AND author = '" +
                       std::string(kAuthor) + "'") == "1");
  CHECK(*store->record_count() == 4);
}

TEST_CASE("the same batch twice changes nothing", "[collector]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string db = target.db;
  auto store = opened(db);
  std::string json = batch_json("b1", {rec(1), rec(2), rec(3)});
  const std::string needle = "\"model\":\"claude-opus-4-6\",";
  json.erase(json.find(needle), needle.size());  // record 0 loses its model
  const auto b = decoded(json);
  REQUIRE(b.rejected.size() == 1);

  const auto first = ingest(*store, b);
  CHECK(first.records_new == 2);
  CHECK(first.rejected == 1);
  const std::string before = sums(db);

  const auto again = ingest(*store, b);
  CHECK(again.batch_seen_before);
  CHECK(again.records_new == first.records_new);
  CHECK(again.duplicates == 0);
  CHECK(again.rejected == 1);
  REQUIRE(again.rejections.size() == 1);
  CHECK(again.rejections[0].index == 0);
  CHECK(again.rejections[0].reason == first.rejections[0].reason);
  CHECK(sums(db) == before);
  CHECK(*store->record_count() == 2);
  CHECK(column(db, "SELECT count(*) FROM collector_batches") == "1");

  // Also after reopening the store.
  store.reset();
  store = opened(db);
  CHECK(ingest(*store, b).batch_seen_before);
  CHECK(sums(db) == before);
}

TEST_CASE("a record sent again in another batch is a duplicate", "[collector]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string db = target.db;
  auto store = opened(db);
  CHECK(ingest(*store, batch("b1", {rec(1), rec(2)})).records_new == 2);
  const std::string before = sums(db);
  const auto r = ingest(*store, batch("b2", {rec(2), rec(1)}));
  CHECK_FALSE(r.batch_seen_before);
  CHECK(r.records_new == 0);
  CHECK(r.duplicates == 2);
  CHECK(sums(db) == before);
  const auto r3 = ingest(*store, batch("b3", {rec(2), rec(3), rec(3)}));
  CHECK(r3.records_new == 1);
  CHECK(r3.duplicates == 2);  // also within one batch
  CHECK(*store->record_count() == 3);
}

TEST_CASE("a higher revision replaces a record, a lower one is stale", "[collector]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string db = target.db;
  auto store = opened(db);
  const std::string where = " FROM usage_records WHERE uid = 'uid-4'";
  CHECK(ingest(*store, batch("b1", {rec(4, 2)})).records_new == 1);
  CHECK(column(db, "SELECT output" + where) == "402");

  auto up = rec(4, 3);
  up.usage.tools[0].path = "src/changed.cpp";
  const auto r = ingest(*store, batch("b2", {up}));
  CHECK(r.replaced == 1);
  CHECK(r.records_new == 0);
  CHECK(column(db, "SELECT output || ' ' || revision" + where) == "403 3");
  CHECK(column(db, "SELECT tools" + where).find("src/changed.cpp") != std::string::npos);

  const auto old = ingest(*store, batch("b3", {rec(4, 1)}));
  CHECK(old.stale == 1);
  CHECK(old.replaced == 0);
  CHECK(column(db, "SELECT output || ' ' || revision" + where) == "403 3");
  CHECK(*store->record_count() == 1);
}

TEST_CASE("every listed field of a record is stored as sent, inserted and replaced",
          "[collector]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string db = target.db;
  auto store = opened(db);
  proto::WireRecord priced = full_record(1, 1);
  proto::WireRecord unpriced = full_record(2, 1);
  unpriced.usage.cost_nanos.reset();
  const auto first = batch("b1", {priced, unpriced});
  REQUIRE(ingest(*store, first).records_new == 2);
  for (const proto::WireRecord& sent : first.records)
    CHECK(stored_field_texts(db, sent.record_uid) == field_texts(sent.usage));

  // A higher revision changes every field but the keys.
  proto::WireRecord up = full_record(1, 2);
  up.usage.sidechain = false;
  up.usage.fast = false;
  up.usage.long_context = false;
  up.usage.cost_nanos.reset();
  up.usage.message_id = "msg_changed";
  const auto second = batch("b2", {up});
  REQUIRE(ingest(*store, second).replaced == 1);
  CHECK(stored_field_texts(db, up.record_uid) == field_texts(second.records[0].usage));

  if (target.postgres()) return;
  // read_usage_fields reads back what bind_usage_fields wrote.
  auto conn = sql::Database::open(db, /*create=*/false);
  REQUIRE(conn);
  auto st = conn->prepare("SELECT " + usage_column_names() + " FROM usage_records WHERE uid = ?1");
  REQUIRE(st);
  st->bind(1, up.record_uid);
  auto row = st->step();
  REQUIRE(row);
  REQUIRE(*row);
  UsageRecord read;
  read_usage_fields(*st, 0, read);
  CHECK(field_texts(read) == field_texts(second.records[0].usage));
}

TEST_CASE("rejected records are counted with their reasons and positions", "[collector]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  auto bad_uid = rec(5);
  bad_uid.record_uid = "";
  auto negative = rec(6);
  negative.usage.input = 424242;
  std::string json = batch_json("b1", {rec(1), negative, bad_uid, rec(3)});
  json.replace(json.find("424242"), 6, "-1");
  const auto r = ingest(*store, decoded(json));
  CHECK(r.records_new == 2);
  CHECK(r.rejected == 2);
  REQUIRE(r.rejections.size() == 2);
  CHECK(r.rejections[0].index == 1);
  CHECK(r.rejections[0].uid == "uid-6");
  CHECK(r.rejections[0].kind == RecordOutcome::kRejected);
  CHECK(r.rejections[0].reason.find("input_tokens") != std::string::npos);
  CHECK(r.rejections[1].index == 2);
  CHECK(r.rejections[1].reason.find("uid") != std::string::npos);
  CHECK(*store->record_count() == 2);
}

TEST_CASE("tokens: created once, stored hashed, revoked", "[collector]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string db = target.db;
  auto store = opened(db);
  auto t1 = store->create_token(kAuthor, Role::kTracker, "laptop");
  auto t2 = store->create_token("boss@acme.example", Role::kAdmin, "");
  REQUIRE(t1);
  REQUIRE(t2);
  CHECK(t1->rfind("cpt_", 0) == 0);
  CHECK(t1->size() == 4 + 43);
  CHECK(t1->find_first_not_of("_-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                              4) == std::string::npos);
  CHECK(*t1 != *t2);
  CHECK_FALSE(store->create_token("", Role::kTracker, "").ok());

  auto who = store->authenticate(*t1);
  REQUIRE(who);
  REQUIRE(who->has_value());
  CHECK((*who)->author == kAuthor);
  CHECK((*who)->role == Role::kTracker);
  CHECK((*who)->label == "laptop");
  CHECK_FALSE((*who)->revoked_ms);
  CHECK((*store->authenticate(*t2))->role == Role::kAdmin);
  for (std::string_view bad : {std::string_view(""), std::string_view("cpt_"),
                               std::string_view("garbage"), std::string_view(t1->data(), 20)})
    CHECK_FALSE(store->authenticate(bad)->has_value());

  auto list = store->list_tokens();
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].author == kAuthor);
  CHECK((*list)[1].role == Role::kAdmin);

  REQUIRE(store->revoke_token((*who)->id).ok());
  CHECK_FALSE(store->authenticate(*t1)->has_value());
  CHECK(store->authenticate(*t2)->has_value());
  CHECK((*store->list_tokens())[0].revoked_ms.has_value());
  CHECK(store->revoke_token((*who)->id).ok());  // again: no error
  CHECK_FALSE(store->revoke_token(999).ok());

  // Only hashes reach the store: no file of it (database, WAL and all) nor
  // any row holds a token, while the store is open and after it is closed.
  // The control: a token as a label, which is kept, is found.
  auto expect_only_hashes = [&] {
    const std::string bytes = test::store_contents(db);
    CHECK(bytes.find(*t1) == std::string::npos);
    CHECK(bytes.find(*t2) == std::string::npos);
    CHECK(bytes.find(t1->substr(4)) == std::string::npos);
    CHECK(bytes.find(sha256_hex(*t1)) != std::string::npos);
  };
  expect_only_hashes();
  store.reset();
  expect_only_hashes();
  store = opened(db);
  REQUIRE(store->create_token(kAuthor, Role::kViewer, *t2));
  CHECK(test::store_contents(db).find(*t2) != std::string::npos);
}

TEST_CASE("the collector database is private and durable", "[collector]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  auto store = opened(db);
  ingest(*store, batch("b1", {rec(1)}));
  struct stat st {};
  REQUIRE(::stat(db.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  if (::stat((db + "-wal").c_str(), &st) == 0) CHECK((st.st_mode & 0777) == 0600);
  CHECK(column(db, "PRAGMA journal_mode") == "wal");
  CHECK(column(db, "PRAGMA user_version") == "28");
  // Reopening an existing store works and keeps the data.
  store.reset();
  CHECK(*opened(db)->record_count() == 1);
}

TEST_CASE("the report engine reads the collector's usage_records", "[collector]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string db = target.db;
  auto store = opened(db);
  std::vector<proto::WireRecord> recs;
  for (int i = 1; i <= 12; ++i)
    recs.push_back(rec(i));
  recs[4].usage.model = "gateway-model-x";  // an unpriced model
  ingest(*store, batch("b1", recs));
  // A replacement, a duplicate and a stale copy must not change the truth below.
  recs[0] = rec(1, 2);
  const auto r = ingest(*store, batch("b2", {recs[0], rec(2), rec(1, 1)}));
  CHECK(r.replaced == 1);
  CHECK(r.duplicates == 1);
  CHECK(r.stale == 1);

  report::Metrics truth;
  for (const auto& w : recs) {
    truth.input += w.usage.input;
    truth.output += w.usage.output;
    truth.cache_create += w.usage.cache_create_5m + w.usage.cache_create_1h;
    truth.cache_read += w.usage.cache_read;
    // Priced again here, independently of the stored cost the tracker sent.
    truth.cost_nanos += Pricer::builtin()->price(to_price(w.usage)).org_nanos.value_or(0);
  }
  for (const char* group_by : {"date,model", "author,file", "task,session"}) {
    auto request = report::parse_report_params({{"group_by", group_by}});
    REQUIRE(request);
    auto report = collector::build_report(*store, request->query);
    REQUIRE(report);
    const report::Metrics& m = report->root.metrics;
    CHECK(m.records == 12);
    CHECK(m.unpriced_records == 1);
    CHECK(m.input == truth.input);
    CHECK(m.output == truth.output);
    CHECK(m.cache_create == truth.cache_create);
    CHECK(m.cache_read == truth.cache_read);
    CHECK(m.cost_nanos == truth.cost_nanos);
    if (std::string(group_by) == "date,model") CHECK(report->root.children.size() == 3);
    if (std::string(group_by) == "author,file") {
      REQUIRE(report->root.children.size() == 1);
      const auto& author = *report->root.children.begin();
      CHECK(author.key == kAuthor);
      CHECK(author.children.count("src/file0.cpp") == 1);
      CHECK(author.children.count("src/file1.cpp") == 1);
    }
  }
}

TEST_CASE("codepulse-collector token create, list and revoke", "[collector][cli]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string db = target.db;
  const std::string bin = CODEPULSE_COLLECTOR_BIN;
  auto created = test::run({bin, "token", "create", "--db", db, "--author", kAuthor, "--role",
                            "tracker", "--label", "ci runner"});
  INFO(created.err);
  REQUIRE(created.exit_code == 0);
  std::string out = created.out;
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  const std::string token = out.substr(out.rfind('\n') + 1);
  CHECK(token.rfind("cpt_", 0) == 0);

  {
    auto store = opened(db);
    auto who = store->authenticate(token);
    REQUIRE(who);
    REQUIRE(who->has_value());
    CHECK((*who)->author == kAuthor);
    CHECK((*who)->label == "ci runner");
  }

  auto list = test::run({bin, "token", "list", "--db", db});
  CHECK(list.exit_code == 0);
  CHECK(list.out.find(kAuthor) != std::string::npos);
  CHECK(list.out.find("ci runner") != std::string::npos);
  CHECK(list.out.find(token) == std::string::npos);
  auto json = test::run({bin, "token", "list", "--db", db, "--json"});
  CHECK(json.exit_code == 0);
  CHECK(json.out.find("\"author\":\"dev@acme.example\"") != std::string::npos);
  CHECK(json.out.find("\"revoked\":null") != std::string::npos);
  CHECK(json.out.find("cpt_") == std::string::npos);

  auto revoke = test::run({bin, "token", "revoke", "--db", db, "--id", "1"});
  CHECK(revoke.exit_code == 0);
  CHECK_FALSE(opened(db)->authenticate(token)->has_value());

  // Usage errors exit 2 with one line on stderr; failures exit 1.
  auto no_author = test::run({bin, "token", "create", "--db", db});
  CHECK(no_author.exit_code == 2);
  CHECK(std::count(no_author.err.begin(), no_author.err.end(), '\n') == 1);
  CHECK(test::run({bin, "token", "create", "--db", db, "--author", "a", "--role", "x"}).exit_code ==
        2);
  CHECK(test::run({bin, "token", "revoke", "--db", db, "--id", "abc"}).exit_code == 2);
  CHECK(test::run({bin, "token", "revoke", "--db", db, "--id", "7"}).exit_code == 1);
  CHECK(test::run({bin, "token", "list", "--db", dir / "missing.db"}).exit_code == 1);
  CHECK(test::run({bin, "token", "list", "--bogus"}).exit_code == 2);
  CHECK(test::run({bin, "token", "create", "--help"}).exit_code == 0);
  auto version = test::run({bin, "token", "list", "--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.rfind("codepulse-collector ", 0) == 0);
}

TEST_CASE("a schema 1 store is migrated and keeps deduplicating its records", "[collector]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  {
    // A store as the first release wrote it: one record of uid-1, revision 1.
    auto raw = sql::Database::open(db);
    REQUIRE(raw);
    REQUIRE(raw->exec("PRAGMA journal_mode=WAL"));
    REQUIRE(raw->exec(R"sql(
      CREATE TABLE collector_tokens (id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,
        author TEXT NOT NULL, role TEXT NOT NULL, label TEXT NOT NULL DEFAULT '',
        created_ms INTEGER NOT NULL, revoked_ms INTEGER);
      CREATE TABLE collector_batches (author TEXT NOT NULL, batch_id TEXT NOT NULL,
        device_id TEXT NOT NULL, tracker_version TEXT NOT NULL, created_ms INTEGER NOT NULL,
        received_ms INTEGER NOT NULL, record_count INTEGER NOT NULL, records_new INTEGER NOT NULL,
        duplicates INTEGER NOT NULL, replaced INTEGER NOT NULL, stale INTEGER NOT NULL,
        rejected INTEGER NOT NULL, PRIMARY KEY (author, batch_id)) WITHOUT ROWID;
      CREATE TABLE collector_batch_rejections (author TEXT NOT NULL, batch_id TEXT NOT NULL,
        idx INTEGER NOT NULL, uid TEXT NOT NULL, reason TEXT NOT NULL,
        PRIMARY KEY (author, batch_id, idx)) WITHOUT ROWID;
      CREATE TABLE usage_records (id INTEGER PRIMARY KEY, author TEXT NOT NULL, uid TEXT NOT NULL,
        revision INTEGER NOT NULL, device_id TEXT NOT NULL, message_id TEXT NOT NULL,
        request_id TEXT NOT NULL, ts_ms INTEGER NOT NULL, session_id TEXT NOT NULL,
        sidechain INTEGER NOT NULL, agent_id TEXT NOT NULL, model TEXT NOT NULL,
        input INTEGER NOT NULL, output INTEGER NOT NULL, cache_create_5m INTEGER NOT NULL,
        cache_create_1h INTEGER NOT NULL, cache_read INTEGER NOT NULL, web_search INTEGER NOT NULL,
        fast INTEGER NOT NULL, cost_nanos INTEGER, long_context INTEGER NOT NULL,
        price_version TEXT NOT NULL, cc_version TEXT NOT NULL, repo TEXT NOT NULL,
        branch TEXT NOT NULL, task_keys TEXT NOT NULL, turn_id TEXT NOT NULL, tools TEXT NOT NULL,
        received_ms INTEGER NOT NULL, UNIQUE (author, uid));
      CREATE INDEX usage_records_ts ON usage_records(ts_ms);
      INSERT INTO usage_records VALUES (7, 'dev@acme.example', 'uid-1', 1, 'd', 'msg_1', 'req_1',
        1770912000001, 's', 0, '', 'claude-opus-4-6', 11, 101, 1001, 7, 20001, 0, 0, 1000001, 0,
        '', '', 'github.com/acme/api', 'main', '', '', '[]', 1770912000001);
      PRAGMA user_version = 1;)sql"));
  }
  auto store = opened(db);
  CHECK(column(db, "PRAGMA user_version") == "28");
  CHECK(*store->record_count() == 1);
  // Migration 28 counted its day from the record (2026-02-12).
  auto days = store->usage_days(0, 1'800'000'000'000);
  REQUIRE(days);
  REQUIRE(days->size() == 1);
  CHECK((*days)[0].day_ms == 1'770'854'400'000);
  CHECK((*days)[0].records == 1);
  CHECK((*days)[0].revisions == 1);
  // The migrated record is found again: the same revision is a duplicate,
  // a higher one replaces it, a new uid is new.
  auto r = store->ingest(kAuthor, batch("b1", {rec(1), rec(2)}));
  REQUIRE(r);
  CHECK(r->duplicates == 1);
  CHECK(r->records_new == 1);
  auto r2 = store->ingest(kAuthor, batch("b2", {rec(1, 2)}));
  REQUIRE(r2);
  CHECK(r2->replaced == 1);
  CHECK(*store->record_count() == 2);
  CHECK(column(db, "SELECT revision FROM usage_records WHERE uid = 'uid-1'") == "2");
}

TEST_CASE("records are found again after reopening, under each author separately", "[collector]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string db = target.db;
  {
    auto store = opened(db);
    std::vector<proto::WireRecord> recs;
    for (int i = 1; i <= 3000; ++i)
      recs.push_back(rec(i));
    auto r = store->ingest(kAuthor, batch("b1", recs));
    REQUIRE(r);
    CHECK(r->records_new == 3000);
  }
  auto store = opened(db);  // the lookup table is rebuilt from the database
  auto again = store->ingest(kAuthor, batch("b2", {rec(5), rec(2999), rec(3001)}));
  REQUIRE(again);
  CHECK(again->duplicates == 2);
  CHECK(again->records_new == 1);
  // The same uid under another author is another record.
  auto other = store->ingest("other@acme.example", batch("b2", {rec(5)}));
  REQUIRE(other);
  CHECK(other->records_new == 1);
  CHECK(*store->record_count() == 3002);
}

TEST_CASE("a group commit stores several batches, each all or nothing", "[collector]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string db = target.db;
  auto store = opened(db);
  auto b1 = batch("g1", {rec(1), rec(2)});
  auto b2 = batch("g2", {rec(2), rec(3)});  // rec(2) again: a duplicate within the group
  auto b3 = batch("g1", {rec(1), rec(2)});  // g1 again, in the same group
  const std::vector<IngestRequest> group = {{kAuthor, &b1}, {kAuthor, &b2}, {kAuthor, &b3}};
  auto results = store->ingest_many(group);
  REQUIRE(results.size() == 3);
  REQUIRE(results[0]);
  REQUIRE(results[1]);
  REQUIRE(results[2]);
  CHECK(results[0]->records_new == 2);
  CHECK(results[1]->duplicates == 1);
  CHECK(results[1]->records_new == 1);
  CHECK(results[2]->batch_seen_before);
  CHECK(*store->record_count() == 3);
}

TEST_CASE("the write-ahead log stays bounded under sustained ingest", "[collector][release]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  auto store = opened(db);
  int uid = 0;
  for (int b = 0; b < 120; ++b) {
    std::vector<proto::WireRecord> recs;
    for (int i = 0; i < 1000; ++i) {
      recs.push_back(rec(++uid));
      // A heavy day's output (rec's grows with the uid: 120,000 records of
      // it would pass the 10^10 tokens an author's day may hold).
      recs.back().usage.output = 1'000 + i;
    }
    auto r = store->ingest(kAuthor, batch("w" + std::to_string(b), recs));
    REQUIRE(r);
    REQUIRE(r->records_new == 1000);
  }
  struct stat st {};
  REQUIRE(::stat(db.c_str(), &st) == 0);
  const auto db_bytes = st.st_size;
  REQUIRE(::stat((db + "-wal").c_str(), &st) == 0);
  // Without checkpoints the log would hold every page written (more than the
  // database itself); with them it is restarted and cut back.
  CHECK(st.st_size < db_bytes);
  CHECK(st.st_size < (96 << 20));
}

TEST_CASE("device activity sums each device's batches, the latest first", "[collector]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  std::string json = batch_json("b1", {rec(1), rec(2), rec(3)});
  const std::string needle = "\"model\":\"claude-opus-4-6\",";
  json.erase(json.find(needle), needle.size());  // one record rejected
  ingest(*store, decoded(json));
  ingest(*store, batch("b2", {rec(4)}));
  ingest(*store, batch("b2", {rec(4)}));  // the same batch: counted once
  ingest(*store, batch("b3", {rec(5)}), "other@acme.example");
  // Distinct times, set here: my batches at 1000 and 3000, the other
  // author's at 2000 (last ingested, and later in the alphabet).
  auto received_at = [&](int64_t b1, int64_t b2, int64_t b3) {
    for (const auto& [id, ms] : {std::pair{"b1", b1}, {"b2", b2}, {"b3", b3}})
      test::db_exec(target.db, "UPDATE collector_batches SET received_ms = " + std::to_string(ms) +
                                   " WHERE batch_id = '" + id + "'");
  };
  auto authors = [&](size_t limit) {
    auto d = store->device_activity(limit);
    REQUIRE(d);
    std::string out;
    for (const DeviceActivity& a : *d)
      out += a.author + " ";
    return out;
  };
  received_at(1000, 3000, 2000);
  auto devices = store->device_activity(10);
  REQUIRE(devices);
  REQUIRE(devices->size() == 2);
  const DeviceActivity& mine = (*devices)[0];
  CHECK(mine.author == kAuthor);
  CHECK(mine.device_id == "0123456789abcdef0123456789abcdef");
  CHECK(mine.tracker_version == "0.1.0");
  CHECK(mine.batches == 2);
  CHECK(mine.records_sent == 4);
  CHECK(mine.records_new == 3);
  CHECK(mine.records_rejected == 1);
  CHECK(mine.batches_with_rejections == 1);
  CHECK(mine.first_received_ms == 1000);
  CHECK(mine.last_received_ms == 3000);
  CHECK((*devices)[1].last_received_ms == 2000);
  CHECK(authors(1) == "dev@acme.example ");
  // And the other way round.
  received_at(1000, 2000, 3000);
  CHECK(authors(10) == "other@acme.example dev@acme.example ");
  CHECK(authors(1) == "other@acme.example ");
}
