// The default price table, compiled in from common/prices/default-prices.json.
#pragma once

#include <string_view>

namespace codepulse {
std::string_view embedded_default_prices();
}
