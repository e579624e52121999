// The commits trackers ship, in both collector stores: stored beside the
// records in the batch's transaction, once per (repo, sha) whoever sends
// them, counted in a resent batch's stored outcome, and read back by
// load_commits with the rework of each commit joined to the commit that
// reworked it.
#include <catch2/catch.hpp>

#include "collector/store/postgres/pg_schema.hpp"
#include "collector/store/sqlite/sqlite_schema.hpp"
#include "collector/store/store.hpp"
#include "common/hashing.hpp"
#include "common/sqlite.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::TempDir;

namespace {

constexpr const char* kDev = "dev@acme.example";
constexpr const char* kMate = "mate@acme.example";
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kT0 = 1'770'912'000'000;  // 2026-02-12T16:00:00Z
constexpr const char* kRepo = "github.com/acme/api";

std::string sha_of(char digit) {
  return std::string(40, digit);
}

CommitRecord commit(char digit, int64_t committer_ms) {
  CommitRecord c;
  c.repo = kRepo;
  c.sha = sha_of(digit);
  c.parents = {sha_of('0')};
  c.author_email = "dev@acme.example";
  c.committer_email = "ci@acme.example";
  c.author_ms = committer_ms - 60'000;
  c.committer_ms = committer_ms;
  c.branch = "feature/PROJ-7";
  c.task_keys = "PROJ-7";
  c.files = {{"src/main.cpp", 10, 2, false}, {"docs/logo.png", 0, 0, true}};
  return c;
}

proto::WireRecord usage(const std::string& uid) {
  proto::WireRecord w;
  w.record_uid = uid;
  w.usage.message_id = "msg_" + uid;
  w.usage.request_id = "req_" + uid;
  w.usage.timestamp_ms = kT0;
  w.usage.session_id = "session-1";
  w.usage.model = "claude-opus-4-6";
  w.usage.input = 100;
  w.usage.output = 20;
  w.usage.repo = kRepo;
  return w;
}

std::string batch_json(const std::string& batch_id, const std::vector<proto::WireRecord>& records,
                       const std::vector<CommitRecord>& commits,
                       const std::string& device_id = "device-of-dev") {
  proto::BatchHeader h;
  h.tracker_version = "0.2.0";
  h.device_id = device_id;
  h.author = "payload@evil.example";  // never stored: the token names the sender
  h.batch_id = batch_id;
  h.record_count = static_cast<int64_t>(records.size());
  h.created_ms = kT0;
  return proto::encode_json(h, records, commits);
}

proto::DecodedBatch decoded(const std::string& json) {
  auto d = proto::decode_json(json, {});
  REQUIRE(d);
  return std::move(d).value();
}

proto::DecodedBatch batch(const std::string& batch_id,
                          const std::vector<proto::WireRecord>& records,
                          const std::vector<CommitRecord>& commits,
                          const std::string& device_id = "device-of-dev") {
  return decoded(batch_json(batch_id, records, commits, device_id));
}

std::unique_ptr<Store> opened(const std::string& db) {
  auto store = open_store(db);
  INFO(db);
  REQUIRE(store);
  return std::move(store).value();
}

IngestResult ingest(Store& store, const proto::DecodedBatch& b, const std::string& author = kDev) {
  auto r = store.ingest(author, b);
  REQUIRE(r);
  return std::move(r).value();
}

std::string count(const std::string& db, const std::string& table) {
  return test::db_text(db, "SELECT count(*) FROM " + table);
}

// A batch whose commit at `index` has a sha no decoder accepts.
proto::DecodedBatch with_bad_commit(const std::string& batch_id,
                                    const std::vector<CommitRecord>& commits, size_t index) {
  std::string json = batch_json(batch_id, {usage("u1")}, commits);
  const std::string sha = "\"sha\":\"" + commits[index].sha + "\"";
  json.replace(json.find(sha), sha.size(), "\"sha\":\"not-a-sha\"");
  auto b = decoded(json);
  REQUIRE(b.rejected_commits.size() == 1);
  return b;
}

}  // namespace

