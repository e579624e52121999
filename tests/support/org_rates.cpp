// Organisation rates for report tests (org_rates.hpp).
#include "tests/support/org_rates.hpp"

#include <catch2/catch.hpp>
#include <vector>

namespace codepulse::test {

RateOverride override_from(const std::string& json, const PriceBook& book) {
  auto o = parse_rate_override(json, "test override");
  INFO(json);
  REQUIRE(o);
  REQUIRE(check_rate_override(*o, book));
  return *o;
}

std::shared_ptr<const Pricer> org_rates_pricer() {
  const auto book = PriceBook::builtin();
  return std::make_shared<const Pricer>(
      book, std::vector<RateOverride>{
                override_from(R"({"id": 1, "scope": "family", "match": "claude-opus-4-6",
                                  "percent": -50})",
                              *book),
                override_from(R"({"id": 2, "scope": "family", "match": "claude-haiku-4-5",
                                  "rates": {"input": 4, "output": 20, "cache_write_5m": 5,
                                            "cache_write_1h": 8, "cache_read": 0.4}})",
                              *book)});
}

}  // namespace codepulse::test
