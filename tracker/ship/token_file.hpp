// The collector API token, read from a file that only its owner may read.
#pragma once

#include <string>

#include "common/result.hpp"

namespace codepulse::tracker {

// Refuses a file readable or writable by group or others (like ssh does with
// keys), or owned by another user; trims the trailing newline.
Result<std::string> read_token_file(const std::string& path);

}  // namespace codepulse::tracker
