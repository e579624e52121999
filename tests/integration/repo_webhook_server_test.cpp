// POST /v1/webhooks/github and /v1/webhooks/bitbucket on a real collector over
// HTTPS, on both stores: signatures checked, redeliveries changing nothing,
// bad bodies refused with the reason, and the pull requests read back.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "collector/ingest/webhook_signature.hpp"
#include "collector/store/store.hpp"
#include "common/sqlite.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;
using State = report::PullRequestFact::State;

namespace {

struct Reply {
  int status = 0;
  std::string body;
  bool has(const std::string& text) const { return body.find(text) != std::string::npos; }
};

Reply post_webhook(CollectorFixture& c, const std::string& path, std::vector<std::string> headers,
                   const std::string& body) {
  TlsClient client(c.port(), c.ca());
  headers.push_back("Content-Type: application/json");
  REQUIRE(client.send(http_request("POST", path, headers, body)));
  const std::string res = client.read_response(kPatienceMs);
  return {status_of(res), body_of(res)};
}

std::string fixture(const std::string& vendor, const std::string& name) {
  return read_file(std::string(CODEPULSE_SOURCE_DIR) + "/tests/fixtures/" + vendor + "/" + name);
}

// A collector on `store` with the webhook secret file `flag` names holding `secret`.
void start_with_secret(CollectorFixture& c, const TempDir& dir, const StoreTarget& store,
                       const std::string& flag, const std::string& secret) {
  const std::string path = dir / "webhook.secret";
  write_file(path, secret + "\n");
  ::chmod(path.c_str(), 0600);
  if (store.postgres()) c.use_db(store.db);
  c.start({flag, path});
}

// `text` with every `from` (there is one at least) replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  REQUIRE(text.find(from) != std::string::npos);
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// Rows of the webhook tables: deliveries/commits/pull requests/reviews.
std::string webhook_rows(const std::string& db) {
  return db_text(db,
                 "SELECT (SELECT count(*) FROM webhook_deliveries) || '/' || (SELECT count(*) "
                 "FROM pushed_commits) || '/' || (SELECT count(*) FROM pull_requests) || '/' || "
                 "(SELECT count(*) FROM pr_reviews)");
}

std::vector<report::PullRequestFact> pull_requests(const std::string& db) {
  auto store = collector::open_store(db);
  REQUIRE(store);
  auto facts = (*store)->load_pull_requests();
  REQUIRE(facts);
  return std::move(facts).value();
}

const report::PullRequestFact& numbered(const std::vector<report::PullRequestFact>& facts,
                                        int64_t number) {
  for (const auto& f : facts)
    if (f.number == number) return f;
  FAIL("no pull request " << number);
  return facts.front();
}

}  // namespace

