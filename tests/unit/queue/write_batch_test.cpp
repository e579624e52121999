// WriteBatch (tracker/queue/write_batch.hpp): lines of a file merged in
// memory before they meet the store, with the same outcome as applying each
// line to the store in order.
#include "tracker/queue/write_batch.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <random>

#include "common/tool_codec.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/queue/local_store.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::TempDir;

namespace {

UsageRecord request(const std::string& message, const std::string& req, int64_t input,
                    bool sidechain = false) {
  UsageRecord r;
  r.message_id = message;
  r.request_id = req;
  r.dedupe_key = message + "\x1f" + req;
  r.timestamp_ms = 1'770'912'313'000;
  r.session_id = "session";
  r.sidechain = sidechain;
  r.model = "claude-opus-4-6";
  r.input = input;
  r.output = 1;
  return r;
}

ToolUse edit(const std::string& id) {
  ToolUse t;
  t.tool_use_id = id;
  t.name = "Edit";
  t.path = "src/main.cpp";
  t.action = FileAction::kChange;
  return t;
}

ToolResultLine result(const std::string& id, int64_t added, int64_t removed) {
  ToolResultLine r;
  r.tool_use_id = id;
  r.lines_added = added;
  r.lines_removed = removed;
  r.has_counts = true;
  return r;
}

std::vector<proto::WireRecord> stored(LocalStore& store) {
  auto records = store.unshipped(1000);
  REQUIRE(records);
  return std::move(records).value();
}

std::vector<std::string> tool_ids(const UsageRecord& r) {
  std::vector<std::string> ids;
  for (const ToolUse& t : r.tools)
    ids.push_back(t.tool_use_id);
  return ids;
}

FlushCounts flush(WriteBatch& batch, LocalStore& store) {
  REQUIRE(store.begin());
  auto counts = batch.flush(store);
  REQUIRE(counts);
  REQUIRE(store.commit());
  return *counts;
}

}  // namespace

TEST_CASE("a write batch keeps the snapshot with the most tokens and every tool call once",
          "[queue][unit]") {
  TempDir dir;
  auto store = LocalStore::open(dir / "state");
  REQUIRE(store);
  WriteBatch batch;
  UsageRecord first = request("msg_1", "req_1", 10);
  first.tools = {edit("toolu_a")};
  UsageRecord largest = request("msg_1", "req_1", 50);
  largest.tools = {edit("toolu_a"), edit("toolu_b")};
  largest.agent_id = "largest";
  UsageRecord later = request("msg_1", "req_1", 20);
  later.tools = {edit("toolu_c")};
  CHECK_FALSE(batch.add(std::move(first)));
  CHECK(batch.add(std::move(largest)));
  CHECK(batch.add(std::move(later)));
  CHECK(batch.size() == 1);

  const FlushCounts counts = flush(batch, *store);
  CHECK(counts.inserted == 1);
  CHECK(counts.replaced == 0);
  CHECK(counts.kept == 0);
  CHECK(batch.size() == 0);
  const auto records = stored(*store);
  REQUIRE(records.size() == 1);
  CHECK(records[0].usage.input == 50);
  CHECK(records[0].usage.agent_id == "largest");
  CHECK(tool_ids(records[0].usage) == std::vector<std::string>{"toolu_a", "toolu_b", "toolu_c"});
}

TEST_CASE("a write batch joins a sidechain replay to its main-session copy by message id",
          "[queue][unit]") {
  TempDir dir;
  auto store = LocalStore::open(dir / "state");
  REQUIRE(store);

  SECTION("the main-session copy first: the replay joins it and loses") {
    WriteBatch batch;
    CHECK_FALSE(batch.add(request("msg_1", "req_main", 10)));
    CHECK(batch.add(request("msg_1", "req_replay", 99, /*sidechain=*/true)));
    CHECK(batch.size() == 1);
    flush(batch, *store);
    const auto records = stored(*store);
    REQUIRE(records.size() == 1);
    CHECK(records[0].usage.request_id == "req_main");
    CHECK(records[0].usage.dedupe_key == "msg_1\x1freq_main");
    CHECK(records[0].usage.input == 10);
  }
  SECTION("the replay first: the main-session copy takes its place, and is found by its key") {
    WriteBatch batch;
    CHECK_FALSE(batch.add(request("msg_1", "req_replay", 99, /*sidechain=*/true)));
    CHECK(batch.add(request("msg_1", "req_main", 10)));
    CHECK(batch.add(request("msg_1", "req_main", 12)));  // a later snapshot, by key
    CHECK(batch.size() == 1);
    flush(batch, *store);
    const auto records = stored(*store);
    REQUIRE(records.size() == 1);
    CHECK_FALSE(records[0].usage.sidechain);
    CHECK(records[0].usage.dedupe_key == "msg_1\x1freq_main");
    CHECK(records[0].usage.input == 12);
  }
  SECTION("two main-session requests sharing a message id stay apart") {
    WriteBatch batch;
    CHECK_FALSE(batch.add(request("msg_1", "req_1", 10)));
    CHECK_FALSE(batch.add(request("msg_1", "req_2", 20)));
    CHECK(batch.size() == 2);
    CHECK(flush(batch, *store).inserted == 2);
    CHECK(stored(*store).size() == 2);
  }
}

