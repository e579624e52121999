// The tracker's own identities and a repository's user.email (commit_identity.hpp).
#include "tracker/git/commit_identity.hpp"

#include <algorithm>

#include "common/ascii.hpp"

namespace codepulse::tracker {

CommitIdentities::CommitIdentities(const std::vector<std::string>& emails) {
  for (const std::string& e : emails)
    add(e);
}

void CommitIdentities::add(std::string_view email) {
  std::string n = ascii_lower(trim(email));
  if (!n.empty() && !has(n)) lowered_.push_back(std::move(n));
}

bool CommitIdentities::has(std::string_view email) const {
  const std::string n = ascii_lower(trim(email));
  return !n.empty() && std::find(lowered_.begin(), lowered_.end(), n) != lowered_.end();
}

std::optional<std::string> read_repo_user_email(const GitRunner& git,
                                                const std::string& repo_root) {
  std::string email;
  // `git config` exits 1 when the key is unset: no email, like an error.
  auto s = git.run(repo_root, {"config", "--get", "user.email"}, '\n',
                   [&](std::string_view line, bool) -> Status {
                     if (email.empty()) email = std::string(trim(line));
                     return {};
                   });
  if (!s || email.empty()) return std::nullopt;
  return email;
}

}  // namespace codepulse::tracker
