// libFuzzer harness: a price book or an organisation override as an admin
// imports it. Invariants: an accepted book survives its canonical JSON
// unchanged (same text, same digest) and prices any request to a cost that is
// never negative, with an organisation cost present exactly when the list
// cost is; an accepted override survives its JSON; errors stay short.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/pricing/pricer.hpp"
#include "tests/fuzz/fuzz_checks.hpp"

using namespace codepulse;
using fuzz::expect;

namespace {

void check_prices(const std::shared_ptr<const PriceBook>& book,
                  std::vector<RateOverride> overrides) {
  const Pricer pricer(book, std::move(overrides));
  for (const auto& m : book->models()) {
    for (const auto& p : m.periods) {
      for (int64_t ts : {p.from_ms, p.until_ms - 1, int64_t{1'767'225'600'000}}) {
        UsageToPrice u;
        u.model = m.family;
        u.ts_ms = ts;
        u.input = 250'000;
        u.output = 3'000;
        u.cache_write_5m = 1'000;
        u.cache_write_1h = 2'000;
        u.cache_read = 90'000;
        u.web_search = 2;
        u.fast = true;
        u.inference_geo = "us";
        const PricedUsage priced = pricer.price(u);
        expect(!priced.list_nanos || *priced.list_nanos >= 0, "a list cost is never negative");
        expect(priced.list_nanos.has_value() == priced.org_nanos.has_value(),
               "an organisation cost exactly when there is a list cost");
        expect(!priced.org_nanos || *priced.org_nanos >= 0,
               "an organisation cost is never negative");
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto book = PriceBook::parse(text, "fuzz.json");
  if (book) {
    const std::string canonical = book->to_json();
    auto again = PriceBook::parse(canonical, "canonical");
    expect(again.ok(), "the canonical JSON of an accepted book is accepted");
    expect(again->to_json() == canonical && again->digest() == book->digest(),
           "an accepted book survives its canonical JSON");
    check_prices(std::make_shared<const PriceBook>(std::move(book).value()), {});
  } else {
    expect(book.error().message.size() <= 600, "a short error");
  }
  auto o = parse_rate_override(text, "override");
  if (o) {
    auto again = parse_rate_override(rate_override_json(*o), "again");
    expect(again.ok() && rate_override_json(*again) == rate_override_json(*o),
           "an accepted override survives its JSON");
    if (check_rate_override(*o, *PriceBook::builtin())) check_prices(PriceBook::builtin(), {*o});
  } else {
    expect(o.error().message.size() <= 600, "a short error");
  }
  return 0;
}
