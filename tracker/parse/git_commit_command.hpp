// parse: recognising a git commit in a Bash tool call (its command) and in
// its result (the sha on the first output line). Nothing else is kept of either.
#pragma once

#include <string>
#include <string_view>

namespace codepulse::tracker {

// True for a shell command that runs `git ... commit`.
bool is_git_commit_command(std::string_view command);
// "[main 1a2b3c4] message" / "[main (root-commit) 1a2b3c4] ..." -> "1a2b3c4".
std::string extract_commit_sha(std::string_view stdout_text);

}  // namespace codepulse::tracker