TEST_CASE("GitHub webhooks: signed, replay-safe, bad bodies refused, pull requests read back",
          "[collector][server][webhooks][github]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(store, dir);
  CollectorFixture c(dir / "collector");
  const std::string secret = "github-s3cret-0123456789";
  start_with_secret(c, dir, store, "--github-secret-file", secret);
  auto send = [&](const std::string& event, const std::string& delivery, const std::string& body,
                  const std::string& key) {
    return post_webhook(c, "/v1/webhooks/github",
                        {"X-GitHub-Event: " + event, "X-GitHub-Delivery: " + delivery,
                         "X-Hub-Signature-256: " + collector::hub_signature(key, body)},
                        body);
  };
  const std::string push = fixture("github", "push.json");

  // The signature is checked first: nothing is stored without it.
  auto unsigned_push = post_webhook(c, "/v1/webhooks/github",
                                    {"X-GitHub-Event: push", "X-GitHub-Delivery: d-0"}, push);
  CHECK(unsigned_push.status == 401);
  CHECK(unsigned_push.has("X-Hub-Signature-256"));
  CHECK(send("push", "d-0", push, secret + "x").status == 401);
  CHECK(post_webhook(c, "/v1/webhooks/github",
                     {"X-GitHub-Event: push", "X-GitHub-Delivery: d-0",
                      "X-Hub-Signature-256: " + collector::hub_signature(secret, push + " ")},
                     push)
            .status == 401);
  CHECK(webhook_rows(c.db()) == "0/0/0/0");

  auto ping = send("ping", "d-ping", "{\"zen\": \"Design for failure.\", \"hook_id\": 1}", secret);
  CHECK(ping.status == 200);
  CHECK(ping.has("\"ignored\":true"));

  auto pushed = send("push", "d-1", push, secret);
  REQUIRE(pushed.status == 200);
  CHECK(pushed.has("\"duplicate\":false"));
  CHECK(pushed.has("\"commits_new\":1"));
  // GitHub's "Redeliver": the same delivery id; nothing changes.
  auto again = send("push", "d-1", push, secret);
  CHECK(again.status == 200);
  CHECK(again.has("\"duplicate\":true"));
  CHECK(webhook_rows(c.db()) == "1/1/0/0");

  // The pull request's life, the merge first: order does not matter.
  std::string opened = fixture("github", "pull_request_closed.json");
  auto set = [&opened](const std::string& from, const std::string& to) {
    const auto at = opened.find(from);
    REQUIRE(at != std::string::npos);
    opened.replace(at, from.size(), to);
  };
  CHECK(send("pull_request", "d-2", opened, secret).has("\"pull_request\":42"));
  set("\"action\": \"closed\"", "\"action\": \"opened\"");
  set("\"updated_at\": \"2026-01-02T09:00:00Z\"", "\"updated_at\": \"2026-01-01T10:30:00Z\"");
  set("\"closed_at\": \"2026-01-02T09:00:00Z\"", "\"closed_at\": null");
  set("\"merged_at\": \"2026-01-02T09:00:00Z\"", "\"merged_at\": null");
  set("\"merged\": true", "\"merged\": false");
  CHECK(send("pull_request", "d-3", opened, secret).status == 200);
  auto reviewed =
      send("pull_request_review", "d-4", fixture("github", "pull_request_review.json"), secret);
  CHECK(reviewed.status == 200);
  CHECK(reviewed.has("\"reviews_new\":1"));

  // Events and actions codepulse does not read: acknowledged, not stored.
  auto issues = send("issues", "d-5", "{\"action\": \"opened\", \"issue\": {}}", secret);
  CHECK(issues.status == 200);
  CHECK(issues.has("\"ignored\":true"));
  std::string labeled = opened;
  labeled.replace(labeled.find("\"opened\""), 8, "\"labeled\"");
  CHECK(send("pull_request", "d-6", labeled, secret).has("\"ignored\":true"));

  // Bad bodies: the reason, and nothing stored.
  auto bad = send("push", "d-7", "{\"ref\": ", secret);
  CHECK(bad.status == 400);
  CHECK(bad.has("bad GitHub webhook: the body is not JSON"));
  std::string no_sha = push;
  no_sha.replace(no_sha.find("\"id\": \"0d1a"), 11, "\"id\": \"nope");
  auto bad_sha = send("push", "d-8", no_sha, secret);
  CHECK(bad_sha.status == 400);
  CHECK(bad_sha.has("a commit's id is not a 40-digit SHA"));
  CHECK(send("push", "d-9", std::string(2 << 20, ' '), secret).status == 413);
  TlsClient getter(c.port(), c.ca());
  REQUIRE(getter.send(http_request("GET", "/v1/webhooks/github", {}, "")));
  CHECK(status_of(getter.read_response(10000)) == 405);
  CHECK(webhook_rows(c.db()) == "4/1/1/1");
  // No message, title or body: not in any file of the store (the WAL too)
  // nor any row. The control: the canary as a branch (of another repository),
  // which is kept, is found.
  CHECK(store_contents(c.db()).find("CANARY-GITHUB") == std::string::npos);
  const std::string control = replaced(
      replaced(push, "feature/PROJ-7-saved-cards", "CANARY-GITHUB-BRANCH"), "Acme/API", "Acme/X");
  CHECK(send("push", "d-control", control, secret).status == 200);
  CHECK(store_contents(c.db()).find("CANARY-GITHUB-BRANCH") != std::string::npos);
  c.stop();

  const auto facts = pull_requests(c.db());
  REQUIRE(facts.size() == 1);
  const report::PullRequestFact& pr = facts.front();
  CHECK(pr.repo == "github.com/acme/api");
  CHECK(pr.number == 42);
  CHECK(pr.author == "github:dana");
  CHECK(pr.author_email == "dana@acme.example");
  CHECK(pr.task_keys == "PROJ-7");
  CHECK(pr.state == State::kMerged);
  CHECK(pr.opened_ms == 1767263400000);        // 2026-01-01T10:30Z
  CHECK(pr.ready_ms == 1767263400000);         // never a draft
  CHECK(pr.first_review_ms == 1767282300000);  // rob, 15:45
  CHECK(pr.merged_ms == 1767344400000);        // 2026-01-02T09:00Z
  CHECK(pr.first_commit_ms == 1767261600000);  // the pushed commit, 10:00
  CHECK(pr.commit_shas == std::vector<std::string>{"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
                                                   "e5bd3914e2e596debea16f433f57875b5b90bcd6"});

  // Without a secret file the endpoint is off, and says how to turn it on.
  c.start();
  auto off = send("push", "d-10", push, secret);
  CHECK(off.status == 404);
  CHECK(off.has("github_secret_file"));
  c.stop();
}

