// Commits bound to their author (issue 22), in both collector stores: a
// tracker's commit naming someone else is refused alone, a copy from the
// commit's author outranks its committer's, a signed push's author and time
// win over a tracker's (and drop a copy that contradicts them), the stored
// commit says where its facts came from, and tracker line counts are capped.
#include <catch2/catch.hpp>

#include "collector/store/commit_trust.hpp"
#include "collector/store/store.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::TempDir;

namespace {

constexpr const char* kAttacker = "mallory@acme.example";
constexpr const char* kVictim = "bob@acme.example";
constexpr int64_t kT0 = 1'770'912'000'000;  // 2026-02-12T16:00:00Z
constexpr const char* kRepo = "github.com/acme/api";
const std::string kSha(40, 'b');

CommitRecord commit_by(const std::string& author, const std::string& committer, int64_t lines) {
  CommitRecord c;
  c.repo = kRepo;
  c.sha = kSha;
  c.author_email = author;
  c.committer_email = committer;
  c.author_ms = kT0 - 60'000;
  c.committer_ms = kT0;
  c.branch = "main";
  c.files = {{"src/main.cpp", lines, 1, false}};
  return c;
}

proto::DecodedBatch batch(const std::string& batch_id, const std::vector<CommitRecord>& commits) {
  proto::BatchHeader h;
  h.tracker_version = "0.2.0";
  h.device_id = "device-" + batch_id;
  h.batch_id = batch_id;
  h.created_ms = kT0;
  auto d = proto::decode_json(proto::encode_json(h, {}, commits), {});
  REQUIRE(d);
  return std::move(d).value();
}

IngestResult ingest(Store& store, const std::string& author, const proto::DecodedBatch& b) {
  auto r = store.ingest(author, b);
  REQUIRE(r);
  return std::move(r).value();
}

std::unique_ptr<Store> opened(const std::string& db) {
  auto store = open_store(db);
  REQUIRE(store);
  return std::move(store).value();
}

// author_email|ai_coauthor|lines_added|sent_by|source|trust of the stored copy.
std::string stored(const std::string& db) {
  return test::db_text(db,
                       "SELECT author_email || '|' || ai_coauthor || '|' || lines_added || '|' ||"
                       " sent_by || '|' || source || '|' || trust FROM commits WHERE sha = '" +
                           kSha + "'");
}

// How many copies of the commit the store holds ("0" or "1").
std::string copies(const std::string& db) {
  return test::db_text(db, "SELECT count(*) FROM commits WHERE sha = '" + kSha + "'");
}

WebhookDelivery push_of(const std::string& id, const std::string& author_email, int64_t time_ms) {
  WebhookDelivery d;
  d.source = "github";
  d.delivery_id = id;
  d.received_ms = kT0;
  d.event.kind = WebhookEvent::kPush;
  d.event.event = "push";
  d.event.repo = kRepo;
  d.event.pusher = "github:bob";
  d.event.commits = {{"main", kSha, time_ms, author_email}};
  return d;
}

}  // namespace

