// Whose commits a tracker sends: the identities (emails) of its own author,
// compared without regard to ASCII case, and the repository's git user.email
// that stands for the author when none is configured (docs/SECURITY.md,
// "Commits bound to their author").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/record/commit_record.hpp"
#include "tracker/git/git_process.hpp"

namespace codepulse::tracker {

class CommitIdentities {
 public:
  CommitIdentities() = default;
  explicit CommitIdentities(const std::vector<std::string>& emails);
  void add(std::string_view email);
  bool empty() const { return lowered_.empty(); }
  bool has(std::string_view email) const;
  // The tracker's own commit: its author or its committer is one of them
  // (the collector takes a commit from either's tracker).
  bool owns(const CommitRecord& c) const { return has(c.author_email) || has(c.committer_email); }

 private:
  std::vector<std::string> lowered_;
};

// The user.email git uses in the repository (its own config and what that
// includes; the user's global config is not read here), or nullopt when it
// sets none.
std::optional<std::string> read_repo_user_email(const GitRunner& git, const std::string& repo_root);

}  // namespace codepulse::tracker
