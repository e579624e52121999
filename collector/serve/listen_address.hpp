// The `listen` setting: "host:port" or "[v6]:port" split into its parts.
#pragma once

#include <string>
#include <utility>

#include "common/result.hpp"

namespace codepulse::collector {

// {host, port}; an error naming the address when it is not HOST:PORT with
// PORT 0-65535.
Result<std::pair<std::string, std::string>> split_listen(const std::string& listen);

}  // namespace codepulse::collector
