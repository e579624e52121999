// The local store's record table and outbox (tracker/queue/local_store.hpp):
// a record comes back from the queue with every field it was stored with,
// after an insert and after a replacement.
#include <catch2/catch.hpp>

#include "proto/wire_batch.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/queue/local_store.hpp"
#include "tracker/queue/outbox_sql.hpp"
#include "tracker/queue/record_sql.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::TempDir;

namespace {

// Every field set, none to its default; `n` makes the values differ.
UsageRecord full_record(int n, int64_t input) {
  const std::string s = std::to_string(n);
  UsageRecord r;
  r.message_id = "msg_011jxCMkYDFrY8KhFov9ZCaF";
  r.request_id = "req_011COU38vZSq0pXcz5OJGMnM";
  r.dedupe_key = r.message_id + "\x1f" + r.request_id;
  r.timestamp_ms = 1'770'912'313'088 + n;
  r.session_id = "254c58dd-57a6-4b16-85d5-3adb4dc0c67" + s;
  r.sidechain = false;
  r.agent_id = "agent-" + s;
  r.model = "claude-opus-4-" + s;
  r.input = input;
  r.output = 7 + n;
  r.cache_create_5m = 2567 + n;
  r.cache_create_1h = 5989 + n;
  r.cache_read = 12497 + n;
  r.web_search_requests = 2 + n;
  r.fast = n % 2 == 1;
  r.cost_nanos = 82'362'250 + n;
  r.long_context = n % 2 == 0;
  r.price_version = "2026-11-2" + s;
  r.cc_version = "2.1.3" + s;
  r.author = "dev" + s + "@example.org";
  r.repo = "github.com/acme/api-" + s;
  r.branch = "feature/PROJ-" + s;
  r.task_keys = "PROJ-" + s;
  r.turn_id = "459e3c76-3c0e-4f57-bf2d-d225482ecb6" + s;
  ToolUse edit;
  edit.tool_use_id = "toolu_edit_" + s;
  edit.name = "Edit";
  edit.path = "src/main.cpp";
  edit.action = FileAction::kChange;
  edit.result_seen = true;
  edit.lines_added = 3 + n;
  edit.lines_removed = 1 + n;
  ToolUse commit;
  commit.tool_use_id = "toolu_commit_" + s;
  commit.name = "Bash";
  commit.git_commit = true;
  commit.result_seen = true;
  commit.commit_sha = "0123456789abcdef0123456789abcdef0123456" + s;
  ToolUse read;
  read.tool_use_id = "toolu_read_" + s;
  read.name = "mcp:server/tool";
  read.path = "(outside)";
  read.action = FileAction::kRead;
  r.tools = {edit, commit, read};
  return r;
}

// The record as the wire carries it, and what the wire leaves out.
std::string spelled(const UsageRecord& r, const std::string& uid, int64_t revision) {
  proto::WireRecord w{uid, revision, r};
  return r.dedupe_key + "|" + r.author + "|" + proto::encode_json(proto::BatchHeader{}, {w});
}

}  // namespace

TEST_CASE("a stored record comes back from the queue with every field, also when replaced",
          "[queue][unit]") {
  TempDir dir;
  auto store = LocalStore::open(dir / "state");
  REQUIRE(store);
  const UsageRecord first = full_record(1, 100);
  REQUIRE(store->begin());
  auto inserted = store->upsert(first);
  REQUIRE(inserted);
  CHECK(*inserted == UpsertOutcome::kInserted);
  REQUIRE(store->commit());
  std::vector<int64_t> ids;
  auto queued = store->unshipped(10, &ids);
  REQUIRE(queued);
  REQUIRE(queued->size() == 1);
  REQUIRE(ids.size() == 1);
  const std::string uid = queued->front().record_uid;
  CHECK(uid.size() == 32);
  CHECK(spelled(queued->front().usage, uid, queued->front().revision) == spelled(first, uid, 1));

  // A copy with more tokens replaces every field; the tool calls of both stay.
  UsageRecord second = full_record(2, 200);
  second.cost_nanos.reset();
  REQUIRE(store->begin());
  auto replaced = store->upsert(second);
  REQUIRE(replaced);
  CHECK(*replaced == UpsertOutcome::kReplaced);
  REQUIRE(store->commit());
  std::vector<int64_t> ids_after;
  queued = store->unshipped(10, &ids_after);
  REQUIRE(queued);
  REQUIRE(queued->size() == 1);
  CHECK(ids_after == ids);
  CHECK(queued->front().record_uid == uid);
  UsageRecord want = second;
  want.tools = first.tools;
  want.tools.insert(want.tools.end(), second.tools.begin(), second.tools.end());
  CHECK(spelled(queued->front().usage, uid, queued->front().revision) == spelled(want, uid, 2));
}

