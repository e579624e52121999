// A pricer over a price book written in a test (format 2 JSON).
#pragma once

#include <memory>
#include <stdexcept>
#include <string_view>

#include "common/pricing/pricer.hpp"

namespace codepulse::test {

// Throws std::runtime_error with the parser's message when `json` is not a book.
inline std::shared_ptr<const Pricer> pricer_of(std::string_view json) {
  auto parsed = PriceBook::parse(json, "test prices");
  if (!parsed) throw std::runtime_error(parsed.error().message);
  return std::make_shared<const Pricer>(
      std::make_shared<const PriceBook>(std::move(parsed).value()));
}

}  // namespace codepulse::test
