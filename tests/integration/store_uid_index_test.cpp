// The SQLite store's uid lookup in two tiers (collector/store/sqlite/
// sqlite_uid_index.hpp): records moved from memory to the on-disk index are
// still found, across reopening, authors and revisions, and a store made
// before the disk tier moves its keys there once.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "collector/store/store.hpp"
#include "common/sqlite.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::TempDir;

namespace {

constexpr const char* kAuthor = "dev@acme.example";
constexpr int64_t kT0 = 1'770'912'000'000;  // 2026-02-12T16:00:00Z

proto::WireRecord rec(int i, int64_t revision = 1) {
  proto::WireRecord w;
  w.record_uid = "uid-" + std::to_string(i);
  w.revision = revision;
  UsageRecord& r = w.usage;
  r.timestamp_ms = kT0 + int64_t{i} * 1000;
  r.session_id = "session-" + std::to_string(i % 5);
  r.message_id = "msg_" + std::to_string(i);
  r.request_id = "req_" + std::to_string(i);
  r.model = "claude-opus-4-6";
  r.input = 10 + i;
  r.output = int64_t{100} * i + revision;
  r.cache_read = 20'000 + i;
  r.cost_nanos = int64_t{1'000'000} * i + revision;
  r.repo = "github.com/acme/api";
  return w;
}

proto::DecodedBatch batch(const std::string& batch_id, const std::vector<proto::WireRecord>& recs) {
  proto::BatchHeader h;
  h.tracker_version = "0.1.0";
  h.device_id = "0123456789abcdef0123456789abcdef";
  h.author = kAuthor;
  h.batch_id = batch_id;
  h.record_count = static_cast<int64_t>(recs.size());
  h.created_ms = kT0;
  auto d = proto::decode_json(proto::encode_json(h, recs), {});
  REQUIRE(d);
  return std::move(d).value();
}

std::vector<proto::WireRecord> range(int from, int to, int64_t revision = 1) {
  std::vector<proto::WireRecord> out;
  for (int i = from; i <= to; ++i)
    out.push_back(rec(i, revision));
  return out;
}

std::unique_ptr<Store> opened(const std::string& db, size_t memory_rows) {
  SqliteStoreOptions options;
  options.uid_memory_rows = memory_rows;
  auto store = open_sqlite_store(db, options);
  INFO(db << ": " << (store ? std::string() : store.error().message));
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

// The store refuses to move the boundary, as a full disk would.
constexpr const char* kRefuseSpills =
    "CREATE TRIGGER refuse_spill BEFORE UPDATE ON uid_index_state BEGIN"
    " SELECT RAISE(ABORT, 'refused by the test'); END";

int64_t number(const std::string& db, const std::string& sql) {
  return std::stoll(test::db_text(db, sql));
}

}  // namespace

TEST_CASE("records moved to the on-disk uid index are found again", "[collector][uid-index]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  {
    auto store = opened(db, 50);
    for (int b = 0; b < 10; ++b)  // 300 records, 30 a batch: a spill after every second batch
      CHECK(ingest(*store, batch("b" + std::to_string(b), range(b * 30 + 1, b * 30 + 30)))
                .records_new == 30);
  }
  // The rows up to the boundary are on disk, each once; fewer than the
  // limit after it.
  const int64_t upto = number(db, "SELECT upto FROM uid_index_state");
  CHECK(upto >= 250);
  CHECK(number(db, "SELECT count(*) FROM uid_index") == upto);
  CHECK(number(db,
               "SELECT count(*) FROM uid_index i JOIN usage_records r ON r.id = i.id"
               " AND r.uid_key = i.uid_key") == upto);
  CHECK(number(db, "SELECT count(*) FROM usage_records WHERE id > " + std::to_string(upto)) < 50);

  SECTION("sent again: duplicates from both tiers, with the memory limit low or high") {
    for (const size_t limit : {size_t{50}, size_t{1'000'000}}) {
      auto store = opened(db, limit);
      const IngestResult again =
          ingest(*store, batch("again" + std::to_string(limit), range(1, 300)));
      CHECK(again.duplicates == 300);
      CHECK(again.records_new == 0);
      CHECK(*store->record_count() == 300);
    }
  }
  SECTION("a higher revision replaces a record on disk and one in memory, a lower is stale") {
    auto store = opened(db, 50);
    const IngestResult up = ingest(*store, batch("up", {rec(1, 2), rec(300, 2)}));
    CHECK(up.replaced == 2);
    const IngestResult down = ingest(*store, batch("down", {rec(1, 1), rec(300, 1)}));
    CHECK(down.stale == 2);
    CHECK(*store->record_count() == 300);
    CHECK(test::db_text(db,
                        "SELECT group_concat(revision) FROM usage_records"
                        " WHERE uid IN ('uid-1', 'uid-300') ORDER BY id") == "2,2");
  }
  SECTION("the same uid under another author is another record, in either tier") {
    auto store = opened(db, 50);
    CHECK(ingest(*store, batch("other", range(1, 300)), "other@acme.example").records_new == 300);
    CHECK(ingest(*store, batch("other2", range(1, 300)), "other@acme.example").duplicates == 300);
    CHECK(ingest(*store, batch("mine", range(1, 300))).duplicates == 300);
    CHECK(*store->record_count() == 600);
    CHECK(number(db, "SELECT count(*) FROM uid_index") ==
          number(db, "SELECT upto FROM uid_index_state"));
  }
  SECTION("new records go on after a spill, and a group is still all or nothing") {
    auto store = opened(db, 50);
    auto b1 = batch("g1", range(301, 340));
    auto b2 = batch("g2", range(341, 380));
    auto b3 = batch("g3", range(1, 10));  // on disk already
    const std::vector<IngestRequest> group = {{kAuthor, &b1}, {kAuthor, &b2}, {kAuthor, &b3}};
    auto results = store->ingest_many(group);
    REQUIRE(results.size() == 3);
    REQUIRE(results[0]);
    REQUIRE(results[1]);
    REQUIRE(results[2]);
    CHECK(results[0]->records_new == 40);
    CHECK(results[1]->records_new == 40);
    CHECK(results[2]->duplicates == 10);
    CHECK(*store->record_count() == 380);
    CHECK(number(db, "SELECT upto FROM uid_index_state") > upto);
    CHECK(ingest(*store, batch("g4", range(1, 380))).duplicates == 380);
  }
}

