// A commit's own columns, listed once: the tracker's commit queue and both
// collector stores name, bind and send them in this order (files and
// reworked lines are rows of their own).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/record/commit_record.hpp"

namespace codepulse {

inline constexpr size_t kCommitFieldCount = 10;

// Calls fn(index, value) for repo, sha, parents, author_email,
// committer_email, author_ms, committer_ms, branch, task_keys and
// ai_coauthor; text as std::string_view, numbers and the flag as int64_t.
// `parents` is join_object_names(c.parents): one column.
template <class Fn>
void for_each_commit_field(const CommitRecord& c, std::string_view parents, Fn&& fn) {
  size_t i = 0;
  fn(i++, std::string_view(c.repo));
  fn(i++, std::string_view(c.sha));
  fn(i++, parents);
  fn(i++, std::string_view(c.author_email));
  fn(i++, std::string_view(c.committer_email));
  fn(i++, c.author_ms);
  fn(i++, c.committer_ms);
  fn(i++, std::string_view(c.branch));
  fn(i++, std::string_view(c.task_keys));
  fn(i++, int64_t{c.ai_coauthor});
}

}  // namespace codepulse
