// Commits in the PostgreSQL store: written set-based (one INSERT per few
// thousand rows of each table), read for load_commits.
#pragma once

#include <string>
#include <vector>

#include "collector/store/commit_rows.hpp"
#include "collector/store/commit_trust.hpp"
#include "collector/store/postgres/pg_connection.hpp"
#include "collector/store/store_rules.hpp"

namespace codepulse::collector::pg_store {

// Stores the commits of `sent` as commit_trust.hpp decides, each new copy
// with its files and reworked lines, inside the caller's open transaction.
// Returns what became of each commit of `sent` (a repeat later in `sent` is
// a duplicate, or refused like its first copy). `author` is the sender (from
// the token).
Result<std::vector<CommitStored>> insert_commits(pg::Connection& conn, const std::string& author,
                                                 const std::string& device_id,
                                                 const std::vector<const CommitRecord*>& sent,
                                                 int64_t now_ms);

// load_commits' reads of [since_ms, until_ms) into `facts`, inside the
// caller's open (snapshot) transaction.
Status read_commits(pg::Connection& conn, int64_t since_ms, int64_t until_ms,
                    CommitFactsBuilder& facts);

}  // namespace codepulse::collector::pg_store
