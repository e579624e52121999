// The tracker's memory of the collector's store generation
// (tracker/queue/collector_generation.hpp): the first one is remembered, the
// same one changes nothing, and another one puts back in the queue what was
// shipped since the backup (less a day), or all that is held without a time.
#include "tracker/queue/collector_generation.hpp"

#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/queue/commit_store.hpp"
#include "tracker/queue/local_store.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::TempDir;

namespace {

constexpr int64_t kDay = 86'400'000;

UsageRecord record(int n) {
  const std::string s = std::to_string(n);
  UsageRecord r;
  r.message_id = "msg_" + s;
  r.request_id = "req_" + s;
  r.dedupe_key = r.message_id + "\x1f" + r.request_id;
  r.timestamp_ms = now_utc_ms() - n * 1000;
  r.session_id = "session";
  r.model = "claude-opus-4-6";
  r.input = 10 + n;
  return r;
}

CommitRecord commit(int n) {
  CommitRecord c;
  c.repo = "github.com/acme/api";
  c.sha = std::string(39, '0') + std::to_string(n);
  c.author_ms = c.committer_ms = now_utc_ms();
  return c;
}

// Queues `records` records and two commits, and marks them all shipped.
void ship_everything(LocalStore& store, int records) {
  REQUIRE(store.begin());
  for (int i = 0; i < records; ++i)
    REQUIRE(store.upsert(record(i)));
  CommitStore commits(store.database());
  REQUIRE(commits.add(commit(1)));
  REQUIRE(commits.add(commit(2)));
  REQUIRE(store.commit());
  std::vector<int64_t> ids;
  auto queued = store.unshipped(100, &ids);
  REQUIRE(queued);
  REQUIRE(queued->size() == static_cast<size_t>(records));
  std::vector<LocalStore::Sent> sent;
  for (size_t i = 0; i < ids.size(); ++i)
    sent.push_back({ids[i], (*queued)[i].revision, (*queued)[i].record_uid});
  auto queued_commits = commits.unshipped(100);
  REQUIRE(queued_commits);
  std::vector<int64_t> commit_ids;
  for (const QueuedCommit& q : *queued_commits)
    commit_ids.push_back(q.id);
  REQUIRE(store.begin());
  REQUIRE(store.mark_shipped(sent));
  REQUIRE(commits.mark_shipped(commit_ids));
  REQUIRE(store.commit());
}

GenerationChange adopt(LocalStore& store, const CollectorGeneration& g) {
  REQUIRE(store.begin());
  auto change = adopt_collector_generation(store, g);
  INFO((change ? std::string() : change.error().message));
  REQUIRE(change);
  REQUIRE(store.commit());
  return *change;
}

int64_t unshipped_records(LocalStore& store) {
  auto q = store.queue_stats();
  REQUIRE(q);
  return q->unshipped;
}

int64_t unshipped_commits(LocalStore& store) {
  auto s = CommitStore(store.database()).stats();
  REQUIRE(s);
  return s->unshipped;
}

}  // namespace

TEST_CASE("the first generation is remembered and the same one changes nothing",
          "[queue][restore]") {
  TempDir dir;
  auto store = LocalStore::open(dir.path());
  REQUIRE(store);
  ship_everything(*store, 3);
  CHECK(*stored_collector_generation(*store) == "");
  auto first = adopt(*store, {"aaaa", std::nullopt});
  CHECK(first.first);
  CHECK_FALSE(first.changed);
  CHECK(*stored_collector_generation(*store) == "aaaa");
  auto same = adopt(*store, {"aaaa", now_utc_ms() - kDay});
  CHECK_FALSE(same.first);
  CHECK_FALSE(same.changed);
  auto empty = adopt(*store, {"", std::nullopt});  // an answer without one
  CHECK_FALSE(empty.changed);
  CHECK(*stored_collector_generation(*store) == "aaaa");
  CHECK(unshipped_records(*store) == 0);
  CHECK(unshipped_commits(*store) == 0);
}

TEST_CASE("a new generation re-queues what was shipped since the backup, less a day",
          "[queue][restore]") {
  TempDir dir;
  auto store = LocalStore::open(dir.path());
  REQUIRE(store);
  ship_everything(*store, 4);
  adopt(*store, {"aaaa", std::nullopt});

  // A backup taken two days from now: nothing was shipped after it.
  auto later = adopt(*store, {"bbbb", now_utc_ms() + 2 * kDay});
  CHECK(later.changed);
  CHECK(later.previous == "aaaa");
  CHECK(later.current == "bbbb");
  REQUIRE(later.resend_since_ms);
  CHECK(later.records == 0);
  CHECK(later.commits == 0);
  CHECK(unshipped_records(*store) == 0);

  // A backup of an hour ago: everything shipped a moment ago goes again.
  const int64_t backup = now_utc_ms() - 3'600'000;
  auto recent = adopt(*store, {"cccc", backup});
  CHECK(recent.changed);
  REQUIRE(recent.resend_since_ms);
  CHECK(*recent.resend_since_ms == backup - kResendMarginMs);
  CHECK(recent.records == 4);
  CHECK(recent.commits == 2);
  CHECK(unshipped_records(*store) == 4);
  CHECK(unshipped_commits(*store) == 2);
  CHECK(*stored_collector_generation(*store) == "cccc");
}

TEST_CASE("a new generation without a backup time re-queues everything still held",
          "[queue][restore]") {
  TempDir dir;
  auto store = LocalStore::open(dir.path());
  REQUIRE(store);
  ship_everything(*store, 5);
  adopt(*store, {"aaaa", std::nullopt});
  // Shipped long ago, as far as the store knows.
  REQUIRE(store->database().exec("UPDATE usage_records SET shipped_ms = 1"));
  REQUIRE(store->database().exec("UPDATE git_commits SET shipped_ms = 1"));
  auto change = adopt(*store, {"bbbb", std::nullopt});
  CHECK(change.changed);
  CHECK_FALSE(change.resend_since_ms);
  CHECK(change.records == 5);
  CHECK(change.commits == 2);
  CHECK(unshipped_records(*store) == 5);
  CHECK(unshipped_commits(*store) == 2);
  // Sent and acknowledged again, then the same generation: nothing more.
  ship_everything(*store, 5);
  CHECK(adopt(*store, {"bbbb", std::nullopt}).records == 0);
  CHECK(unshipped_records(*store) == 0);
}
