// Commits in the PostgreSQL store: written set-based (one INSERT per few
// thousand rows of each table), read for load_commits.
#pragma once

#include <string>
#include <vector>

#include "collector/store/commit_rows.hpp"
#include "collector/store/postgres/pg_connection.hpp"

namespace codepulse::collector::pg_store {

// Inserts the commits of `sent` not stored yet (by anyone), each with its
// files and reworked lines, inside the caller's open transaction. Returns,
// for each commit of `sent`, whether it is new (false: stored before, or
// earlier in `sent`). `author` is the sender (from the token).
Result<std::vector<bool>> insert_commits(pg::Connection& conn, const std::string& author,
                                         const std::string& device_id,
                                         const std::vector<const CommitRecord*>& sent,
                                         int64_t now_ms);

// load_commits' reads of [since_ms, until_ms) into `facts`, inside the
// caller's open (snapshot) transaction.
Status read_commits(pg::Connection& conn, int64_t since_ms, int64_t until_ms,
                    CommitFactsBuilder& facts);

}  // namespace codepulse::collector::pg_store
