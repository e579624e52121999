// The webhook tables of both stores (Store::apply_webhook and
// load_pull_requests): a delivery applies once, its claim and its event are
// one transaction, and events of a pull request converge whatever their order.
#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include "collector/store/store.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::TempDir;
using State = report::PullRequestFact::State;

namespace {

constexpr int64_t kT = 1'767'261'600'000;  // 2026-01-01T10:00:00Z
constexpr int64_t kMin = 60'000;
const std::string kSha[] = {
    "aaaa000000000000000000000000000000000001", "bbbb000000000000000000000000000000000002",
    "cccc000000000000000000000000000000000003", "dddd000000000000000000000000000000000004"};
const std::string kMergeSha = "eeee000000000000000000000000000000000005";

std::unique_ptr<Store> opened(const std::string& db) {
  auto store = open_store(db);
  INFO(db);
  REQUIRE(store);
  return std::move(store).value();
}

WebhookOutcome apply(Store& store, const std::string& id, const WebhookEvent& e) {
  auto out = store.apply_webhook({"github", id, kT, e});
  INFO(id << ": " << (out ? "" : out.error().message));
  REQUIRE(out);
  return *out;
}

WebhookEvent push(const std::string& repo, const std::string& pusher,
                  std::vector<PushedCommit> commits) {
  WebhookEvent e;
  e.kind = WebhookEvent::kPush;
  e.event = "push";
  e.repo = repo;
  e.pusher = pusher;
  e.commits = std::move(commits);
  return e;
}

PushedCommit commit(int i, int64_t at, const std::string& email) {
  return {"feature/PROJ-7-cards", kSha[i], at, email};
}

// A pull_request event of PR 42 by dana.
WebhookEvent pr(const std::string& repo, const std::string& action, int64_t event_ms,
                int64_t ready_ms, const std::string& head) {
  WebhookEvent e;
  e.kind = WebhookEvent::kPullRequest;
  e.event = "pull_request." + action;
  e.repo = repo;
  PullRequestUpdate& p = e.pull_request;
  p.number = 42;
  p.author = "github:dana";
  p.head_branch = "feature/PROJ-7-cards";
  p.base_branch = "main";
  p.task_keys = "PROJ-7";
  p.head_sha = head;
  p.event_ms = event_ms;
  p.opened_ms = kT + 60 * kMin;
  p.ready_ms = ready_ms;
  return e;
}

WebhookEvent review(const std::string& repo, const std::string& reviewer, int64_t at) {
  WebhookEvent e = pr(repo, "", 0, 0, "");
  e.kind = WebhookEvent::kReview;
  e.event = "pull_request_review.submitted";
  e.pull_request.opened_ms = 0;  // the review's copy does not say
  e.review = {reviewer, "approved", at};
  return e;
}

// Every field of a fact but its repo, to compare two repos' facts.
std::string describe(const report::PullRequestFact& f) {
  std::ostringstream o;
  o << f.number << '|' << f.author << '|' << f.author_email << '|' << f.head_branch << '|'
    << f.base_branch << '|' << f.task_keys << '|' << static_cast<int>(f.state) << '|' << f.opened_ms
    << '|' << f.ready_ms << '|' << f.first_review_ms << '|' << f.merged_ms << '|' << f.closed_ms
    << '|' << f.first_commit_ms << '|' << f.merge_sha << '|' << f.head_sha << '|';
  for (const auto& sha : f.commit_shas)
    o << sha << ',';
  return o.str();
}

const report::PullRequestFact& find(const std::vector<report::PullRequestFact>& facts,
                                    const std::string& repo, int64_t number) {
  const auto at = std::find_if(facts.begin(), facts.end(),
                               [&](const auto& f) { return f.repo == repo && f.number == number; });
  INFO(repo << "#" << number);
  REQUIRE(at != facts.end());
  return *at;
}

// The deliveries of one pull request's life: a draft opened, made ready,
// reviewed by its author (which is no review) and by rob, pushed to again by
// rob, merged; and a push to its branch after the merge.
std::vector<std::pair<std::string, WebhookEvent>> life(const std::string& repo) {
  WebhookEvent merged = pr(repo, "closed", kT + 300 * kMin, kT + 300 * kMin, kSha[2]);
  merged.pull_request.state = State::kMerged;
  merged.pull_request.merged_ms = merged.pull_request.closed_ms = kT + 300 * kMin;
  merged.pull_request.merge_sha = kMergeSha;
  return {
      {"push-1",
       push(repo, "github:dana",
            {commit(0, kT, "dana@acme.example"), commit(1, kT + 30 * kMin, "dana@acme.example")})},
      {"opened", pr(repo, "opened", kT + 60 * kMin, 0, kSha[1])},
      {"self-review", review(repo, "github:dana", kT + 90 * kMin)},
      {"ready", pr(repo, "ready_for_review", kT + 120 * kMin, kT + 120 * kMin, kSha[1])},
      {"review", review(repo, "github:rob", kT + 150 * kMin)},
      {"push-2", push(repo, "github:rob", {commit(2, kT + 200 * kMin, "rob@acme.example")})},
      {"synchronize", pr(repo, "synchronize", kT + 200 * kMin, kT + 200 * kMin, kSha[2])},
      {"merged", merged},
      {"push-after", push(repo, "github:dana", {commit(3, kT + 2000 * kMin, "dana@acme.example")})},
  };
}

}  // namespace