TEST_CASE("a forged commit naming another developer is refused, the real one stored",
          "[collector][commits][identity]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  // Mallory's tracker sends Bob's sha with a billion lines and an AI flag,
  // beside a commit of her own.
  CommitRecord forged = commit_by(kVictim, kVictim, 1'000'000'000);
  forged.ai_coauthor = true;
  CommitRecord own = commit_by(kAttacker, kAttacker, 3);
  own.sha = std::string(40, 'a');
  const auto attack = ingest(*store, kAttacker, batch("evil", {forged, own}));
  CHECK(attack.commits_new == 1);
  CHECK(attack.commits_rejected == 1);
  REQUIRE(attack.commit_rejections.size() == 1);
  CHECK(attack.commit_rejections[0].index == 0);
  CHECK(attack.commit_rejections[0].sha == kSha);
  CHECK(attack.commit_rejections[0].reason.find("neither its author nor its committer") !=
        std::string::npos);
  CHECK(copies(target.db) == "0");

  // Bob's real commit arrives from Bob's tracker: stored, not a duplicate.
  const auto real = ingest(*store, kVictim, batch("real", {commit_by(kVictim, kVictim, 12)}));
  CHECK(real.commits_new == 1);
  CHECK(real.commits_duplicate == 0);
  CHECK(stored(target.db) ==
        std::string(kVictim) + "|0|12|" + kVictim + "|tracker:" + kVictim + "|2");

  // The same forgery sent again, now that the real commit is stored, still
  // changes nothing; the refusal is kept with the batch's outcome.
  const auto again = ingest(*store, kAttacker, batch("evil2", {forged}));
  CHECK(again.commits_rejected == 1);
  CHECK(stored(target.db) ==
        std::string(kVictim) + "|0|12|" + kVictim + "|tracker:" + kVictim + "|2");
  const auto resent = ingest(*store, kAttacker, batch("evil", {forged, own}));
  CHECK(resent.batch_seen_before);
  REQUIRE(resent.commit_rejections.size() == 1);
  CHECK(resent.commit_rejections[0].reason == attack.commit_rejections[0].reason);
}

TEST_CASE("a commit under an alias the directory maps to the token's author is the author's own",
          "[collector][commits][identity][people]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  // Bob's token is bob@acme.example; he also commits from a laptop whose git
  // says Bob@Home.example, and as bob+ci@acme.example.
  const std::string home = "Bob@Home.example";
  CommitRecord from_home = commit_by(home, home, 4);
  const auto before = ingest(*store, kVictim, batch("before", {from_home}));
  CHECK(before.commits_rejected == 1);
  CHECK(copies(target.db) == "0");

  REQUIRE(store->edit_people([](PeopleRows& d) -> Status {
    PersonRow bob;
    bob.display_name = "Bob";
    bob.email = "bob@acme.example";
    bob.aliases = {"bob@home.example", "bob+ci@acme.example"};
    PersonRow eve;
    eve.display_name = "Eve";
    eve.email = "eve@acme.example";
    eve.aliases = {"eve@home.example"};
    for (PersonRow p : {bob, eve})
      if (auto id = upsert_person(d, std::move(p)); !id) return id.error();
    return {};
  }));
  // The alias is Bob's: his own commit, kept at author trust.
  const auto after = ingest(*store, kVictim, batch("after", {from_home}));
  CHECK(after.commits_new == 1);
  CHECK(after.commits_rejected == 0);
  CHECK(stored(target.db) == home + "|0|4|" + kVictim + "|tracker:" + kVictim + "|2");

  // A token whose author is itself an alias gets the primary email and the
  // other aliases too; another person's alias stays someone else's.
  CommitRecord ci = commit_by(kVictim, "bob+ci@acme.example", 2);
  ci.sha = std::string(40, 'c');
  CommitRecord eves = commit_by("eve@home.example", "eve@home.example", 2);
  eves.sha = std::string(40, 'd');
  const auto as_alias = ingest(*store, "BOB+CI@acme.example", batch("alias", {ci, eves}));
  CHECK(as_alias.commits_new == 1);
  CHECK(as_alias.commits_rejected == 1);
  REQUIRE(as_alias.commit_rejections.size() == 1);
  CHECK(as_alias.commit_rejections[0].sha == eves.sha);
  CHECK(as_alias.commit_rejections[0].reason.find("neither its author nor its committer") !=
        std::string::npos);
  CHECK(test::db_text(target.db, "SELECT trust FROM commits WHERE sha = '" + ci.sha + "'") == "2");
}

TEST_CASE("the author's copy of a commit outranks its committer's, whatever the order",
          "[collector][commits][identity]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  // Mallory committed Bob's patch (git am): her tracker may send it, as the
  // committer, but cannot make it hers, and Bob's copy replaces hers.
  CommitRecord committed = commit_by(kVictim, kAttacker, 1'000'000'000);
  committed.ai_coauthor = true;
  const auto first = ingest(*store, kAttacker, batch("m1", {committed}));
  CHECK(first.commits_new == 1);
  // Tracker line counts are capped: a billion lines count as the cap.
  CHECK(stored(target.db) == std::string(kVictim) + "|1|" + std::to_string(kMaxTrackerCommitLines) +
                                 "|" + kAttacker + "|tracker:" + kAttacker + "|1");
  CHECK(test::db_text(target.db, "SELECT added FROM commit_files WHERE sha = '" + kSha + "'") ==
        std::to_string(kMaxTrackerCommitLines));

  const auto by_author = ingest(*store, kVictim, batch("b1", {commit_by(kVictim, kAttacker, 12)}));
  CHECK(by_author.commits_new == 1);
  CHECK(stored(target.db) ==
        std::string(kVictim) + "|0|12|" + kVictim + "|tracker:" + kVictim + "|2");
  CHECK(test::db_text(target.db, "SELECT count(*) FROM commit_files WHERE sha = '" + kSha + "'") ==
        "1");
  CHECK(test::db_text(target.db, "SELECT added FROM commit_files WHERE sha = '" + kSha + "'") ==
        "12");

  // The committer's copy sent again is a duplicate now.
  const auto later = ingest(*store, kAttacker, batch("m2", {committed}));
  CHECK(later.commits_duplicate == 1);
  CHECK(stored(target.db) ==
        std::string(kVictim) + "|0|12|" + kVictim + "|tracker:" + kVictim + "|2");
}

TEST_CASE("a signed push's author and time win over a tracker's copy",
          "[collector][commits][identity][webhooks]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);

  SECTION("a push after a lying tracker drops its copy; the author's copy is then stored") {
    // Mallory claims Bob's sha as her own commit (author and committer).
    const auto lie = ingest(*store, kAttacker, batch("m1", {commit_by(kAttacker, kAttacker, 99)}));
    CHECK(lie.commits_new == 1);
    // GitHub's signed push says Bob wrote it: her copy goes.
    auto applied = store->apply_webhook(push_of("d-1", kVictim, kT0 - 30'000));
    REQUIRE(applied);
    CHECK(copies(target.db) == "0");
    CHECK(test::db_text(target.db, "SELECT count(*) FROM commit_files") == "0");
    // Her copy cannot come back; Bob's goes in with the push's facts.
    CHECK(ingest(*store, kAttacker, batch("m2", {commit_by(kAttacker, kAttacker, 99)}))
              .commits_rejected == 1);
    CHECK(ingest(*store, kVictim, batch("b1", {commit_by(kVictim, kVictim, 12)})).commits_new == 1);
    CHECK(stored(target.db) == std::string(kVictim) + "|0|12|" + kVictim + "|github|2");
    CHECK(test::db_text(target.db, "SELECT author_ms FROM commits") ==
          std::to_string(kT0 - 30'000));
  }

  SECTION("a push agreeing with the stored copy gives it the push's time and source") {
    ingest(*store, kVictim, batch("b1", {commit_by("Bob@Acme.example", kVictim, 12)}));
    REQUIRE(store->apply_webhook(push_of("d-1", kVictim, kT0 - 30'000)));
    CHECK(stored(target.db) == std::string(kVictim) + "|0|12|" + kVictim + "|github|2");
    CHECK(test::db_text(target.db, "SELECT author_ms FROM commits") ==
          std::to_string(kT0 - 30'000));
    auto facts = store->load_commits(kT0 - 1, kT0 + 1);
    REQUIRE(facts);
    REQUIRE(facts->commits.size() == 1);
    CHECK(facts->commits[0].author_email == kVictim);
    CHECK(facts->commits[0].author_ms == kT0 - 30'000);
  }

  SECTION("after a push, a committer's copy gives way to the pushed author's") {
    REQUIRE(store->apply_webhook(push_of("d-1", kVictim, kT0 - 30'000)));
    CHECK(ingest(*store, kAttacker, batch("m1", {commit_by(kVictim, kAttacker, 50)})).commits_new ==
          1);
    CHECK(stored(target.db) == std::string(kVictim) + "|0|50|" + kAttacker + "|github|1");
    CHECK(ingest(*store, kVictim, batch("b1", {commit_by(kVictim, kAttacker, 12)})).commits_new ==
          1);
    CHECK(stored(target.db) == std::string(kVictim) + "|0|12|" + kVictim + "|github|2");
  }
}

TEST_CASE("commit trust: identities, decisions and the line cap",
          "[collector][commits][identity]") {
  const Identities bob = identities_of(kVictim);
  CHECK(bob.has(" BOB@acme.example"));
  CHECK_FALSE(bob.has(""));
  CHECK_FALSE(bob.has(kAttacker));
  const Identities both({kVictim, "bob@home.example"});  // aliases, once a directory maps them
  CHECK(both.has("bob@home.example"));

  CommitRecord c = commit_by(kVictim, kAttacker, 1);
  CHECK(decide_commit(c, bob, std::nullopt, std::nullopt).trust == CommitTrust::kAuthor);
  CHECK(decide_commit(c, identities_of(kAttacker), std::nullopt, std::nullopt).trust ==
        CommitTrust::kCommitter);
  CHECK(decide_commit(c, identities_of("eve@acme.example"), std::nullopt, std::nullopt).kind ==
        CommitDecision::kRefuse);
  // A copy stored before identity binding gives way to any permitted copy.
  CHECK(decide_commit(c, identities_of(kAttacker),
                      StoredCopy{"x@acme.example", CommitTrust::kLegacy}, std::nullopt)
            .kind == CommitDecision::kReplace);
  // A push naming the author's alias: the stored copy from the author's own
  // token keeps author trust when its sender's directory emails hold the
  // alias, and is a committer's copy at best when they do not.
  CommitRecord aliased = commit_by("bob@home.example", kAttacker, 1);
  const PushedAuthor push{"bob@home.example", kT0, "github"};
  const StoredCopy bobs{kVictim, CommitTrust::kAuthor};
  const Identities bob_home = identities_of(kVictim, {"bob@home.example"});
  CHECK(decide_commit(aliased, bob_home, bobs, push, &bob_home).kind == CommitDecision::kDuplicate);
  CHECK(decide_commit(aliased, bob_home, bobs, push).kind == CommitDecision::kReplace);
  CHECK(directory_key(" Bob@ACME.example ") == "bob@acme.example");

  CommitRecord big = c;
  big.files = {{"a", 900'000, 0, false}, {"b", 900'000, INT64_MAX, false}, {"c", 5, 5, false}};
  big.reworked = {{std::string(40, 'c'), "a", INT64_MAX}};
  const CommitRecord capped = capped_commit(big);
  CHECK(capped.files[0].added == 900'000);
  CHECK(capped.files[1].added == kMaxTrackerCommitLines - 900'000);
  CHECK(capped.files[1].removed == kMaxTrackerCommitLines);
  CHECK(capped.files[2].added == 0);
  CHECK(capped.files[2].removed == 0);
  CHECK(capped.reworked[0].lines == kMaxTrackerCommitLines);
}
