// The price book file: the default book loads; a book survives its canonical
// JSON unchanged; every bad book is refused with an error naming the entry.
#include "common/pricing/price_book.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "common/pricing/model_id.hpp"
#include "common/pricing/rate_override.hpp"

using namespace codepulse;

namespace {

std::string book_with(const std::string& models, const std::string& extra = "") {
  return R"({"format": 2, "revision": "t1", )" + extra + R"("models": [)" + models + "]}";
}

const char* kRates =
    R"("input": 3, "output": 15, "cache_write_5m": 3.75, "cache_write_1h": 6, "cache_read": 0.3)";

std::string refusal(const std::string& json) {
  auto book = PriceBook::parse(json, "book.json");
  REQUIRE_FALSE(book);
  return book.error().message;
}

}  // namespace

TEST_CASE("the default book loads and survives its canonical JSON", "[pricing]") {
  const auto book = PriceBook::builtin();
  CHECK(book->models().size() >= 25);
  CHECK(book->find_family("claude-opus-5-5") != nullptr);
  const std::string canonical = book->to_json();
  auto again = PriceBook::parse(canonical, "again");
  REQUIRE(again);
  CHECK(again->to_json() == canonical);
  CHECK(again->digest() == book->digest());
  CHECK(book->digest().size() == 64);
}

TEST_CASE("model ids reach their family and endpoint", "[pricing]") {
  struct Case {
    const char* raw;
    const char* family;
    EndpointKind endpoint;
    bool regional;
  };
  const Case cases[] = {
      {"claude-sonnet-4-5-20250929", "claude-sonnet-4-5", EndpointKind::kAnthropic, false},
      {"Claude-Opus-4-6[1m]", "claude-opus-4-6", EndpointKind::kAnthropic, false},
      {"anthropic/claude-opus-4-6", "claude-opus-4-6", EndpointKind::kAnthropic, false},
      {"us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5", EndpointKind::kBedrock,
       true},
      {"us.anthropic.claude-opus-4-6-v1", "claude-opus-4-6", EndpointKind::kBedrock, true},
      {"global.anthropic.claude-opus-4-6-v1", "claude-opus-4-6", EndpointKind::kBedrock, false},
      {"anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku", EndpointKind::kBedrock,
       true},
      {"arn:aws:bedrock:us-east-1:1:inference-profile/eu.anthropic.claude-opus-4-6-v1",
       "claude-opus-4-6", EndpointKind::kBedrock, true},
      {"claude-sonnet-4-5@20250929", "claude-sonnet-4-5", EndpointKind::kVertex, false},
      {"vertex_ai/claude-opus-4-6", "claude-opus-4-6", EndpointKind::kVertex, false},
      {"claude-opus-4-5", "claude-opus-4-5", EndpointKind::kAnthropic, false},
  };
  for (const Case& c : cases) {
    INFO(c.raw);
    const ModelId id = parse_model_id(c.raw);
    CHECK(id.family == c.family);
    CHECK(id.endpoint == c.endpoint);
    CHECK(id.regional == c.regional);
  }
}

TEST_CASE("a bad book is refused, naming the entry", "[pricing]") {
  const std::string ok = R"({"family": "m1", "periods": [{)" + std::string(kRates) + "}]}";
  REQUIRE(PriceBook::parse(book_with(ok), "ok"));
  struct Case {
    std::string json, says;
  };
  const Case cases[] = {
      {"{nope", "invalid JSON"},
      {R"({"format": 1, "revision": "x", "models": []})", "'format' must be 2"},
      {book_with(ok, R"("colour": "blue", )"), "unknown key 'colour'"},
      {book_with(R"({"family": "m1", "periods": [{"input": -1, "output": 15, "cache_write_5m": 1,
                   "cache_write_1h": 1, "cache_read": 1}]})"),
       "models[0] (m1).periods[0].input: price out of range"},
      {book_with(R"({"family": "m1", "periods": [{"input": 2000000, "output": 15,
                   "cache_write_5m": 1, "cache_write_1h": 1, "cache_read": 1}]})"),
       "models[0] (m1).periods[0].input: price out of range"},
      {book_with(R"({"family": "m1", "periods": [{"input": 1.0001, "output": 15,
                   "cache_write_5m": 1, "cache_write_1h": 1, "cache_read": 1}]})"),
       "too many decimals"},
      {book_with(R"({"family": "m1", "periods": [{"input": 3, "output": 15}]})"),
       "models[0] (m1).periods[0]: missing key 'cache_write_5m'"},
      {book_with(R"({"family": "m1", "periods": [{"from": "2026-01-01", "until": "2026-03-01", )" +
                 std::string(kRates) + R"(}, {"from": "2026-02-01", )" + kRates + "}]}"),
       "models[0] (m1).periods[0]: 'until' 2026-03-01T00:00:00Z overlaps the next period"},
      {book_with(R"({"family": "m1", "periods": [{"from": "2026-03-01", )" + std::string(kRates) +
                 R"(}, {"from": "2026-02-01", )" + kRates + "}]}"),
       "periods must be in time order"},
      {book_with(R"({"family": "m1", "periods": [{"from": "2026-03-01T00:07:00Z", )" +
                 std::string(kRates) + "}]}"),
       "not on a quarter hour"},
      {book_with(R"({"family": "m1", "periods": [{"from": "March 1st", )" + std::string(kRates) +
                 "}]}"),
       "'March 1st' is not an ISO 8601 time"},
      {book_with(ok + "," + ok), "models[1] (m1): 'm1' is already priced by an earlier entry"},
      {book_with(R"({"family": "Claude-M1-20250101", "periods": [{)" + std::string(kRates) + "}]}"),
       "is not normalised (write 'claude-m1')"},
      {book_with(R"({"family": "m1", "periods": [{"speed_multipliers": {"fast": 0}, )" +
                 std::string(kRates) + "}]}"),
       "speed_multipliers.fast: a multiplier must be above 0"},
      {book_with(R"({"family": "m1", "periods": [{"long_context": {"above_tokens": 0}, )" +
                 std::string(kRates) + "}]}"),
       "'above_tokens' must be a positive integer"},
      {book_with(ok, R"("server_tools": [{"tool": "telepathy", "usd_per_1000": 1}], )"),
       "server_tools[0].tool"},
  };
  for (const Case& c : cases) {
    INFO(c.json);
    const std::string why = refusal(c.json);
    INFO(why);
    CHECK(why.find(c.says) != std::string::npos);
    CHECK(why.find("book.json") == 0);
  }
}