TEST_CASE("Bitbucket webhooks: signed, replay-safe, bad bodies refused, pull requests read back",
          "[collector][server][webhooks][bitbucket]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(store, dir);
  CollectorFixture c(dir / "collector");
  const std::string secret = "bitbucket-s3cret-0123456789";
  start_with_secret(c, dir, store, "--bitbucket-secret-file", secret);
  const std::string hook = "X-Hook-UUID: {7f3c2a1b-0d4e-4f5a-9b8c-1d2e3f4a5b6c}";
  auto send = [&](const std::string& key, const std::string& request, const std::string& body) {
    std::vector<std::string> headers = {
        "X-Event-Key: " + key, hook, "X-Attempt-Number: 1",
        "X-Hub-Signature: " + collector::hub_signature(secret, body)};
    if (!request.empty()) headers.push_back("X-Request-UUID: " + request);
    return post_webhook(c, "/v1/webhooks/bitbucket", headers, body);
  };
  const std::string push = fixture("bitbucket", "repo_push.json");

  auto forged =
      post_webhook(c, "/v1/webhooks/bitbucket",
                   {"X-Event-Key: repo:push", "X-Request-UUID: r-0",
                    "X-Hub-Signature: " + collector::hub_signature("not-the-secret", push)},
                   push);
  CHECK(forged.status == 401);
  CHECK(forged.has("X-Hub-Signature"));
  const std::string sha1 = "sha1=" + collector::hub_signature(secret, push).substr(7, 40);
  CHECK(post_webhook(c, "/v1/webhooks/bitbucket",
                     {"X-Event-Key: repo:push", "X-Request-UUID: r-0", "X-Hub-Signature: " + sha1},
                     push)
            .status == 401);
  CHECK(webhook_rows(c.db()) == "0/0/0/0");

  auto pushed = send("repo:push", "r-1", push);
  REQUIRE(pushed.status == 200);
  CHECK(pushed.has("\"commits_new\":2"));
  CHECK(send("repo:push", "r-1", push).has("\"duplicate\":true"));  // a retried attempt
  // In an order Bitbucket may well use: the approval before the update.
  for (const auto& [key, request, file] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"pullrequest:created", "r-2", "pullrequest_created.json"},
           {"pullrequest:approved", "r-3", "pullrequest_approved.json"},
           {"pullrequest:changes_request_created", "r-4",
            "pullrequest_changes_request_created.json"},
           {"pullrequest:updated", "r-5", "pullrequest_updated.json"},
           {"pullrequest:fulfilled", "r-6", "pullrequest_fulfilled.json"},
           {"pullrequest:rejected", "r-7", "pullrequest_rejected.json"}}) {
    auto r = send(key, request, fixture("bitbucket", file));
    INFO(key << ": " << r.body);
    CHECK(r.status == 200);
    CHECK(r.has("\"duplicate\":false"));
  }
  // Without X-Request-UUID the hook and the body name the delivery.
  const std::string approved = fixture("bitbucket", "pullrequest_approved.json");
  CHECK(send("pullrequest:unapproved", "", approved).has("\"duplicate\":false"));
  CHECK(send("pullrequest:unapproved", "", approved).has("\"duplicate\":true"));
  const std::string rows = webhook_rows(c.db());
  CHECK(rows == "8/2/2/2");  // the unapproval repeats the approval's user and date

  auto comment = send("pullrequest:comment_created", "r-8",
                      fixture("bitbucket", "pullrequest_comment_created.json"));
  CHECK(comment.status == 200);
  CHECK(comment.has("\"ignored\":true"));
  auto bad = send("pullrequest:created", "r-9", "{\"pullrequest\": [");
  CHECK(bad.status == 400);
  CHECK(bad.has("bad Bitbucket webhook: the body is not JSON"));
  std::string no_state = fixture("bitbucket", "pullrequest_created.json");
  no_state.replace(no_state.find("\"OPEN\""), 6, "\"LIMBO\"");
  auto bad_state = send("pullrequest:created", "r-10", no_state);
  CHECK(bad_state.status == 400);
  CHECK(bad_state.has("pullrequest.state"));
  CHECK(send("repo:push", "r-11", std::string((1 << 20) + 1, ' ')).status == 413);
  CHECK(webhook_rows(c.db()) == rows);

  // No message: not in any file of the store (the WAL too) nor any row. The
  // control: the canary as a branch (of another repository), which is kept, is found.
  CHECK(store_contents(c.db()).find("CANARY-BITBUCKET") == std::string::npos);
  const std::string control =
      replaced(replaced(push, "feature/PAY-12-refunds", "CANARY-BITBUCKET-BRANCH"), "Acme/Payments",
               "Acme/X");
  CHECK(send("repo:push", "r-control", control).status == 200);
  CHECK(store_contents(c.db()).find("CANARY-BITBUCKET-BRANCH") != std::string::npos);
  if (!store.postgres()) {
    // Another process holds the write lock longer than the collector waits
    // (5 s): 503, so Bitbucket delivers again; then it is stored once.
    auto other = sql::Database::open(c.db(), false);
    REQUIRE(other);
    REQUIRE(other->exec("BEGIN IMMEDIATE"));
    auto locked = send("repo:push", "r-12", push);
    CHECK(locked.status == 503);
    CHECK(locked.has("the event was not stored"));
    REQUIRE(other->exec("ROLLBACK"));
    auto retried = send("repo:push", "r-12", push);
    CHECK(retried.status == 200);
    CHECK(retried.has("\"duplicate\":false"));
    CHECK(retried.has("\"commits_new\":0"));  // the same commits, pushed again
  }
  c.stop();

  const auto facts = pull_requests(c.db());
  REQUIRE(facts.size() == 2);
  const report::PullRequestFact& pr = numbered(facts, 17);
  CHECK(pr.repo == "bitbucket.org/acme/payments");
  CHECK(pr.author == "bitbucket:{4c4a6b7e-1f0d-4d2a-9c3e-6a1b2c3d4e5f}");
  CHECK(pr.author_email == "dana@acme.example");
  CHECK(pr.head_branch == "feature/PAY-12-refunds");
  CHECK(pr.base_branch == "main");
  CHECK(pr.task_keys == "PAY-12,PAY-14");
  CHECK(pr.state == State::kMerged);
  CHECK(pr.opened_ms == 1767614400123);
  CHECK(pr.ready_ms == 1767614400123);
  CHECK(pr.first_review_ms == 1767624300000);  // erin's change request, before rob's approval
  CHECK(pr.merged_ms == 1767693600000);
  CHECK(pr.first_commit_ms == 1767603600000);
  CHECK(pr.head_sha == "5a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d");  // completed from the push
  CHECK(pr.merge_sha == "8e7d6c5b4a3f");
  CHECK(pr.commit_shas == std::vector<std::string>{"3f1c0ffee5a1b2c3d4e5f60718293a4b5c6d7e8f",
                                                   "5a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d",
                                                   "8e7d6c5b4a3f"});
  const report::PullRequestFact& declined = numbered(facts, 18);
  CHECK(declined.state == State::kClosed);
  CHECK(declined.closed_ms == 1767864600000);
  CHECK(declined.merged_ms == 0);
  CHECK(declined.first_commit_ms == 0);  // nothing pushed to its branch was seen
  CHECK(declined.commit_shas == std::vector<std::string>{"0123456789ab"});

  c.start();
  auto off = send("repo:push", "r-13", push);
  CHECK(off.status == 404);
  CHECK(off.has("bitbucket_secret_file"));
  c.stop();
}
