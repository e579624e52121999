// The price book refresh (tracker/ship/price_refresh.hpp) through a real
// Shipper against a small HTTPS server that serves a book with an ETag and
// honours If-None-Match: 200 brings a book that is saved and used, 304 and
// 404 keep the book, a broken book or a failed check keep it too, and the
// batch goes after the check whatever its outcome.
#include "tracker/ship/price_refresh.hpp"

#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_server.hpp"
#include "tests/support/ship_bench.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using namespace codepulse::test;

namespace {

// The book a tracker starts with when nothing is saved: the embedded one.
PriceBookChoice embedded() {
  PriceBookChoice c;
  c.book = PriceBook::builtin();
  return c;
}

}  // namespace

TEST_CASE("the tracker fetches the collector's price book, saves it and prices with it",
          "[shipping][unit][prices]") {
  ShipBench bench;
  bench.queue_requests(1);
  CollectorFixture pki(bench.dir() / "collector");
  PriceServer server(pki.cert(), pki.key());
  const std::string token = private_token_file(bench.dir() / "token", "tok-123");
  const std::string state = bench.dir() / "state";
  std::vector<std::string> adopted;
  PriceRefresh refresh(state, embedded(), bench.log(), [&](std::shared_ptr<const PriceBook> b) {
    adopted.push_back(b->revision());
  });
  CHECK(refresh.due(0));
  auto ship = [&] {
    Shipper shipper(bench.io(), bench.store(), bench.options(server.port(), pki.ca(), token),
                    bench.log());
    shipper.set_price_refresh(&refresh);
    return bench.ship_now(shipper);
  };

  // At start: asked with the embedded book's digest, answered with the book.
  CHECK(ship() == "");
  REQUIRE(server.gets().size() == 1);
  const PeerRequest get = server.gets()[0];
  CHECK(get.header("If-None-Match") == "\"" + PriceBook::builtin()->digest() + "\"");
  CHECK(get.header("Authorization") == "Bearer tok-123");
  // The batch went after the check, on the same shipper (then, the queue
  // empty, the store generation was asked for: GET /v1/generation).
  CHECK(bench.stats().unshipped == 0);
  const auto sent = server.requests();
  REQUIRE(sent.size() == 3);
  CHECK(sent[1].method == "POST");
  CHECK(sent[2].target == "/v1/generation");
  CHECK(adopted == std::vector<std::string>{"collector-2026-12-05"});
  CHECK(refresh.book()->digest() == server.book().digest());
  CHECK(refresh.status().origin == "collector");
  CHECK(refresh.status().revision == "collector-2026-12-05");
  CHECK(refresh.status().path == saved_book_path(state));
  CHECK(refresh.status().checked_ms > 0);
  CHECK(refresh.status().changed_ms > 0);
  // Saved, canonical, and what a tracker starting now prices with.
  CHECK(read_file(saved_book_path(state)) == server.book().to_json());
  auto choice = choose_price_book("", state);
  REQUIRE(choice);
  CHECK(choice->origin == PriceBookChoice::Origin::kCollector);
  CHECK(choice->book->digest() == server.book().digest());
  CHECK(choice->warning.empty());
  // A prices_file wins over the saved book.
  const std::string own = bench.dir() / "own-prices.json";
  write_file(own, PriceBook::builtin()->to_json());
  auto pinned = choose_price_book(own, state);
  REQUIRE(pinned);
  CHECK(pinned->origin == PriceBookChoice::Origin::kPricesFile);
  CHECK(pinned->book->digest() == PriceBook::builtin()->digest());

  // Not due again for an hour.
  CHECK_FALSE(refresh.due(refresh.status().checked_ms + 3'599'000));
  CHECK(refresh.due(refresh.status().checked_ms + 3'600'000));
  bench.queue({request(7)});
  CHECK(ship() == "");
  CHECK(server.gets().size() == 1);

  SECTION("the same book again is 304: nothing changes") {
    refresh.check_soon();
    CHECK(ship() == "");
    REQUIRE(server.gets().size() == 2);
    CHECK(server.gets()[1].header("If-None-Match") == "\"" + server.book().digest() + "\"");
    CHECK(adopted.size() == 1);
    CHECK(refresh.status().last_error.empty());
  }
  SECTION("an older collector (404) keeps the book") {
    server.serve(Serve::kNotFound);
    refresh.check_soon();
    CHECK(ship() == "");
    CHECK(server.gets().size() == 2);
    CHECK(adopted.size() == 1);
    CHECK(refresh.book()->revision() == "collector-2026-12-05");
    CHECK(refresh.status().last_error.empty());
    CHECK(bench.log_text().find("an older collector") != std::string::npos);
  }
  SECTION("a broken or invalid book is logged with its error and ignored") {
    for (Serve mode : {Serve::kBrokenJson, Serve::kBadBook}) {
      server.serve(mode);
      refresh.check_soon();
      CHECK(ship() == "");
      CHECK(adopted.size() == 1);
      CHECK(refresh.book()->revision() == "collector-2026-12-05");
      CHECK_FALSE(refresh.status().last_error.empty());
      CHECK(read_file(saved_book_path(state)) == server.book().to_json());
      // The next check is in an hour: the same book would come again.
      CHECK_FALSE(refresh.due(now_utc_ms() + 3'000'000));
    }
    CHECK(refresh.status().last_error.find("revisoin") != std::string::npos);
    CHECK(bench.log_text().find("ignoring a price book the collector sent") != std::string::npos);
  }
  SECTION("a failed check keeps the book, lets the batch go, and is retried sooner") {
    server.serve(Serve::kServerError);
    refresh.check_soon();
    bench.queue({request(8)});
    CHECK(ship() == "");
    CHECK(bench.stats().unshipped == 0);
    CHECK(adopted.size() == 1);
    CHECK(refresh.status().last_error.find("503") != std::string::npos);
    CHECK(refresh.due(now_utc_ms() + 300'000));
    CHECK_FALSE(refresh.due(now_utc_ms() + 200'000));
  }
}

TEST_CASE("a saved price book that cannot be read gives way to the embedded one",
          "[unit][prices]") {
  TempDir dir;
  auto none = choose_price_book("", dir.path());
  REQUIRE(none);
  CHECK(none->origin == PriceBookChoice::Origin::kEmbedded);
  CHECK(none->warning.empty());
  write_file(saved_book_path(dir.path()), "{\"format\": 2, \"revision\": ");
  auto broken = choose_price_book("", dir.path());
  REQUIRE(broken);
  CHECK(broken->origin == PriceBookChoice::Origin::kEmbedded);
  CHECK(broken->book->digest() == PriceBook::builtin()->digest());
  CHECK(broken->warning.find("not used") != std::string::npos);
  // A prices_file that cannot be read is an error, not a fallback.
  CHECK_FALSE(choose_price_book(dir / "missing.json", dir.path()));
}
