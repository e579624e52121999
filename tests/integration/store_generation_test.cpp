// The collector store's generation (store.hpp, StoreGeneration) on SQLite and
// PostgreSQL: made with the database, kept across opens, new after a restore;
// and the SQLite backup copy, which carries a generation of its own that a
// first serve renews again.
#include "collector/ingest/store_generation.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "collector/store/sqlite/sqlite_backup.hpp"
#include "collector/store/store.hpp"
#include "common/time.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::TempDir;

namespace {

std::unique_ptr<Store> opened(const std::string& db) {
  auto store = open_store(db);
  INFO(db << ": " << (store ? std::string() : store.error().message));
  REQUIRE(store);
  return std::move(store).value();
}

StoreGeneration generation_of(Store& store) {
  auto g = store.generation();
  INFO((g ? std::string() : g.error().message));
  REQUIRE(g);
  return *g;
}

bool plausible_id(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

TEST_CASE("a store has a generation from its first open, new only when renewed",
          "[collector][restore]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  StoreGeneration made;
  {
    auto store = opened(target.db);
    made = generation_of(*store);
    CHECK(plausible_id(made.id));
    CHECK_FALSE(made.backup_ms);
    CHECK_FALSE(made.backup_copy);
    CHECK(made.since_ms > now_utc_ms() - 60'000);
  }
  auto store = opened(target.db);
  CHECK(generation_of(*store).id == made.id);  // the same database, the same generation

  const int64_t backup = now_utc_ms() - 3'600'000;
  auto renewed = store->renew_generation(backup);
  REQUIRE(renewed);
  CHECK(plausible_id(renewed->id));
  CHECK(renewed->id != made.id);
  CHECK(renewed->backup_ms == backup);
  auto reread = generation_of(*opened(target.db));
  CHECK(reread.id == renewed->id);
  CHECK(reread.backup_ms == backup);

  auto unknown = store->renew_generation(std::nullopt);
  REQUIRE(unknown);
  CHECK(unknown->id != renewed->id);
  CHECK_FALSE(generation_of(*store).backup_ms);
}

TEST_CASE("a SQLite backup copy has its own generation, renewed again when first served",
          "[collector][restore]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  auto store = opened(db);
  const StoreGeneration live = generation_of(*store);
  REQUIRE(store->create_token("dev@acme.example", Role::kTracker, ""));

  const int64_t before = now_utc_ms();
  auto copy = backup_sqlite_store(db, dir / "backup.db");
  INFO((copy ? std::string() : copy.error().message));
  REQUIRE(copy);
  CHECK(copy->id != live.id);
  CHECK(copy->backup_copy);
  REQUIRE(copy->backup_ms);
  CHECK(*copy->backup_ms >= before);
  CHECK(generation_of(*store).id == live.id);  // the live store is untouched
  struct stat st {};
  REQUIRE(::stat((dir / "backup.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  // The copy holds what the store held (the token), and its generation.
  auto restored = opened(dir / "backup.db");
  auto tokens = restored->list_tokens();
  REQUIRE(tokens);
  CHECK(tokens->size() == 1);
  CHECK(generation_of(*restored).id == copy->id);
  auto log = Logger::open("", LogLevel::kError, 60);
  REQUIRE(log);
  auto served = serving_generation(*restored, *log);
  REQUIRE(served);
  CHECK(served->id != copy->id);  // restoring the same copy twice is two restores
  CHECK(served->id != live.id);
  CHECK(served->backup_ms == copy->backup_ms);
  CHECK_FALSE(served->backup_copy);
  auto again = serving_generation(*restored, *log);
  REQUIRE(again);
  CHECK(again->id == served->id);  // a restart is no restore

  // An existing file is never overwritten.
  auto exists = backup_sqlite_store(db, dir / "backup.db");
  REQUIRE_FALSE(exists);
  CHECK(exists.error().message.find("exists") != std::string::npos);
}
