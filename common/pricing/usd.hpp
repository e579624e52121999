// Dollars as text, from exact nano-dollars.
#pragma once

#include <cstdint>
#include <string>

namespace codepulse {

// "12.345678" from nano-dollars, rounded half away from zero to `decimals`.
std::string format_usd(int64_t nanos, int decimals = 6);

}  // namespace codepulse