TEST_CASE("an error quotes at most 64 bytes of a key or value, cut at a character", "[pricing]") {
  // Found by fuzz_price_book: an unknown key of 700 bytes made a 700-byte
  // error. What the file says is quoted in part; the message stays short.
  const std::string longer(700, 'k');
  const std::string rates = std::string(kRates);
  const std::string books[] = {
      book_with("", "\"" + longer + "\": 1, "),
      book_with(R"({"family": ")" + longer + R"(", "periods": []})"),
      book_with(R"({"family": "m1", "periods": [{"from": ")" + longer + "\", " + rates + "}]}"),
      book_with(R"({"family": "m1", "periods": [{"speed_multipliers": {")" + longer + R"(": 0}, )" +
                rates + "}]}"),
  };
  for (const auto& json : books) {
    const std::string why = refusal(json);
    INFO(why);
    CHECK(why.size() < 300);
    CHECK(why.find(std::string(61, 'k') + "...") != std::string::npos);
    CHECK(why.find(std::string(62, 'k')) == std::string::npos);
  }
  auto o = parse_rate_override(R"({"scope": ")" + longer + R"(", "percent": 5})", "override");
  REQUIRE_FALSE(o);
  CHECK(o.error().message.size() < 120);
  // Cut before a character, never inside one: "é" is two bytes.
  std::string accents;
  for (int i = 0; i < 100; ++i)
    accents += "\u00e9";
  const std::string why = refusal(book_with("", "\"" + accents + "\": 1, "));
  CHECK(why.find("unknown key '" + [] {
    std::string s;
    for (int i = 0; i < 30; ++i)
      s += "\xc3\xa9";
    return s + "...'";
  }()) != std::string::npos);
}

TEST_CASE("a bad override is refused, naming it", "[pricing]") {
  const auto book = PriceBook::builtin();
  struct Case {
    const char* json;
    const char* says;
  };
  const Case parse_errors[] = {
      {R"({"scope": "team", "percent": 5})", "'team' is not all, endpoint or family"},
      {R"({"scope": "family", "percent": 5})", "needs 'match'"},
      {R"({"scope": "all"})", "exactly one of 'percent' and 'rates'"},
      {R"({"scope": "all", "percent": -100})", "above -100"},
      {R"({"scope": "all", "percent": 5, "colour": 1})", "unknown key 'colour'"},
      {R"({"scope": "all", "rates": {"input": 1}})", "missing key 'output'"},
      {R"({"scope": "all", "percent": 5, "from": "2026-02-01", "until": "2026-01-01"})",
       "'until' must be after 'from'"},
  };
  for (const Case& c : parse_errors) {
    INFO(c.json);
    auto o = parse_rate_override(c.json, "override");
    REQUIRE_FALSE(o);
    CHECK(o.error().message.find(c.says) != std::string::npos);
  }
  auto nothing =
      parse_rate_override(R"({"scope": "family", "match": "mistral-*", "percent": 5})", "o");
  REQUIRE(nothing);
  const auto checked = check_rate_override(*nothing, *book);
  REQUIRE_FALSE(checked);
  CHECK(checked.error().message.find("'mistral-*' matches no model family") != std::string::npos);
  auto endpoint =
      parse_rate_override(R"({"scope": "endpoint", "match": "azure", "percent": 5})", "o");
  REQUIRE(endpoint);
  CHECK_FALSE(check_rate_override(*endpoint, *book));
  // A good one survives its JSON.
  auto good = parse_rate_override(
      R"({"scope": "family", "match": "claude-opus-*", "percent": -12.5, "from": "2026-01-01",
          "note": "EA 2026"})",
      "o");
  REQUIRE(good);
  auto again = parse_rate_override(rate_override_json(*good), "again");
  REQUIRE(again);
  CHECK(rate_override_json(*again) == rate_override_json(*good));
  CHECK(*again->multiplier_ppm == 875'000);
}

TEST_CASE("globs match families", "[pricing]") {
  CHECK(glob_match("claude-opus-*", "claude-opus-4-6"));
  CHECK(glob_match("*", ""));
  CHECK(glob_match("claude-?-opus", "claude-4-opus"));
  CHECK_FALSE(glob_match("claude-opus-*", "claude-sonnet-4-6"));
  CHECK_FALSE(glob_match("claude-opus", "claude-opus-4"));
}
