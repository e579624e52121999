// Organisation rates for report tests: the builtin book with overrides that
// make the organisation's cost differ from the list price.
#pragma once

#include <memory>
#include <string>

#include "common/pricing/pricer.hpp"

namespace codepulse::test {

// An override from its JSON, checked against `book` (REQUIREd to be valid).
RateOverride override_from(const std::string& json, const PriceBook& book);

// The builtin book, with Opus 4.6 at half its list price and Haiku 4.5 at a
// negotiated $4 per million input tokens (list: $1), $20 output.
std::shared_ptr<const Pricer> org_rates_pricer();

}  // namespace codepulse::test
