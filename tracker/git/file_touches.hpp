// Which files the local branches' commits changed since a time, from one
// `git log` over the window (docs/PROVENANCE.md, "Rework"): lets the rework
// count skip blaming a file no commit changed inside the rework window, as
// every line such a file loses is older than the window and blame could
// find no rework in it. A merge counts as changing every file it differs
// in from any parent. When the log cannot be trusted (a path git's output
// would make ambiguous, more changes than the bound), every file counts as
// changed and blame runs as before.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "tracker/git/git_process.hpp"

namespace codepulse::tracker {

class FileTouches {
 public:
  static constexpr size_t kMaxTouches = 1'000'000;  // (file, commit) pairs kept

  // The changes of commits made at or after since_s (committer time).
  static Result<FileTouches> read(const GitRunner& git, const std::string& repo_root,
                                  int64_t since_s, size_t max_touches = kMaxTouches);

  // Whether a commit other than `except_sha`, made at or after since_s,
  // changed `path`; true when this log does not reach back that far or
  // cannot be trusted.
  bool changed_since(const std::string& path, int64_t since_s, const std::string& except_sha) const;

  bool reliable() const { return reliable_; }

 private:
  struct Touch {
    int64_t at_s;
    uint64_t commit;  // a hash of the commit's name
  };
  std::unordered_map<std::string, std::vector<Touch>> touches_;
  int64_t since_s_ = 0;
  bool reliable_ = true;
};

}  // namespace codepulse::tracker
