// The collector's prices in its store (a SQLite file and a PostgreSQL
// database): the book in force, overrides and their history round trip; the
// unpriced models are counted exactly at the records' times; PricingState
// refuses bad books and overrides naming the entry and keeps the book in
// force, and notices another process's change.
#include <catch2/catch.hpp>

#include "collector/report/pricing_state.hpp"
#include "collector/store/store.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

constexpr int64_t kT = 1'790'000'000'000;  // 2026-09-21

std::unique_ptr<Store> opened(const std::string& db) {
  auto s = open_store(db);
  REQUIRE(s);
  return std::move(s).value();
}

PriceBook parsed(const std::string& json) {
  auto b = PriceBook::parse(json, "test book");
  REQUIRE(b);
  return std::move(b).value();
}

RateOverride percent_override(const std::string& family, int64_t ppm, const std::string& by,
                              int64_t at) {
  RateOverride o;
  o.scope = RateOverride::Scope::kFamily;
  o.match = family;
  o.multiplier_ppm = ppm;
  o.created_by = by;
  o.created_ms = at;
  o.note = "negotiated";
  return o;
}

size_t history_size(Store& store) {
  auto h = store.price_history();
  REQUIRE(h);
  return h->size();
}

}  // namespace

TEST_CASE("the store keeps the book in force, the overrides and who changed them when",
          "[collector][prices]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  auto empty = store->load_pricing();
  REQUIRE(empty);
  CHECK_FALSE(empty->book);
  CHECK(empty->overrides.empty());
  auto v0 = store->pricing_version();
  REQUIRE(v0);
  CHECK(*v0 == PricingVersion{});

  const PriceBook a = parsed(book_with("2026-12-10", {}));
  const PriceBook b = parsed(book_with("2026-12-11", {kGatewayFamily}));
  auto id_a = store->import_price_book(a, "alice", kT, "first");
  auto id_b = store->import_price_book(b, "bob", kT + 1000, "with GLM");
  REQUIRE(id_a);
  REQUIRE(id_b);
  CHECK(*id_b > *id_a);
  auto o1 =
      store->add_price_override(percent_override("claude-opus-*", 850'000, "carol", kT + 2000));
  REQUIRE(o1);
  RateOverride bedrock;
  bedrock.scope = RateOverride::Scope::kEndpoint;
  bedrock.match = "bedrock";
  bedrock.rates = Rates{1000, 5000, 1250, 2000, 100};
  bedrock.from_ms = 1'767'225'600'000;  // 2026-01-01
  bedrock.created_by = "dave";
  bedrock.created_ms = kT + 3000;
  auto o2 = store->add_price_override(bedrock);
  REQUIRE(o2);
  CHECK(*o2 > *o1);
  auto v1 = store->pricing_version();
  REQUIRE(v1);
  CHECK(*v1 == PricingVersion{*id_b, *o2, 2});

  REQUIRE(store->remove_price_override(*o1, "erin", kT + 4000));
  auto v2 = store->pricing_version();
  REQUIRE(v2);
  CHECK(*v2 == PricingVersion{*id_b, *o2, 1});
  // A removal happens once; an unknown id is named.
  auto again = store->remove_price_override(*o1, "frank", kT + 5000);
  REQUIRE_FALSE(again);
  CHECK(again.error().message.find("removed already") != std::string::npos);
  CHECK(again.error().message.find("by erin") != std::string::npos);
  auto unknown = store->remove_price_override(9999, "frank", kT + 5000);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message == "no price override with id 9999");

  // What prices: the newest book, the override not removed, with its id.
  store.reset();
  store = opened(target.db);
  auto rows = store->load_pricing();
  REQUIRE(rows);
  REQUIRE(rows->book);
  CHECK(rows->book->id == *id_b);
  CHECK(rows->book->revision == "2026-12-11");
  CHECK(rows->book->digest == b.digest());
  CHECK(rows->book->body == b.to_json());
  CHECK(rows->book->imported_by == "bob");
  CHECK(rows->book->imported_ms == kT + 1000);
  CHECK(rows->book->note == "with GLM");
  REQUIRE(rows->overrides.size() == 1);
  auto stored = override_of(rows->overrides[0]);
  REQUIRE(stored);
  CHECK(stored->id == *o2);
  CHECK(stored->created_by == "dave");
  CHECK(stored->rates == bedrock.rates);
  CHECK(stored->from_ms == bedrock.from_ms);
  CHECK(rows->overrides[0].body.find("\"id\":" + std::to_string(*o2)) != std::string::npos);
  auto pricer = pricer_of(*rows);
  REQUIRE(pricer);
  bedrock.id = *o2;
  CHECK((*pricer)->fingerprint() ==
        Pricer(std::make_shared<const PriceBook>(b), {bedrock}).fingerprint());

  // The history, newest first, with who and when.
  auto history = store->price_history();
  REQUIRE(history);
  REQUIRE(history->size() == 5);
  const PriceChange::Kind kinds[] = {
      PriceChange::Kind::kOverrideRemoved, PriceChange::Kind::kOverrideAdded,
      PriceChange::Kind::kOverrideAdded, PriceChange::Kind::kImport, PriceChange::Kind::kImport};
  const char* by[] = {"erin", "dave", "carol", "bob", "alice"};
  const int64_t at[] = {kT + 4000, kT + 3000, kT + 2000, kT + 1000, kT};
  for (size_t i = 0; i < 5; ++i) {
    INFO("change " << i);
    CHECK((*history)[i].kind == kinds[i]);
    CHECK((*history)[i].by == by[i]);
    CHECK((*history)[i].at_ms == at[i]);
  }
  CHECK((*history)[0].id == *o1);
  CHECK((*history)[3].revision == "2026-12-11");
  CHECK((*history)[3].note == "with GLM");
  CHECK((*history)[4].digest == a.digest());
  CHECK((*history)[2].override_json.find("claude-opus-*") != std::string::npos);
}

TEST_CASE("unpriced models are counted exactly at the records' times", "[collector][prices]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  auto records = pricing_records(60);
  // Sonnet 3.5 before its retirement (2025-10-28) is priced.
  for (int i = 0; i < 3; ++i) {
    auto r = pricing_records(1, "early-" + std::to_string(i)).front();
    r.usage.model = "claude-3-5-sonnet-20241022";
    r.usage.timestamp_ms = 1'761'000'000'000 + i;  // 2025-10-20
    records.push_back(r);
  }
  REQUIRE(store->ingest("dev@acme.example", decoded_batch("b1", records)));

  int64_t glm = 0, glm_tokens = 0, retired = 0, retired_tokens = 0;
  for (const auto& w : records) {
    const int64_t tokens = w.usage.input + w.usage.output + w.usage.cache_create_5m +
                           w.usage.cache_create_1h + w.usage.cache_read;
    if (w.usage.model == kGatewayModel) {
      ++glm;
      glm_tokens += tokens;
    } else if (w.usage.model == "claude-3-5-sonnet-20241022" &&
               w.usage.timestamp_ms >= 1'761'609'600'000) {
      ++retired;
      retired_tokens += tokens;
    }
  }
  REQUIRE(glm == 10);
  REQUIRE(retired == 10);

  auto all = store->unpriced_models(*Pricer::builtin(), INT64_MIN, INT64_MAX);
  REQUIRE(all);
  REQUIRE(all->size() == 2);
  for (const UnpricedModel& m : *all) {
    INFO(m.model);
    if (m.model == kGatewayModel) {
      CHECK(m.family.empty());
      CHECK(m.requests == glm);
      CHECK(m.tokens == glm_tokens);
    } else {
      CHECK(m.model == "claude-3-5-sonnet-20241022");
      CHECK(m.family == "claude-3-5-sonnet");
      CHECK(m.requests == retired);
      CHECK(m.tokens == retired_tokens);
      CHECK(m.first_ms >= 1'761'609'600'000);
    }
  }
  // The same against the recomputation from the records themselves.
  CHECK(recompute(*Pricer::builtin(), records).unpriced == glm + retired);

  // A range, and a book that prices the gateway model.
  const int64_t mid = 1'771'200'000'000;  // 2026-02-16
  auto late = store->unpriced_models(*Pricer::builtin(), mid, INT64_MAX);
  REQUIRE(late);
  int64_t late_count = 0;
  for (const auto& w : records)
    if (w.usage.timestamp_ms >= mid &&
        (w.usage.model == kGatewayModel || w.usage.model == "claude-3-5-sonnet-20241022"))
      ++late_count;
  int64_t late_found = 0;
  for (const UnpricedModel& m : *late)
    late_found += m.requests;
  CHECK(late_found == late_count);
  const Pricer with_glm(
      std::make_shared<const PriceBook>(parsed(book_with("g", {kGatewayFamily}))));
  auto priced = store->unpriced_models(with_glm, INT64_MIN, INT64_MAX);
  REQUIRE(priced);
  REQUIRE(priced->size() == 1);
  CHECK(priced->front().model == "claude-3-5-sonnet-20241022");
}

TEST_CASE("a bad book or override is refused naming the entry, and the prices stay",
          "[collector][prices]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  auto state = PricingState::open(*store);
  REQUIRE(state);
  auto glm = (*state)->import_book(book_with("2026-12-10", {kGatewayFamily}), "glm.json", "ann",
                                   "gateway");
  REQUIRE(glm);
  auto glm_override = (*state)->add_override(
      R"({"scope":"family","match":"glm-*","percent":-15,"note":"volume"})", "ann");
  REQUIRE(glm_override);
  const std::string digest = (*state)->current()->fingerprint();
  const size_t changes = history_size(*store);

  auto family_with = [](const std::string& periods) {
    return R"({"family":"claude-bad-1","provider":"anthropic","periods":[)" + periods + "]}";
  };
  const std::string rates =
      R"("input":1,"output":5,"cache_write_5m":1.25,"cache_write_1h":2,"cache_read":0.1)";
  struct Bad {
    const char* what;
    std::string book;
    std::string expected;  // in the error
  };
  const std::vector<Bad> bad = {
      {"overlapping dates",
       book_with("x",
                 {kGatewayFamily, family_with(R"({"from":"2026-01-01","until":"2026-03-01",)" +
                                              rates + R"(},{"from":"2026-02-01",)" + rates + "}")}),
       "models[1] (claude-bad-1).periods[0]: 'until' 2026-03-01T00:00:00Z overlaps the next "
       "period"},
      {"a negative rate",
       book_with("x", {kGatewayFamily, family_with(R"({"input":-1,"output":5,"cache_write_5m":1,)"
                                                   R"("cache_write_1h":2,"cache_read":0.1})")}),
       "models[1] (claude-bad-1).periods[0].input"},
      {"an absurd rate",
       book_with("x",
                 {kGatewayFamily, family_with(R"({"input":1,"output":5000000,"cache_write_5m":1,)"
                                              R"("cache_write_1h":2,"cache_read":0.1})")}),
       "models[1] (claude-bad-1).periods[0].output"},
      {"an unknown field",
       book_with("x", {kGatewayFamily, family_with("{" + rates + R"(,"cache_raed":1})")}),
       "models[1] (claude-bad-1).periods[0]: unknown key 'cache_raed'"},
      {"an override whose pattern matches nothing in the new book", book_with("x", {}),
       "override " + std::to_string(*glm_override) + ": the pattern 'glm-*' matches no model"},
      {"not JSON", "{\"format\":2,", "new.json: invalid JSON"},
  };
  for (const Bad& b : bad) {
    INFO(b.what);
    auto r = (*state)->import_book(b.book, "new.json", "mallory", "");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find(b.expected) != std::string::npos);
    CHECK(r.error().message.find("new.json") != std::string::npos);
    CHECK((*state)->current()->fingerprint() == digest);
  }
  const std::vector<std::pair<std::string, std::string>> bad_overrides = {
      {R"({"scope":"family","match":"mistral-*","percent":-10})",
       "'mistral-*' matches no model family"},
      {R"({"scope":"endpoint","match":"azure","percent":-10})", "endpoint 'azure'"},
      {R"({"scope":"all","percent":-10,"rates":{}})", "exactly one of 'percent' and 'rates'"},
      {R"({"scope":"all","percent":-10,"id":7})", "set by the collector"},
      {R"({"scope":"all","percent":-10,"colour":"red"})", "unknown key 'colour'"},
      {R"({"scope":"all","percent":-100})", "percent"},
      {R"({"scope":"all","percent":-10,"from":"2026-02-01T00:07:00Z"})", "quarter hour"},
  };
  for (const auto& [json, expected] : bad_overrides) {
    INFO(json);
    auto r = (*state)->add_override(json, "mallory");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find(expected) != std::string::npos);
  }
  // Nothing was stored, and the prices in force are unchanged.
  CHECK(history_size(*store) == changes);
  CHECK((*state)->current()->fingerprint() == digest);
  auto reloaded = PricingState::open(*store);
  REQUIRE(reloaded);
  CHECK((*reloaded)->current()->fingerprint() == digest);
  CHECK((*reloaded)->current()->book().revision() == "2026-12-10");
}

