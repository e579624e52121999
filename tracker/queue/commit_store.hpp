// queue: the git side of the tracker's local store (tables of migration 4):
// the repositories seen in sessions, the branch tips read in each, and the
// commit records waiting to be shipped. Works on any connection to
// tracker.db, so the daemon's git scan can write from its own thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/record/commit_record.hpp"
#include "common/result.hpp"
#include "common/sqlite.hpp"

namespace codepulse::tracker {

struct GitRepo {
  std::string root;      // absolute worktree root
  std::string identity;  // "github.com/acme/api", "local/<folder>"
};

struct QueuedCommit {
  int64_t id = 0;  // local row id
  CommitRecord commit;
};

struct CommitQueueStats {
  int64_t commits = 0, unshipped = 0, quarantined = 0;
  // Never queued: neither author nor committer is one of the tracker's
  // identities (counted by the git scan), and queued before that rule but
  // refused by the collector for it, then dropped (counted by the shipper).
  int64_t by_others = 0, not_ours_dropped = 0;
};

class CommitStore {
 public:
  explicit CommitStore(sql::Database& db) : db_(db) {}

  Status note_repo(const std::string& root, const std::string& identity);
  Result<std::vector<GitRepo>> repos();
  Result<std::vector<std::string>> tips(const std::string& root);
  Status set_tips(const std::string& root, const std::vector<std::string>& tips);

  Result<bool> has_commit(const std::string& repo, const std::string& sha);
  // False when the repository already holds a record of this sha.
  Result<bool> add(const CommitRecord& commit);

  Result<std::vector<QueuedCommit>> unshipped(size_t limit);
  // After the collector's 2xx for the batch that held them.
  Status mark_shipped(const std::vector<int64_t>& ids);
  // The collector refused the batch that held them: not sent again until released.
  Status quarantine(const std::vector<int64_t>& ids);
  Result<int64_t> release_quarantine();
  // Adds `n` to the count of teammates' commits read and not queued.
  Status count_by_others(int64_t n);
  // The collector refused them as not the tracker's author's: they leave the
  // queue (not quarantined: never the tracker's to send), counted.
  Status drop_not_ours(const std::vector<int64_t>& ids);
  Result<CommitQueueStats> stats();
  // Survival of the commit's file `idx` at a mark (21 or 90 days): written
  // into its queued files and the commit queued again, to be sent with it.
  // False when the commit is no longer queued (or has no such file).
  Result<bool> set_survival(const std::string& repo, const std::string& sha, size_t idx, int days,
                            int64_t lines_alive, int64_t ai_lines_alive);
  // Shipped commits queued before cutoff_ms, unless their survival is still
  // to be measured; returns how many went.
  Result<int64_t> expire(int64_t cutoff_ms);

 private:
  Status run_for_ids(const char* sql, const std::vector<int64_t>& ids);
  Status add_counter(const char* key, int64_t n);
  sql::Database& db_;
};

// The JSON arrays the store keeps files and reworked lines in.
std::string encode_commit_files(const std::vector<CommitFile>& files);
Result<std::vector<CommitFile>> decode_commit_files(std::string_view json);
// Reworked and fix-blame entries in one array, the latter marked "fix": true.
std::string encode_reworked(const std::vector<ReworkedLines>& reworked,
                            const std::vector<ReworkedLines>& fix_blame = {});
// Into c.reworked and c.fix_blame.
Status decode_reworked(std::string_view json, CommitRecord& c);

}  // namespace codepulse::tracker
