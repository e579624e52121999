// Binding and reading a commit's own columns (repo through ai_coauthor, in
// the order below) through common/sqlite.hpp's statements: the tracker's
// commit queue and the collector's SQLite commits table name them alike.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/record/commit_columns.hpp"
#include "common/record/commit_record.hpp"
#include "common/record/object_names.hpp"
#include "common/sqlite.hpp"

namespace codepulse {

// Binds repo, sha, parents, author_email, committer_email, author_ms,
// committer_ms, branch, task_keys and ai_coauthor to ?first .. ?first+9.
// `parents` is join_object_names(c.parents); it and c must outlive the run.
inline void bind_commit_fields(sql::Statement& st, int first, const CommitRecord& c,
                               const std::string& parents) {
  for_each_commit_field(c, parents,
                        [&](size_t i, auto value) { st.bind(first + static_cast<int>(i), value); });
}

// Reads the same ten columns from first_col on; files and reworked lines
// are left as they are.
inline void read_commit_fields(const sql::Statement& st, int first_col, CommitRecord& c) {
  c.repo = std::string(st.text(first_col));
  c.sha = std::string(st.text(first_col + 1));
  c.parents = split_object_names(st.text(first_col + 2));
  c.author_email = std::string(st.text(first_col + 3));
  c.committer_email = std::string(st.text(first_col + 4));
  c.author_ms = st.int64(first_col + 5);
  c.committer_ms = st.int64(first_col + 6);
  c.branch = std::string(st.text(first_col + 7));
  c.task_keys = std::string(st.text(first_col + 8));
  c.ai_coauthor = st.int64(first_col + 9) != 0;
}

}  // namespace codepulse