TEST_CASE("commits are stored beside the records, with who sent them", "[collector][commits]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string& db = target.db;
  auto store = opened(db);
  CommitRecord a = commit('a', kT0);
  a.parents = {sha_of('1'), sha_of('2')};  // a merge
  a.ai_coauthor = true;
  CommitRecord b = commit('b', kT0 + kHour);
  b.reworked = {{a.sha, "src/main.cpp", 4}, {sha_of('9'), "old.cpp", 1}};
  const auto r = ingest(*store, batch("b1", {usage("u1"), usage("u2")}, {a, b}));
  CHECK(r.records_new == 2);
  CHECK(r.commits_new == 2);
  CHECK(r.commits_duplicate == 0);
  CHECK(r.commits_rejected == 0);
  CHECK(r.commit_rejections.empty());
  CHECK(*store->record_count() == 2);

  const std::string where =
      " FROM commits WHERE repo = '" + std::string(kRepo) + "' AND sha = '" + a.sha + "'";
  CHECK(test::db_text(db, "SELECT sent_by || '|' || device_id" + where) ==
        std::string(kDev) + "|device-of-dev");
  CHECK(test::db_text(db, "SELECT parents" + where) == sha_of('1') + " " + sha_of('2'));
  CHECK(test::db_text(db,
                      "SELECT author_email || '|' || committer_email || '|' || author_ms ||"
                      " '|' || committer_ms || '|' || branch || '|' || task_keys || '|' ||"
                      " ai_coauthor || '|' || lines_added || '|' || lines_removed" +
                          where) == "dev@acme.example|ci@acme.example|" +
                                        std::to_string(kT0 - 60'000) + "|" + std::to_string(kT0) +
                                        "|feature/PROJ-7|PROJ-7|1|10|2");
  CHECK(test::db_text(db, "SELECT CASE WHEN received_ms > 0 THEN 'yes' END" + where) == "yes");
  CHECK(count(db, "commit_files") == "4");
  CHECK(test::db_text(db,
                      "SELECT path || '|' || added || '|' || removed || '|' || is_binary"
                      " FROM commit_files WHERE sha = '" +
                          a.sha + "' AND idx = 1") == "docs/logo.png|0|0|1");
  CHECK(count(db, "commit_reworks") == "2");
  CHECK(test::db_text(db,
                      "SELECT sha || '|' || path || '|' || lines FROM commit_reworks"
                      " WHERE original_sha = '" +
                          a.sha + "'") == b.sha + "|src/main.cpp|4");
  CHECK(test::db_text(db, "SELECT commit_count || '|' || commits_new FROM collector_batches") ==
        "2|2");
}

TEST_CASE("a commit sent again is a duplicate and changes nothing, a teammate's copy is refused",
          "[collector][commits]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string& db = target.db;
  auto store = opened(db);
  const CommitRecord a = commit('a', kT0);
  CHECK(ingest(*store, batch("b1", {}, {a})).commits_new == 1);

  // A teammate's tracker read the same commit on another branch: not its
  // author's commit, so refused (commit_identity_test.cpp has the rules).
  CommitRecord again = a;
  again.branch = "main";
  again.files.push_back({"src/extra.cpp", 1, 0, false});
  const auto mate = ingest(*store, batch("m1", {}, {again}, "device-of-mate"), kMate);
  CHECK(mate.commits_new == 0);
  CHECK(mate.commits_duplicate == 0);
  CHECK(mate.commits_rejected == 1);
  CHECK(test::db_text(db, "SELECT sent_by || '|' || device_id || '|' || branch FROM commits") ==
        std::string(kDev) + "|device-of-dev|feature/PROJ-7");
  CHECK(count(db, "commit_files") == "2");
  // The same tracker again, on another branch: a duplicate.
  const auto resent = ingest(*store, batch("b1-again", {}, {again}));
  CHECK(resent.commits_duplicate == 1);
  CHECK(count(db, "commit_files") == "2");

  // The same commit twice in one batch, beside a new one.
  const CommitRecord b = commit('b', kT0 + kHour);
  const auto twice = ingest(*store, batch("b2", {}, {b, a, b}));
  CHECK(twice.commits_new == 1);
  CHECK(twice.commits_duplicate == 2);
  CHECK(count(db, "commits") == "2");
  CHECK(count(db, "commit_files") == "4");
}

TEST_CASE("a bad commit is rejected alone, a resent batch gets the stored outcome",
          "[collector][commits]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string& db = target.db;
  auto store = opened(db);
  CommitRecord no_repo = commit('d', kT0);
  no_repo.repo = "";  // past a decoder (built by hand): the store rejects it too
  auto b = with_bad_commit("b1", {commit('a', kT0), commit('b', kT0), commit('c', kT0)}, 1);
  b.commits.push_back(no_repo);
  const auto first = ingest(*store, b);
  CHECK(first.records_new == 1);
  CHECK(first.commits_new == 2);
  CHECK(first.commits_rejected == 2);
  REQUIRE(first.commit_rejections.size() == 2);
  CHECK(first.commit_rejections[0].index == 1);
  CHECK(first.commit_rejections[0].reason.find("field 'sha'") != std::string::npos);
  CHECK(first.commit_rejections[1].index == 3);
  CHECK(first.commit_rejections[1].sha == no_repo.sha);
  CHECK(first.commit_rejections[1].reason == "field 'repo' must not be empty");
  CHECK(test::db_text(db,
                      "SELECT min(substr(sha, 1, 1)) || max(substr(sha, 1, 1)) || count(*)"
                      " FROM commits") == "ac2");

  auto check_resent = [&](Store& s) {
    const auto again = ingest(s, b);
    CHECK(again.batch_seen_before);
    CHECK(again.records_new == 1);
    CHECK(again.commits_new == 2);
    CHECK(again.commits_duplicate == 0);
    CHECK(again.commits_rejected == 2);
    REQUIRE(again.commit_rejections.size() == 2);
    for (size_t i = 0; i < 2; ++i) {
      CHECK(again.commit_rejections[i].index == first.commit_rejections[i].index);
      CHECK(again.commit_rejections[i].sha == first.commit_rejections[i].sha);
      CHECK(again.commit_rejections[i].reason == first.commit_rejections[i].reason);
    }
  };
  check_resent(*store);
  store.reset();
  store = opened(db);  // also from the database alone
  check_resent(*store);
  CHECK(count(db, "commits") == "2");
  CHECK(count(db, "collector_batches") == "1");
}

TEST_CASE("a batch failing midway stores none of its commits or records",
          "[collector][commits][faults]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string& db = target.db;
  auto store = opened(db);
  // The store fails on the second commit's files, after the first commit and
  // the records went in.
  if (target.postgres())
    test::db_exec(db, R"sql(
      CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.path = 'boom.cpp' THEN RAISE EXCEPTION 'the disk refused boom.cpp'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_boom BEFORE INSERT ON commit_files
        FOR EACH ROW EXECUTE FUNCTION refuse_boom();)sql");
  else
    test::db_exec(db, R"sql(
      CREATE TRIGGER refuse_boom BEFORE INSERT ON commit_files WHEN NEW.path = 'boom.cpp'
      BEGIN SELECT RAISE(ABORT, 'the disk refused boom.cpp'); END;)sql");
  CommitRecord bad = commit('b', kT0);
  bad.files.push_back({"boom.cpp", 1, 1, false});
  const auto failing = batch("f1", {usage("u1"), usage("u2")}, {commit('a', kT0), bad});
  const auto good = batch("g1", {usage("u3")}, {commit('c', kT0)});

  const auto results = store->ingest_many({{kDev, &good}, {kDev, &failing}});
  REQUIRE(results.size() == 2);
  REQUIRE(results[0]);
  CHECK(results[0]->commits_new == 1);
  REQUIRE_FALSE(results[1]);
  CHECK(results[1].error().message.find("boom.cpp") != std::string::npos);
  CHECK(count(db, "commits") == "1");
  CHECK(count(db, "commit_files") == "2");
  CHECK(*store->record_count() == 1);
  CHECK(test::db_text(db, "SELECT min(batch_id) || count(*) FROM collector_batches") == "g11");

  // Once the fault is gone the same batch goes in whole, as new.
  test::db_exec(
      db, "DROP TRIGGER refuse_boom" + std::string(target.postgres() ? " ON commit_files" : ""));
  const auto stored = ingest(*store, failing);
  CHECK_FALSE(stored.batch_seen_before);
  CHECK(stored.records_new == 2);
  CHECK(stored.commits_new == 2);
  CHECK(count(db, "commits") == "3");
  CHECK(count(db, "commit_files") == "7");
}

TEST_CASE("load_commits reads a range with its files, reworked lines and their rework",
          "[collector][commits]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  // C before the range; A and D in it (D at A's time: by sha); B after it.
  CommitRecord c = commit('c', kT0 - 2 * kHour);
  c.files = {{"old.cpp", 5, 0, false}};
  CommitRecord a = commit('a', kT0);
  a.parents = {c.sha};
  a.ai_coauthor = true;
  CommitRecord d = commit('d', kT0);
  d.files = {{"src/main.cpp", 1, 1, false}};
  d.reworked = {{a.sha, "src/main.cpp", 1}};
  CommitRecord b = commit('b', kT0 + 30 * kHour);
  b.author_email = kMate;  // the teammate's own commit
  b.reworked = {{a.sha, "src/main.cpp", 4}, {c.sha, "old.cpp", 2}, {a.sha, "docs/logo.png", 1}};
  ingest(*store, batch("b1", {}, {c, a, d}));
  ingest(*store, batch("m1", {}, {b}, "device-of-mate"), kMate);  // later, by a teammate

  auto facts = store->load_commits(kT0 - kHour, kT0 + 24 * kHour);
  REQUIRE(facts);
  REQUIRE(facts->commits.size() == 2);
  const CommitRecord& got_a = facts->commits[0];
  CHECK(got_a.sha == a.sha);
  CHECK(got_a.repo == kRepo);
  CHECK(got_a.parents == std::vector<std::string>{c.sha});
  CHECK(got_a.author_email == a.author_email);
  CHECK(got_a.committer_email == a.committer_email);
  CHECK(got_a.author_ms == a.author_ms);
  CHECK(got_a.committer_ms == kT0);
  CHECK(got_a.branch == a.branch);
  CHECK(got_a.task_keys == a.task_keys);
  CHECK(got_a.ai_coauthor);
  REQUIRE(got_a.files.size() == 2);
  CHECK(got_a.files[0].path == "src/main.cpp");
  CHECK(got_a.files[0].added == 10);
  CHECK(got_a.files[0].removed == 2);
  CHECK_FALSE(got_a.files[0].binary);
  CHECK(got_a.files[1].path == "docs/logo.png");
  CHECK(got_a.files[1].binary);
  CHECK(got_a.reworked.empty());
  const CommitRecord& got_d = facts->commits[1];
  CHECK(got_d.sha == d.sha);
  CHECK_FALSE(got_d.ai_coauthor);
  REQUIRE(got_d.reworked.size() == 1);
  CHECK(got_d.reworked[0].original_sha == a.sha);
  CHECK(got_d.reworked[0].path == "src/main.cpp");
  CHECK(got_d.reworked[0].lines == 1);

  // A's lines were reworked by D (in the range) and by B (after it); C's
  // rework is not asked for.
  const auto& rework = facts->rework_of_commits;
  REQUIRE(rework.size() == 3);
  CHECK(rework[0].original_sha == a.sha);
  CHECK(rework[0].reworking_sha == d.sha);
  CHECK(rework[0].reworking_ms == kT0);
  CHECK(rework[0].lines == 1);
  for (size_t i = 1; i < 3; ++i) {
    CHECK(rework[i].repo == kRepo);
    CHECK(rework[i].original_sha == a.sha);
    CHECK(rework[i].reworking_sha == b.sha);
    CHECK(rework[i].reworking_ms == kT0 + 30 * kHour);
  }
  CHECK(rework[1].path == "src/main.cpp");
  CHECK(rework[1].lines == 4);
  CHECK(rework[2].path == "docs/logo.png");
  CHECK(rework[2].lines == 1);

  // The range is half-open, and an empty one is empty.
  auto before = store->load_commits(kT0 - 2 * kHour, kT0);
  REQUIRE(before);
  REQUIRE(before->commits.size() == 1);
  CHECK(before->commits[0].sha == c.sha);
  REQUIRE(before->rework_of_commits.size() == 1);
  CHECK(before->rework_of_commits[0].reworking_sha == b.sha);
  CHECK(before->rework_of_commits[0].lines == 2);
  auto none = store->load_commits(kT0 + kHour, kT0 + 2 * kHour);
  REQUIRE(none);
  CHECK(none->commits.empty());
  CHECK(none->rework_of_commits.empty());
}

TEST_CASE("a schema 4 store migrates to the current schema and keeps its data",
          "[collector][commits]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string& db = target.db;
  // The previous release's schema, from its own migrations, with one record,
  // one batch and one task in it.
  // SQLite keeps the uid's lookup key beside it (migration 2).
  const std::string key_column = target.postgres() ? "" : "uid_key, ";
  const std::string key_value = target.postgres() ? "" : "codepulse_uid_key('u1'), ";
  const std::string rows =
      "INSERT INTO usage_records (" + key_column +
      R"sql(author, uid, revision, device_id, message_id, request_id, ts_ms,
      session_id, sidechain, agent_id, model, input, output, cache_create_5m, cache_create_1h,
      cache_read, web_search, fast, cost_nanos, long_context, price_version, cc_version, repo,
      branch, task_keys, turn_id, tools, received_ms) VALUES ()sql" +
      key_value +
      R"sql('dev@acme.example', 'u1', 1, 'device-of-dev', 'msg_u1', 'req_u1', 1770912000000,
      'session-1', 0, '', 'claude-opus-4-6', 100, 20, 0, 0, 0, 0, 0, NULL, 0, '', '',
      'github.com/acme/api', '', '', '', '[]', 1770912000000);
    INSERT INTO collector_batches VALUES ('dev@acme.example', 'old', 'device-of-dev', '0.1.0',
      1770912000000, 1770912000000, 1, 1, 0, 0, 0, 0);
    INSERT INTO task_epics (task_key, epic_key, updated_ms, issue_type, status, deleted)
      VALUES ('PROJ-7', 'PROJ-1', 1770912000000, 'Story', 'Done', 0);)sql";
  if (target.postgres()) {
    test::db_exec(db, std::string(pg_sql::kCreateVersionTable) + ";" + pg_sql::kMigrationTo3 +
                          pg_sql::kMigrationTo4 + rows);
  } else {
    auto raw = sql::Database::open(db);
    REQUIRE(raw);
    // What the store registers for migration 2: the uid's lookup key.
    REQUIRE(sqlite3_create_function(
                raw->handle(), "codepulse_uid_key", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                [](sqlite3_context* ctx, int, sqlite3_value** argv) {
                  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
                  sqlite3_result_int64(
                      ctx, static_cast<int64_t>(fnv1a64(std::string_view(
                               text, static_cast<size_t>(sqlite3_value_bytes(argv[0]))))));
                },
                nullptr, nullptr) == SQLITE_OK);
    for (const char* step : {sql_text::kMigration1, sql_text::kMigration2, sql_text::kMigration3,
                             sql_text::kMigration4})
      REQUIRE(raw->exec(step));
    REQUIRE(raw->exec(rows.c_str()));
    REQUIRE(test::db_text(db, "PRAGMA user_version") == "4");
  }

  auto store = opened(db);
  CHECK(test::db_text(db, target.postgres() ? "SELECT max(version) FROM codepulse_schema"
                                            : "PRAGMA user_version") == "28");
  CHECK(test::db_text(db, "SELECT count(*) FROM alert_outbox") == "0");  // schema 14
  CHECK(test::db_text(db, "SELECT count(*) FROM budgets") == "0");       // schema 16
  CHECK(*store->record_count() == 1);
  // Schema 11 fills the day totals from the records it finds (120 tokens).
  CHECK(test::db_text(db,
                      "SELECT author || ' ' || day_ms || ' ' || tokens FROM "
                      "author_day_tokens") == "dev@acme.example 1770854400000 120");
  auto epics = store->load_epics();
  REQUIRE(epics);
  CHECK(epics->at("PROJ-7") == "PROJ-1");
  // The old batch answers as before, with no commits.
  const auto old = ingest(*store, batch("old", {usage("u1")}, {}));
  CHECK(old.batch_seen_before);
  CHECK(old.records_new == 1);
  CHECK(old.commits_new + old.commits_duplicate + old.commits_rejected == 0);
  // The old record is found again; commits go in beside it.
  const auto next = ingest(*store, batch("new", {usage("u1")}, {commit('a', kT0)}));
  CHECK(next.duplicates == 1);
  CHECK(next.commits_new == 1);
  auto facts = store->load_commits(kT0, kT0 + 1);
  REQUIRE(facts);
  CHECK(facts->commits.size() == 1);
}

