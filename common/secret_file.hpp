// Secrets kept in files (webhook secrets, the providers' admin keys): the
// file must be private to its owner (no permission for group or others,
// e.g. 0600) and hold one secret of a bounded length.
#pragma once

#include <cstddef>
#include <string>

#include "common/result.hpp"

namespace codepulse {

// The secret in `path`, surrounding white space dropped: a private file of
// `min_size` to `max_size` characters. `key` names the setting in errors,
// which name the file and never its content; `how` (" (e.g. ...)") says
// how to make a good one.
Result<std::string> read_secret_file(const std::string& key, const std::string& path,
                                     size_t min_size, size_t max_size, const std::string& how);

}  // namespace codepulse