TEST_CASE("a write batch attaches a tool result to its buffered tool call", "[queue][unit]") {
  TempDir dir;
  auto store = LocalStore::open(dir / "state");
  REQUIRE(store);
  WriteBatch batch;
  UsageRecord r = request("msg_1", "req_1", 10);
  r.tools = {edit("toolu_a"), edit("toolu_b")};
  batch.add(std::move(r));
  ToolResultLine commit = result("toolu_b", 0, 0);
  commit.commit_sha = "0123456789abcdef0123456789abcdef01234567";
  CHECK(batch.apply_result(result("toolu_a", 3, 1)));
  CHECK(batch.apply_result(commit));
  CHECK_FALSE(batch.apply_result(result("toolu_unknown", 5, 5)));
  flush(batch, *store);
  const auto records = stored(*store);
  REQUIRE(records.size() == 1);
  const auto& tools = records[0].usage.tools;
  REQUIRE(tools.size() == 2);
  CHECK(tools[0].result_seen);
  CHECK(tools[0].lines_added == 3);
  CHECK(tools[0].lines_removed == 1);
  CHECK(tools[0].commit_sha.empty());
  CHECK(tools[1].result_seen);
  CHECK(tools[1].commit_sha == "0123456789abcdef0123456789abcdef01234567");
  // Nothing waits for a result any more.
  PendingTools pending;
  REQUIRE(store->load_pending_tools(pending));
  CHECK(pending.empty());
}

TEST_CASE("flushing a write batch counts inserted, replaced and kept records, and empties it",
          "[queue][unit]") {
  TempDir dir;
  auto store = LocalStore::open(dir / "state");
  REQUIRE(store);
  WriteBatch batch;
  batch.add(request("msg_a", "req_a", 50));
  batch.add(request("msg_b", "req_b", 10));
  CHECK(flush(batch, *store).inserted == 2);

  batch.add(request("msg_a", "req_a", 20));  // fewer tokens: the stored copy stays
  batch.add(request("msg_b", "req_b", 30));  // more tokens: replaces the stored copy
  batch.add(request("msg_c", "req_c", 1));
  const FlushCounts counts = flush(batch, *store);
  CHECK(counts.inserted == 1);
  CHECK(counts.replaced == 1);
  CHECK(counts.kept == 1);
  CHECK(batch.size() == 0);
  const FlushCounts again = flush(batch, *store);
  CHECK(again.inserted + again.replaced + again.kept == 0);

  std::map<std::string, proto::WireRecord> by_message;
  for (auto& w : stored(*store))
    by_message[w.usage.message_id] = w;
  REQUIRE(by_message.size() == 3);
  CHECK(by_message["msg_a"].usage.input == 50);
  CHECK(by_message["msg_a"].revision == 1);
  CHECK(by_message["msg_b"].usage.input == 30);
  CHECK(by_message["msg_b"].revision == 2);
  CHECK(by_message["msg_c"].revision == 1);
}