TEST_CASE("the lookup indexes stay when the bulk load ended inside what is rolled back",
          "[queue][store]") {
  const char* const kIndexes =
      "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ("
      "'usage_records_message', 'usage_records_unshipped',"
      " 'line_prints_last', 'line_calls_written')";
  const bool to_savepoint = GENERATE(true, false);
  INFO((to_savepoint ? "rolled back to the file's savepoint" : "transaction rolled back"));
  TempDir dir;
  auto store = LocalStore::open(dir.path());  // empty: filled without its indexes
  REQUIRE(store);
  auto count = [&]() {
    auto n = store->database().scalar(kIndexes);
    REQUIRE(n);
    return *n;
  };
  CHECK(count() == 0);
  // The partial indexes are there from the start: a fill leaves them small
  // or empty.
  CHECK(*store->database().scalar(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('usage_records_no_message',"
            " 'usage_records_shipped', 'usage_records_quarantined')") == 3);
  REQUIRE(store->begin());
  REQUIRE(store->upsert(full_record(1, 10)));
  REQUIRE(store->savepoint());
  REQUIRE(store->end_bulk_load());  // as when the 200,000th record is stored
  CHECK(count() == 4);
  if (to_savepoint) {
    REQUIRE(store->rollback_to_savepoint());
    CHECK(count() == 4);
    REQUIRE(store->commit());
  } else {
    store->rollback();
  }
  CHECK(count() == 4);
  // The lookups of the dedupe rule, the ship order and the queue's bounds
  // each use their index (no statement scans the table).
  const std::pair<std::string, std::vector<std::string>> uses[] = {
      {sql_text::kSelectByMessage, {"usage_records_message"}},
      {sql_text::kSelectByKeyWithoutMessage, {"usage_records_no_message"}},
      {sql_text::select_unshipped(), {"usage_records_unshipped"}},
      {sql_text::kDeleteExpired, {"usage_records_shipped"}},
      {sql_text::kEvictOldestShipped, {"usage_records_shipped"}},
      {sql_text::kEvictOldestUnshipped, {"usage_records_unshipped", "usage_records_quarantined"}},
  };
  for (const auto& [query, indexes] : uses) {
    auto plan = store->database().prepare("EXPLAIN QUERY PLAN " + query);
    REQUIRE(plan);
    std::string details;
    while (true) {
      auto row = plan->step();
      REQUIRE(row);
      if (!*row) break;
      details += std::string(plan->text(3)) + "\n";
    }
    INFO(query << "\n" << details);
    for (const std::string& index : indexes)
      CHECK(details.find(index) != std::string::npos);
    CHECK(details.find("SCAN usage_records\n") == std::string::npos);
  }
}

TEST_CASE(
    "a store made before lookups by message id loses its dedupe key index and finds its "
    "records",
    "[queue][store]") {
  TempDir dir;
  UsageRecord no_message = full_record(2, 40);
  no_message.message_id.clear();
  no_message.dedupe_key = "noid\x1fline-uuid-2";
  {
    auto store = LocalStore::open(dir.path());
    REQUIRE(store);
    REQUIRE(store->begin());
    REQUIRE(store->upsert(full_record(1, 10)));
    REQUIRE(store->upsert(no_message));
    REQUIRE(store->commit());
  }
  {
    // As schema 9 left it: every dedupe key and every time indexed.
    auto db = sql::Database::open(dir.path() + "/tracker.db");
    REQUIRE(db);
    REQUIRE(db->exec(
        "DROP INDEX usage_records_shipped; DROP INDEX usage_records_quarantined;"
        "DROP INDEX usage_records_no_message;"
        "CREATE INDEX usage_records_key ON usage_records(key_hash);"
        "CREATE INDEX usage_records_ts ON usage_records(ts_ms); PRAGMA user_version = 9;"));
  }
  auto store = LocalStore::open(dir.path());
  REQUIRE(store);
  CHECK(*store->database().scalar("PRAGMA user_version") == 10);
  CHECK(*store->database().scalar("SELECT count(*) FROM sqlite_master WHERE name IN "
                                  "('usage_records_key', 'usage_records_ts')") == 0);
  CHECK(*store->database().scalar(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('usage_records_message',"
            " 'usage_records_no_message', 'usage_records_shipped', 'usage_records_quarantined')") ==
        4);
  REQUIRE(store->begin());
  auto again = store->upsert(full_record(1, 10));
  REQUIRE(again);
  CHECK(*again == UpsertOutcome::kKept);
  auto bigger = store->upsert(full_record(1, 11));
  REQUIRE(bigger);
  CHECK(*bigger == UpsertOutcome::kReplaced);
  no_message.input += 1;
  auto other = store->upsert(no_message);
  REQUIRE(other);
  CHECK(*other == UpsertOutcome::kReplaced);
  REQUIRE(store->commit());
  CHECK(store->queue_stats()->records == 2);
}