TEST_CASE("line provenance counts are stored per file and commit and read back",
          "[collector][commits][provenance]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string& db = target.db;
  auto store = opened(db);
  CommitRecord a = commit('a', kT0);
  a.files[0].lines_added = 9;  // src/main.cpp: 9 of its 10 added lines scored
  a.files[0].ai_lines_added = 6;
  a.on_default_branch = true;
  const CommitRecord b = commit('b', kT0 + kHour);  // an older tracker's: no counts
  CHECK(ingest(*store, batch("b1", {}, {a, b})).commits_new == 2);
  CHECK(test::db_text(db,
                      "SELECT lines_added || '|' || ai_lines_added FROM commit_files"
                      " WHERE sha = '" +
                          a.sha + "' AND idx = 0") == "9|6");
  CHECK(test::db_text(db,
                      "SELECT scored_lines_added || '|' || ai_lines_added || '|' ||"
                      " on_default_branch || '|' || lines_added FROM commits WHERE sha = '" +
                          a.sha + "'") == "9|6|1|10");
  CHECK(test::db_text(db,
                      "SELECT scored_lines_added || '|' || ai_lines_added || '|' ||"
                      " on_default_branch FROM commits WHERE sha = '" +
                          b.sha + "'") == "0|0|0");
  auto facts = store->load_commits(kT0 - kHour, kT0 + 24 * kHour);
  REQUIRE(facts);
  REQUIRE(facts->commits.size() == 2);
  const CommitRecord& got = facts->commits[0];
  CHECK(got.sha == a.sha);
  CHECK(got.on_default_branch);
  REQUIRE(got.files.size() == 2);
  CHECK(got.files[0].lines_added == 9);
  CHECK(got.files[0].ai_lines_added == 6);
  CHECK(got.files[1].lines_added == 0);
  CHECK_FALSE(facts->commits[1].on_default_branch);
}