TEST_CASE("a pull request's facts from its webhooks, and a replay changes nothing",
          "[webhooks][store]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  const std::string repo = "github.com/acme/api";
  for (const auto& [id, event] : life(repo))
    CHECK_FALSE(apply(*store, id, event).duplicate);
  auto facts = store->load_pull_requests();
  REQUIRE(facts);
  REQUIRE(facts->size() == 1);
  const report::PullRequestFact& f = facts->front();
  CHECK(f.repo == repo);
  CHECK(f.number == 42);
  CHECK(f.author == "github:dana");
  CHECK(f.author_email == "dana@acme.example");  // from the commits dana pushed
  CHECK(f.head_branch == "feature/PROJ-7-cards");
  CHECK(f.base_branch == "main");
  CHECK(f.task_keys == "PROJ-7");
  CHECK(f.state == State::kMerged);
  CHECK(f.opened_ms == kT + 60 * kMin);
  CHECK(f.ready_ms == kT + 120 * kMin);
  CHECK(f.first_review_ms == kT + 150 * kMin);  // the author's own is not a review
  CHECK(f.merged_ms == kT + 300 * kMin);
  CHECK(f.closed_ms == kT + 300 * kMin);
  CHECK(f.first_commit_ms == kT);
  CHECK(f.head_sha == kSha[2]);
  CHECK(f.merge_sha == kMergeSha);
  // The commit pushed after the merge is not the pull request's.
  CHECK(f.commit_shas == std::vector<std::string>{kSha[0], kSha[1], kSha[2], kMergeSha});

  // The same deliveries again: duplicates, nothing written.
  const std::string before = describe(f);
  const std::string rows = test::db_text(
      target.db,
      "SELECT (SELECT count(*) FROM webhook_deliveries) || '/' || (SELECT count(*) FROM "
      "pushed_commits) || '/' || (SELECT count(*) FROM pr_reviews)");
  CHECK(rows == "9/4/2");
  for (const auto& [id, event] : life(repo)) {
    const WebhookOutcome again = apply(*store, id, event);
    CHECK(again.duplicate);
    CHECK(again.commits_new == 0);
    CHECK_FALSE(again.pull_request);
  }
  CHECK(test::db_text(target.db,
                      "SELECT (SELECT count(*) FROM webhook_deliveries) || '/' || (SELECT "
                      "count(*) FROM pushed_commits) || '/' || (SELECT count(*) FROM "
                      "pr_reviews)") == rows);
  // A later copy of the merge under a new delivery id (GitHub's "redeliver"
  // of an edited PR): the merge time and SHA never move.
  WebhookEvent late = life(repo)[7].second;
  late.pull_request.event_ms = late.pull_request.merged_ms = kT + 900 * kMin;
  late.pull_request.merge_sha = kSha[3];
  CHECK_FALSE(apply(*store, "merged-again", late).duplicate);
  facts = store->load_pull_requests();
  REQUIRE(facts);
  CHECK(describe(facts->front()) == before);
}

