// Which repositories the git scan reads: git_include / git_exclude patterns
// (shell globs, '*' crossing '/') matched against the repository's identity
// ("github.com/acme/api") and its root folder.
#pragma once

#include <string>
#include <vector>

namespace codepulse::tracker {

// True when no exclude pattern matches and, if include patterns are given,
// one of them does.
bool repo_selected(const std::string& identity, const std::string& root,
                   const std::vector<std::string>& include,
                   const std::vector<std::string>& exclude);

}  // namespace codepulse::tracker