TEST_CASE("a write batch stores what applying each line to the store in order stores",
          "[queue][unit][property]") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
    // Lines of a file: snapshots of 6 requests (some replayed in a sidechain),
    // each with up to two tool calls whose results come some lines later.
    struct Line {
      std::optional<UsageRecord> record;
      std::optional<ToolResultLine> result;
    };
    std::vector<Line> lines;
    std::vector<std::string> called, answered;  // a tool call has one result
    for (int i = 0; i < 60; ++i) {
      if (!called.empty() && pick(4) == 0) {
        const size_t which = static_cast<size_t>(pick(static_cast<int>(called.size())));
        lines.push_back({std::nullopt, result(called[which], pick(50), pick(50))});
        answered.push_back(called[which]);
        called.erase(called.begin() + static_cast<std::ptrdiff_t>(which));
        continue;
      }
      const std::string m = std::to_string(pick(6));
      const bool replay = pick(4) == 0;
      UsageRecord r =
          request("msg_" + m, replay ? "req_" + m + "_side" : "req_" + m, 1 + pick(100), replay);
      r.timestamp_ms += std::stoi(m) * 1000 + (replay ? 1 : 0);
      for (const char* k : {"x", "y"}) {
        if (pick(2) == 0) continue;
        const std::string id = "toolu_" + m + k;
        r.tools.push_back(edit(id));
        if (std::find(answered.begin(), answered.end(), id) == answered.end() &&
            std::find(called.begin(), called.end(), id) == called.end())
          called.push_back(id);
      }
      lines.push_back({std::move(r), std::nullopt});
    }

    TempDir dir;
    auto batched = LocalStore::open(dir / "batched");
    auto direct = LocalStore::open(dir / "direct");
    REQUIRE(batched);
    REQUIRE(direct);
    // As the scanner does: a result the batch does not hold goes to the
    // store; the batch is flushed every few records.
    WriteBatch batch;
    REQUIRE(batched->begin());
    REQUIRE(direct->begin());
    for (const Line& line : lines) {
      if (line.record) {
        batch.add(UsageRecord(*line.record));
        REQUIRE(direct->upsert(*line.record));
        if (batch.size() >= 4) REQUIRE(batch.flush(*batched));
      } else {
        if (!batch.apply_result(*line.result)) REQUIRE(batched->apply_tool_result(*line.result));
        REQUIRE(direct->apply_tool_result(*line.result));
      }
    }
    REQUIRE(batch.flush(*batched));
    REQUIRE(batched->commit());
    REQUIRE(direct->commit());

    // Revisions count the store's writes, which the batch saves. The uid is
    // made from the key of the first copy that reaches the store: a sidechain
    // replay stored before its main-session copy lends the record its uid,
    // where the batch may have merged the two first. All else is equal.
    auto flatten = [](std::vector<proto::WireRecord> records) {
      std::string out;
      for (auto& w : records) {
        w.revision = 1;
        w.record_uid = "uid";
        out += w.usage.dedupe_key + " " + proto::encode_json(proto::BatchHeader{}, {w}) + "\n";
      }
      return out;
    };
    CHECK(flatten(stored(*batched)) == flatten(stored(*direct)));
  }
}

TEST_CASE("a store finds records the same way in its bulk load as by its lookup indexes",
          "[queue][unit][property]") {
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
    // Snapshots of a few requests: sidechain replays (same message id,
    // another request id), advisor calls (same message id, another
    // iteration), and lines without a message id (keyed by their uuid).
    std::vector<UsageRecord> lines;
    for (int i = 0; i < 80; ++i) {
      const std::string m = std::to_string(pick(5));
      UsageRecord r;
      switch (pick(6)) {
        case 0:
          r = request("msg_" + m, "req_" + m + "_side", 1 + pick(100), /*sidechain=*/true);
          break;
        case 1: {
          r = request("msg_" + m, "req_" + m, 1 + pick(100), pick(2) == 0);
          r.iteration = 1 + pick(2);
          r.dedupe_key +=
              "\x1f"
              "advisor:" +
              std::to_string(r.iteration - 1);
          break;
        }
        case 2:
          r = request("", "", 1 + pick(100));
          r.dedupe_key = "noid\x1fline-" + m;
          break;
        default:
          r = request("msg_" + m, "req_" + m, 1 + pick(100));
      }
      r.timestamp_ms += i;
      if (pick(3) == 0) r.tools.push_back(edit("toolu_" + std::to_string(i)));
      lines.push_back(std::move(r));
    }

    TempDir dir;
    auto bulk = LocalStore::open(dir / "bulk");          // empty: looked up in memory
    auto indexed = LocalStore::open(dir / "indexed");    // its indexes built before the first
    auto switched = LocalStore::open(dir / "switched");  // built halfway
    REQUIRE(bulk);
    REQUIRE(indexed);
    REQUIRE(switched);
    REQUIRE(indexed->end_bulk_load());
    std::vector<UpsertOutcome> by_bulk, by_index, by_switch;
    for (LocalStore* s : {&*bulk, &*indexed, &*switched})
      REQUIRE(s->begin());
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i == lines.size() / 2) REQUIRE(switched->end_bulk_load());
      auto a = bulk->upsert(lines[i]);
      auto b = indexed->upsert(lines[i]);
      auto c = switched->upsert(lines[i]);
      REQUIRE(a);
      REQUIRE(b);
      REQUIRE(c);
      by_bulk.push_back(*a);
      by_index.push_back(*b);
      by_switch.push_back(*c);
    }
    for (LocalStore* s : {&*bulk, &*indexed, &*switched})
      REQUIRE(s->commit());
    CHECK(by_index == by_bulk);
    CHECK(by_switch == by_bulk);
    // Every field, the uid and the revision equal.
    auto spelled = [](std::vector<proto::WireRecord> records) {
      std::string out;
      for (auto& w : records)
        out += w.usage.dedupe_key + " " + proto::encode_json(proto::BatchHeader{}, {w}) + "\n";
      return out;
    };
    const std::string want = spelled(stored(*bulk));
    CHECK(spelled(stored(*indexed)) == want);
    CHECK(spelled(stored(*switched)) == want);
    // Each request stored once per advisor call, a replay joining its
    // main-session copy: fewer rows than lines.
    CHECK(stored(*bulk).size() < lines.size());
  }
}