TEST_CASE("webhook events converge whatever order they arrive in", "[webhooks][store]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  // One repository per order: in order, reversed, and shuffled.
  std::vector<std::vector<size_t>> orders = {{0, 1, 2, 3, 4, 5, 6, 7, 8},
                                             {8, 7, 6, 5, 4, 3, 2, 1, 0},
                                             {7, 4, 0, 8, 2, 6, 1, 5, 3},
                                             {6, 7, 3, 1, 2, 0, 8, 4, 5}};
  for (size_t o = 0; o < orders.size(); ++o) {
    const std::string repo = "github.com/acme/order-" + std::to_string(o);
    const auto deliveries = life(repo);
    for (size_t i : orders[o])
      apply(*store, repo + "/" + deliveries[i].first, deliveries[i].second);
  }
  auto facts = store->load_pull_requests();
  REQUIRE(facts);
  REQUIRE(facts->size() == orders.size());
  const std::string expected = describe(find(*facts, "github.com/acme/order-0", 42));
  for (size_t o = 1; o < orders.size(); ++o) {
    INFO("order " << o);
    CHECK(describe(find(*facts, "github.com/acme/order-" + std::to_string(o), 42)) == expected);
  }
  CHECK(find(*facts, "github.com/acme/order-1", 42).opened_ms == kT + 60 * kMin);

  // Closed, then reopened: open again. The close delivered late (older than
  // the reopening) changes nothing; a second, newer close does.
  const std::string repo = "github.com/acme/reopened";
  const int64_t opened = kT + 60 * kMin;  // pr()'s opening time
  WebhookEvent closed = pr(repo, "closed", opened + 10 * kMin, opened + 10 * kMin, kSha[0]);
  closed.pull_request.state = State::kClosed;
  closed.pull_request.closed_ms = opened + 10 * kMin;
  apply(*store, "r-opened", pr(repo, "opened", opened, opened, kSha[0]));
  apply(*store, "r-reopened",
        pr(repo, "reopened", opened + 20 * kMin, opened + 20 * kMin, kSha[0]));
  apply(*store, "r-closed", closed);
  facts = store->load_pull_requests();
  REQUIRE(facts);
  CHECK(find(*facts, repo, 42).state == State::kOpen);
  CHECK(find(*facts, repo, 42).closed_ms == 0);
  closed.pull_request.event_ms = closed.pull_request.closed_ms = opened + 30 * kMin;
  apply(*store, "r-closed-again", closed);
  facts = store->load_pull_requests();
  REQUIRE(facts);
  CHECK(find(*facts, repo, 42).state == State::kClosed);
  CHECK(find(*facts, repo, 42).closed_ms == opened + 30 * kMin);
  CHECK(find(*facts, repo, 42).merged_ms == 0);
  CHECK(find(*facts, repo, 42).ready_ms == opened);  // never a draft: ready when opened
}

TEST_CASE("a delivery that fails claims nothing, so its redelivery applies", "[webhooks][store]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  // The store refuses pull request 666 once the delivery id is claimed, as a
  // full disk or a lost connection would.
  if (target.postgres()) {
    test::db_exec(target.db,
                  "CREATE FUNCTION refuse_666() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF "
                  "NEW.number = 666 THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN "
                  "NEW; END $$;"
                  "CREATE TRIGGER refuse_666 BEFORE INSERT ON pull_requests FOR EACH ROW "
                  "EXECUTE FUNCTION refuse_666()");
  } else {
    test::db_exec(target.db,
                  "CREATE TRIGGER refuse_666 BEFORE INSERT ON pull_requests WHEN NEW.number = "
                  "666 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  }
  WebhookEvent e = pr("github.com/acme/api", "opened", kT + 60 * kMin, kT + 60 * kMin, kSha[0]);
  e.pull_request.number = 666;
  auto failed = store->apply_webhook({"github", "d-666", kT, e});
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.find("refused by the test") != std::string::npos);
  CHECK(test::db_text(target.db, "SELECT count(*) FROM webhook_deliveries") == "0");
  test::db_exec(target.db, "DROP TRIGGER refuse_666" +
                               std::string(target.postgres() ? " ON pull_requests" : ""));
  const WebhookOutcome redelivered = apply(*store, "d-666", e);
  CHECK_FALSE(redelivered.duplicate);
  CHECK(redelivered.pull_request);
  auto facts = store->load_pull_requests();
  REQUIRE(facts);
  CHECK(find(*facts, "github.com/acme/api", 666).opened_ms == kT + 60 * kMin);
  // The same delivery id from the other vendor is another delivery.
  CHECK(store->apply_webhook({"bitbucket", "d-666", kT, push("bitbucket.org/acme/api", "", {})})
            ->duplicate == false);
}
