// Paths as git prints them in patches and blame: plain, or C-style quoted
// when they hold a special byte ("\"a\\tb\"").
#pragma once

#include <string>
#include <string_view>

namespace codepulse::tracker {

// Git's C-style quoted path unquoted; plain text as is.
std::string unquote_git_path(std::string_view text);

}  // namespace codepulse::tracker
