// URL query strings: "a=1&b=x%20y&a=2" -> ordered (name, value) pairs.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace codepulse::collector {

// Percent-decodes names and values ('+' is a space). A bad escape, or a
// decoded NUL, is an error naming the parameter.
Result<std::vector<std::pair<std::string, std::string>>> parse_query_string(std::string_view q);

}  // namespace codepulse::collector
