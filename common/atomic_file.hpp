// Replacing a file atomically: readers see the old content or the new one,
// never a part, also after a crash.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace codepulse {

// Writes `text` to `path`.tmp with `mode`, syncs it, renames it over `path`
// and syncs the folder.
Status write_file_atomically(const std::string& path, std::string_view text, mode_t mode = 0600);

}  // namespace codepulse
