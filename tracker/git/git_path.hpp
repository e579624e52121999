// Paths as git prints them in patches and blame: plain, or C-style quoted
// when they hold a special byte ("\"a\\tb\"").
#pragma once

#include <string>
#include <string_view>

namespace codepulse::tracker {

// Git's C-style quoted path unquoted; plain text as is.
std::string unquote_git_path(std::string_view text);

// The path of a patch's "--- a/path" or "+++ b/path" header, given what
// follows "--- " or "+++ ": unquoted, without its "a/" or "b/" prefix and
// without the tab git writes after a name holding a space; "" for /dev/null.
std::string patch_header_path(std::string_view header);

}  // namespace codepulse::tracker