TEST_CASE("a store made before the disk tier moves its keys there at its first open",
          "[collector][uid-index]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  {
    auto store = opened(db, 1'000'000);
    CHECK(ingest(*store, batch("b1", range(1, 500))).records_new == 500);
  }
  CHECK(number(db, "SELECT count(*) FROM uid_index") == 0);  // all still in memory
  {
    // Schema 26: no disk tier.
    auto raw = sql::Database::open(db);
    REQUIRE(raw);
    REQUIRE(raw->exec(
        "DROP TABLE uid_index; DROP TABLE uid_index_state; ALTER TABLE author_day_tokens DROP "
        "COLUMN records; ALTER TABLE author_day_tokens DROP COLUMN revisions; PRAGMA "
        "user_version = 26;"));
  }
  auto store = opened(db, 100);  // 500 rows after the boundary (0): too many to hold
  CHECK(test::db_text(db, "PRAGMA user_version") == "28");
  CHECK(number(db, "SELECT count(*) FROM uid_index") == 500);
  CHECK(number(db, "SELECT upto FROM uid_index_state") ==
        number(db, "SELECT max(id) FROM usage_records"));
  // Every record once.
  CHECK(number(db, "SELECT count(DISTINCT id) FROM uid_index") == 500);
  const IngestResult again = ingest(*store, batch("b2", range(450, 550)));
  CHECK(again.duplicates == 51);
  CHECK(again.records_new == 50);
}

TEST_CASE("a store opened with more rows after the boundary than the limit spills at open",
          "[collector][uid-index]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  {
    auto store = opened(db, 1'000'000);
    CHECK(ingest(*store, batch("b1", range(1, 200))).records_new == 200);
  }
  CHECK(number(db, "SELECT upto FROM uid_index_state") == 0);
  auto store = opened(db, 100);
  CHECK(number(db, "SELECT upto FROM uid_index_state") == 200);
  CHECK(number(db, "SELECT count(*) FROM uid_index") == 200);
  CHECK(ingest(*store, batch("b2", range(1, 201))).duplicates == 200);
}

TEST_CASE("a spill that fails leaves the records in memory, found, and is tried again later",
          "[collector][uid-index]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  auto store = opened(db, 50);
  test::db_exec(db, kRefuseSpills);
  CHECK(ingest(*store, batch("b1", range(1, 60))).records_new == 60);  // a spill due, refused
  CHECK(number(db, "SELECT upto FROM uid_index_state") == 0);
  CHECK(number(db, "SELECT count(*) FROM uid_index") == 0);  // rolled back whole
  CHECK(ingest(*store, batch("b2", range(1, 70))).duplicates == 60);
  test::db_exec(db, "DROP TRIGGER refuse_spill");
  // Tried again once a quarter of the limit more is in memory (60 + 13).
  CHECK(ingest(*store, batch("b3", range(71, 71))).records_new == 1);
  CHECK(number(db, "SELECT upto FROM uid_index_state") == 0);
  CHECK(ingest(*store, batch("b4", range(72, 80))).records_new == 9);
  CHECK(number(db, "SELECT upto FROM uid_index_state") == 80);
  CHECK(number(db, "SELECT count(*) FROM uid_index") == 80);
  CHECK(ingest(*store, batch("b5", range(1, 80))).duplicates == 80);
  store.reset();
  // Refused at open too: the store opens with the rows in memory.
  CHECK(ingest(*opened(db, 1'000'000), batch("b6", range(81, 200))).records_new == 120);
  test::db_exec(db, kRefuseSpills);
  auto reopened = opened(db, 50);
  CHECK(number(db, "SELECT upto FROM uid_index_state") == 80);
  CHECK(ingest(*reopened, batch("b7", range(1, 200))).duplicates == 200);
}