TEST_CASE("a write batch keeps a call's first result unless a second counts what it did not",
          "[queue][unit]") {
  WriteBatch batch;
  UsageRecord r = request("msg_1", "req_1", 10);
  r.tools.push_back(edit("toolu_1"));
  r.tools.push_back(edit("toolu_2"));
  batch.add(std::move(r));
  ToolResultLine bare = result("toolu_1", 0, 0);  // the parent's copy, no toolUseResult
  bare.has_counts = false;
  CHECK(batch.apply_result(bare));
  CHECK(batch.apply_result(result("toolu_1", 4, 2)));  // the subagent's own file
  CHECK(batch.apply_result(result("toolu_2", 7, 1)));
  ToolResultLine failed = result("toolu_2", 0, 0);
  failed.error = true;
  CHECK(batch.apply_result(failed));  // answered already, with counts: kept
  TempDir dir;
  auto store = LocalStore::open(dir / "s");
  REQUIRE(store);
  REQUIRE(store->begin());
  REQUIRE(batch.flush(*store));
  REQUIRE(store->commit());
  const auto records = stored(*store);
  REQUIRE(records.size() == 1);
  const auto& tools = records[0].usage.tools;
  REQUIRE(tools.size() == 2);
  CHECK(tools[0].lines_added == 4);
  CHECK(tools[0].lines_removed == 2);
  CHECK(tools[1].lines_added == 7);
  CHECK_FALSE(tools[1].error);
}

TEST_CASE("a copy a write batch would not replace its record with adds only its tool calls",
          "[queue][unit]") {
  // The scanner's short way for a request's streamed copies: when
  // would_replace() says no, add_tools() must leave what add() would.
  const auto first = [] {
    UsageRecord r = request("msg_1", "req_1", 40);
    r.tools = {edit("toolu_a")};
    return r;
  };
  const auto copy = [] {
    UsageRecord r = request("msg_1", "req_1", 40);
    r.agent_id = "the copy";
    r.tools = {edit("toolu_a"), edit("toolu_b")};
    r.tools[0].path = "the copy's";
    return r;
  };
  WriteBatch whole, tools_only;
  CHECK_FALSE(whole.add(first()));
  CHECK_FALSE(tools_only.add(first()));
  const int64_t at = tools_only.find_key("msg_1\x1freq_1");
  REQUIRE(at == 0);
  CHECK(tools_only.find_key("msg_1\x1freq_2") == -1);
  // Equal totals keep the first copy; more tokens, speed, or a main-session
  // copy over a sidechain one take its place.
  CHECK_FALSE(tools_only.would_replace(0, false, 41, false));
  CHECK(tools_only.would_replace(0, false, 42, false));
  CHECK(tools_only.would_replace(0, false, 41, true));
  CHECK_FALSE(tools_only.would_replace(0, true, 1000, true));
  CHECK(whole.add(copy()));
  tools_only.add_tools(0, std::move(copy().tools));

  TempDir dir;
  auto a = LocalStore::open(dir / "a");
  auto b = LocalStore::open(dir / "b");
  REQUIRE(a);
  REQUIRE(b);
  flush(whole, *a);
  flush(tools_only, *b);
  const auto left = stored(*a);
  const auto right = stored(*b);
  REQUIRE(left.size() == 1);
  REQUIRE(right.size() == 1);
  CHECK(right[0].usage.agent_id.empty());
  CHECK(tool_ids(right[0].usage) == std::vector<std::string>{"toolu_a", "toolu_b"});
  CHECK(right[0].usage.tools[0].path == "src/main.cpp");
  CHECK(encode_tools(left[0].usage.tools) == encode_tools(right[0].usage.tools));
  CHECK(left[0].usage.agent_id == right[0].usage.agent_id);
}
