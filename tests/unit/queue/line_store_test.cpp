// LineStore (tracker/queue/line_store.hpp): the lines of calls are held in
// memory and written in print order, each print once, with the same rows as
// writing every call's lines one by one; a savepoint rolled back forgets its
// lines and keeps those of the savepoints released before it.
#include "tracker/queue/line_store.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"
#include "tracker/queue/local_store.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::TempDir;

namespace {

struct Call {
  std::string id, session;
  int64_t at_ms;
  std::vector<int64_t> prints;
};

bool add(LineStore& lines, const Call& c) {
  const std::string request = c.session + "/req";  // outlives the write's view of it
  LineWrite w;
  w.call_id = c.id;
  w.session_id = c.session;
  w.request_id = request;
  w.written_ms = c.at_ms;
  w.prints = &c.prints;
  auto added = lines.add(w);
  REQUIRE(added);
  return *added;
}

LineWriter writer(LineStore& lines, int64_t print) {
  auto w = lines.writer(print);
  REQUIRE(w);
  REQUIRE(w->has_value());
  return **w;
}

}  // namespace

TEST_CASE(
    "line store: held lines are summed per print with the latest writer, a rolled back "
    "savepoint forgets only its own",
    "[provenance][queue]") {
  TempDir dir;
  auto store = LocalStore::open(dir.path());
  REQUIRE(store);
  LineStore lines(store->database());

  REQUIRE(store->begin());
  // File 1: a call writing line 7 twice and line 8; released.
  REQUIRE(store->savepoint());
  CHECK(add(lines, {"call-a", "s1", 1'000, {7, 8, 7}}));
  REQUIRE(store->release_savepoint());
  REQUIRE(lines.keep_staged());
  // File 2: line 7 again, later, by another session; and line 9 at the same
  // time by two calls (the one taken last is the writer); released.
  REQUIRE(store->savepoint());
  CHECK(add(lines, {"call-b", "s2", 3'000, {7}}));
  CHECK(add(lines, {"call-c", "s3", 2'000, {9}}));
  CHECK(add(lines, {"call-d", "s4", 2'000, {9}}));
  CHECK_FALSE(add(lines, {"call-a", "s1", 1'000, {7, 8}}));  // taken before: nothing added
  REQUIRE(store->release_savepoint());
  REQUIRE(lines.keep_staged());
  // File 3: an I/O error undoes it.
  REQUIRE(store->savepoint());
  CHECK(add(lines, {"call-e", "s5", 4'000, {7, 10}}));
  REQUIRE(store->rollback_to_savepoint());
  lines.drop_staged();
  REQUIRE(lines.write_kept());
  REQUIRE(store->commit());

  const LineWriter seven = writer(lines, 7);
  CHECK(seven.writes == 3);
  CHECK(seven.first_ms == 1'000);
  CHECK(seven.last_ms == 3'000);
  CHECK(seven.session_id == "s2");
  CHECK(writer(lines, 8).writes == 1);
  const LineWriter nine = writer(lines, 9);
  CHECK(nine.writes == 2);
  CHECK(nine.session_id == "s4");
  CHECK(nine.request_id == "s4/req");
  auto ten = lines.writer(10);
  REQUIRE(ten);
  CHECK_FALSE(ten->has_value());
  auto stats = lines.stats();
  REQUIRE(stats);
  CHECK(stats->prints == 3);
  CHECK(stats->calls == 4);  // call-e rolled back with its savepoint

  // A later transaction meets the stored rows: an older write adds its count
  // and first time but does not take the writer; a rolled back transaction
  // leaves nothing.
  REQUIRE(store->begin());
  REQUIRE(store->savepoint());
  CHECK(add(lines, {"call-f", "s6", 500, {7}}));
  REQUIRE(store->release_savepoint());
  REQUIRE(lines.keep_staged());
  REQUIRE(lines.write_kept());
  REQUIRE(store->commit());
  const LineWriter again = writer(lines, 7);
  CHECK(again.writes == 4);
  CHECK(again.first_ms == 500);
  CHECK(again.last_ms == 3'000);
  CHECK(again.session_id == "s2");

  REQUIRE(store->begin());
  REQUIRE(store->savepoint());
  CHECK(add(lines, {"call-g", "s7", 9'000, {7, 11}}));
  REQUIRE(store->release_savepoint());
  REQUIRE(lines.keep_staged());
  store->rollback();
  lines.drop_all();
  REQUIRE(store->begin());
  REQUIRE(lines.write_kept());
  REQUIRE(store->commit());
  CHECK(writer(lines, 7).writes == 4);
  auto eleven = lines.writer(11);
  REQUIRE(eleven);
  CHECK_FALSE(eleven->has_value());
}

TEST_CASE("line store: past its bound the held lines are written when a savepoint is released",
          "[provenance][queue]") {
  TempDir dir;
  auto store = LocalStore::open(dir.path());
  REQUIRE(store);
  LineStore lines(store->database());
  std::vector<int64_t> many;
  for (int64_t i = 0; i < 70'000; ++i)
    many.push_back(i * 7'919 + 1);
  REQUIRE(store->begin());
  REQUIRE(store->savepoint());
  CHECK(add(lines, {"big", "s1", 1'000, many}));
  auto before = lines.stats();
  REQUIRE(before);
  CHECK(before->prints == 0);  // held, not yet written
  REQUIRE(store->release_savepoint());
  REQUIRE(lines.keep_staged());
  auto after = lines.stats();
  REQUIRE(after);
  CHECK(after->prints == 70'000);  // over the bound: written at once
  REQUIRE(lines.write_kept());     // nothing left to write
  REQUIRE(store->commit());
  auto done = lines.stats();
  REQUIRE(done);
  CHECK(done->prints == 70'000);
  CHECK(writer(lines, 7'919 * 69'999 + 1).session_id == "s1");
}