TEST_CASE("a change made by another process is noticed and swapped in", "[collector][prices]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = opened(target.db);
  auto state = PricingState::open(*store);
  REQUIRE(state);
  int changes_seen = 0;
  (*state)->on_change([&](const std::shared_ptr<const Pricer>&) { ++changes_seen; });
  const std::string builtin = (*state)->current()->fingerprint();
  CHECK(builtin == Pricer::builtin()->fingerprint());
  auto nothing = (*state)->refresh();
  REQUIRE(nothing);
  CHECK_FALSE(*nothing);

  // Another collector (its own store and state) adds an override.
  auto other_store = opened(target.db);
  auto other = PricingState::open(*other_store);
  REQUIRE(other);
  auto id = (*other)->add_override(R"({"scope":"all","percent":-20})", "zoe");
  REQUIRE(id);
  auto changed = (*state)->refresh();
  REQUIRE(changed);
  CHECK(*changed);
  CHECK(changes_seen == 1);
  CHECK((*state)->current()->fingerprint() == (*other)->current()->fingerprint());
  REQUIRE((*state)->current()->overrides().size() == 1);
  CHECK((*state)->current()->overrides()[0].created_by == "zoe");

  // A removal alone (no new id) is noticed too.
  REQUIRE((*other)->remove_override(*id, "zoe"));
  auto removed = (*state)->refresh();
  REQUIRE(removed);
  CHECK(*removed);
  CHECK((*state)->current()->fingerprint() == builtin);
  CHECK(changes_seen == 2);
}
