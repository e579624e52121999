// A real git repository a test builds commit by commit, with commit times
// chosen by the test (days after a fixed epoch), by running `git` itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace codepulse::test {

// Who commits: author and committer alike.
struct GitPerson {
  std::string name = "Dev";
  std::string email = "dev@acme.example";
};

class GitRepoBuilder {
 public:
  // 2026-01-01T00:00:00Z: day 0 of every test repository.
  static constexpr int64_t kEpochS = 1767225600;
  static int64_t day_ms(int64_t day) { return (kEpochS + day * 86'400) * 1000; }

  // `git init -b main` in root (created when missing).
  explicit GitRepoBuilder(std::string root);

  const std::string& root() const { return root_; }
  void write(const std::string& rel, const std::string& content) const;
  // Lines "<prefix>1" .. "<prefix>n", each ending in a newline.
  static std::string numbered_lines(const std::string& prefix, int n);
  // Runs git in the repository at `second` seconds into `day`, as `who`;
  // throws with git's stderr when it fails.
  std::string git(const std::vector<std::string>& args, int64_t day = 0, int64_t second = 0,
                  const GitPerson& who = {}) const;
  // The lines of `path` at `rev` ("HEAD", a branch, a commit), without their newlines.
  std::vector<std::string> lines_at(const std::string& rev, const std::string& path) const;
  // Stages everything and commits at `second` seconds into `day`; returns the
  // new commit's sha.
  std::string commit(const std::string& message, int64_t day, int64_t second = 0,
                     const GitPerson& who = {}) const;

 private:
  std::string root_;
};

}  // namespace codepulse::test
