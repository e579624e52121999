// Who may send a commit and whose copy of it is kept (issue 22): a tracker
// sends only commits its own author wrote or committed, a copy from the
// commit's author outranks one from its committer, and what a signed GitHub
// or Bitbucket push says of the commit's author wins over any tracker.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/record/commit_record.hpp"

namespace codepulse::collector {

// The identities (emails) a token's author commits under, compared without
// regard to ASCII case: the author, and when the people directory has a
// person with that email or alias, that person's primary email and every
// alias an admin (or SCIM) mapped to them (docs/PEOPLE.md).
class Identities {
 public:
  explicit Identities(std::vector<std::string> emails);
  bool has(std::string_view email) const;

 private:
  std::vector<std::string> lowered_;
};
Identities identities_of(const std::string& author);
// The author and the emails the store's directory gives for it (each store
// reads them with people_sql::kSelectIdentities, bound to directory_key).
Identities identities_of(const std::string& author, std::vector<std::string> directory);
std::string directory_key(std::string_view author);  // trimmed, ASCII lower-cased

// How far a stored copy is trusted (the commits table's trust column):
// 0 stored before identity binding (any permitted copy replaces it), 1 sent
// by the commit's committer, 2 by its author.
enum class CommitTrust : int64_t { kLegacy = 0, kCommitter = 1, kAuthor = 2 };

// What a signed push said of a commit: its author and author time.
struct PushedAuthor {
  std::string email;
  int64_t time_ms = 0;
  std::string source;  // "github", "bitbucket"
};

// The copy of (repo, sha) a store holds.
struct StoredCopy {
  std::string sent_by;
  CommitTrust trust = CommitTrust::kLegacy;
};

// What to do with a tracker's commit, given what is stored of its sha.
struct CommitDecision {
  enum Kind { kRefuse, kDuplicate, kInsert, kReplace } kind = kRefuse;
  CommitTrust trust = CommitTrust::kLegacy;  // of the copy to store (kInsert, kReplace)
  std::string reason;                        // kRefuse: for the batch's answer
};
// stored_sender: the identities of the stored copy's sender (its sent_by
// with the directory's emails for it), needed when a push is known; without
// it, the sender's own email only.
CommitDecision decide_commit(const CommitRecord& c, const Identities& sender,
                             const std::optional<StoredCopy>& stored,
                             const std::optional<PushedAuthor>& pushed,
                             const Identities* stored_sender = nullptr);

// "tracker:<author>": the source column of a copy whose author facts came
// from a tracker (a push's facts say "github" or "bitbucket").
std::string tracker_source(const std::string& author);

// Line counts a tracker may claim for one commit: the added lines of all its
// files together at most kMaxTrackerCommitLines, the removed lines too, and
// its reworked lines too. A file's count over what is left is lowered to it.
inline constexpr int64_t kMaxTrackerCommitLines = 1'000'000;
CommitRecord capped_commit(const CommitRecord& c);

// Whether any file of the commit carries a measured survival mark.
bool carries_survival(const CommitRecord& c);

// The commit as stored: capped, with the push's author and time when a
// signed push named them.
CommitRecord commit_to_store(const CommitRecord& c, const std::optional<PushedAuthor>& pushed);

}  // namespace codepulse::collector
