// Replacing a file atomically: readers see the old content or the new one,
// never a part, also after a crash.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace codepulse {

// Creates `path` anew (removing one left over, never following a link) with
// `mode`, writes `text` and syncs it; a file that could not be written whole
// is removed. The first half of a replacement, for callers that rename
// several files together.
Status write_synced_file(const std::string& path, std::string_view text, mode_t mode);

// Writes `text` to `path`.tmp with write_synced_file, renames it over `path`
// and syncs the folder.
Status write_file_atomically(const std::string& path, std::string_view text, mode_t mode = 0600);

}  // namespace codepulse
