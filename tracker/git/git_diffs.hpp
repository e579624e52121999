// `git diff-tree --stdin` kept running for a pass: each commit's patch asked
// for with one line on its stdin instead of a git process per commit (a git
// process costs 15-30 ms on a laptop). After each request a line that names
// no object is written; git echoes it once the patch is out, which marks
// the patch's end.
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"
#include "tracker/git/git_child.hpp"
#include "tracker/git/git_process.hpp"

namespace codepulse::tracker {

// The options every patch the git pass reads is made with: zero lines of
// context, renames found, no external diff or text conversion, a/ and b/
// prefixes whatever the user's configuration, no commit id.
std::vector<std::string> zero_context_patch_options();

class GitDiffs {
 public:
  // `options`: diff-tree's options (after "diff-tree --stdin").
  GitDiffs(const GitRunner& git, std::string repo_root, std::vector<std::string> options);

  // The patch of `commit` against its parents, or against `parent` when one
  // is given, line by line (cut past the runner's record limit like
  // GitRunner::run's records). Object names must be full hexadecimal names.
  // An error from on_line stops the child and comes back naming the command
  // and the commit.
  Status diff(const std::string& commit, const std::string& parent, const GitRecordFn& on_line);

  int64_t processes() const { return child_.processes(); }

 private:
  const GitRunner& git_;
  GitChild child_;
};

}  // namespace codepulse::tracker