TEST_CASE("survival marks fill in from the same author's later copy, rework's AI lines kept",
          "[collector][commits][provenance][survival]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string& db = target.db;
  auto store = opened(db);
  CommitRecord a = commit('a', kT0);
  a.files[0].lines_added = 9;
  a.files[0].ai_lines_added = 6;
  CommitRecord b = commit('b', kT0 + kHour);
  b.reworked = {{a.sha, "src/main.cpp", 2, 1}};
  a.files[0].other_blocks = 0;
  a.files[0].ai_blocks = 1;
  a.files[0].ai_blocks_repeated = 1;
  CommitRecord c = commit('c', kT0 + 2 * kHour);
  c.files[0].lines_added = 4;
  CHECK(ingest(*store, batch("b1", {}, {a, b, c})).commits_new == 3);
  const std::string alive_a =
      "SELECT lines_alive_21d || '|' || ai_lines_alive_21d || '|' ||"
      " lines_alive_90d || '|' || ai_lines_alive_90d FROM commit_files"
      " WHERE sha = '" +
      a.sha + "' AND idx = 0";
  CHECK(test::db_text(db, alive_a) == "-1|-1|-1|-1");
  CHECK(test::db_text(db, "SELECT lines || '|' || ai_lines FROM commit_reworks") == "2|1");

  // The 21-day mark, sent with the commit again: a duplicate that fills it.
  a.files[0].lines_alive_21d = 7;
  a.files[0].ai_lines_alive_21d = 5;
  CHECK(ingest(*store, batch("b2", {}, {a})).commits_duplicate == 1);
  CHECK(test::db_text(db, alive_a) == "7|5|-1|-1");
  // The 90-day mark: filled; the 21-day mark once stored is kept.
  a.files[0].lines_alive_21d = 3;
  a.files[0].ai_lines_alive_21d = 3;
  a.files[0].lines_alive_90d = 4;
  a.files[0].ai_lines_alive_90d = 2;
  CHECK(ingest(*store, batch("b3", {}, {a})).commits_duplicate == 1);
  CHECK(test::db_text(db, alive_a) == "7|5|4|2");
  // The committer's copy (another sender) changes nothing of the author's.
  c.files[0].lines_alive_21d = 4;
  c.files[0].ai_lines_alive_21d = 0;
  CHECK(ingest(*store, batch("b4", {}, {c}, "device-of-ci"), "ci@acme.example").commits_duplicate ==
        1);
  CHECK(test::db_text(db, "SELECT lines_alive_21d FROM commit_files WHERE sha = '" + c.sha +
                              "' AND idx = 0") == "-1");

  auto facts = store->load_commits(kT0 - kHour, kT0 + 24 * kHour);
  REQUIRE(facts);
  REQUIRE(facts->commits.size() == 3);
  const CommitFile& f = facts->commits[0].files[0];
  CHECK(f.lines_alive_21d == 7);
  CHECK(f.ai_lines_alive_21d == 5);
  CHECK(f.lines_alive_90d == 4);
  CHECK(f.ai_lines_alive_90d == 2);
  CHECK(facts->commits[0].files[1].lines_alive_21d == -1);
  CHECK(f.ai_blocks == 1);
  CHECK(f.ai_blocks_repeated == 1);
  CHECK(f.other_blocks == 0);
  REQUIRE(facts->commits[1].reworked.size() == 1);
  CHECK(facts->commits[1].reworked[0].ai_lines == 1);
  REQUIRE(facts->rework_of_commits.size() == 1);
  CHECK(facts->rework_of_commits[0].ai_lines == 1);
}
