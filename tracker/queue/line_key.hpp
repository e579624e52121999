// queue: the laptop's line key, the secret line provenance fingerprints are
// keyed with (docs/PROVENANCE.md): 32 random bytes, hex encoded, in
// <state_dir>/line.key, made on first use with mode 0600. It never leaves the
// laptop; without it the fingerprints in tracker.db match nothing.
#pragma once

#include <string>

#include "common/result.hpp"

namespace codepulse::tracker {

inline constexpr const char* kLineKeyFile = "line.key";

// The key's raw bytes: read from the state folder, or made there when the
// file does not exist. A key file readable by group or others, not a regular
// file, or not 64 hex digits is an error naming the file (never its content).
Result<std::string> load_line_key(const std::string& state_dir);

}  // namespace codepulse::tracker
