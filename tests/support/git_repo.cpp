#include "tests/support/git_repo.hpp"

#include <stdexcept>

#include "tests/support/test_support.hpp"

namespace codepulse::test {

GitRepoBuilder::GitRepoBuilder(std::string root) : root_(std::move(root)) {
  make_dirs(root_);
  git({"init", "-q", "-b", "main"});
}

void GitRepoBuilder::write(const std::string& rel, const std::string& content) const {
  write_file(root_ + "/" + rel, content);
}

std::string GitRepoBuilder::numbered_lines(const std::string& prefix, int n) {
  std::string out;
  for (int i = 1; i <= n; ++i)
    out += prefix + std::to_string(i) + "\n";
  return out;
}

std::vector<std::string> GitRepoBuilder::lines_at(const std::string& rev,
                                                  const std::string& path) const {
  const std::string text = git({"show", rev + ":" + path});
  std::vector<std::string> out;
  for (size_t at = 0; at < text.size();) {
    const size_t nl = text.find('\n', at);
    out.push_back(text.substr(at, nl - at));
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return out;
}

std::string GitRepoBuilder::git(const std::vector<std::string>& args, int64_t day, int64_t second,
                                const GitPerson& who) const {
  std::vector<std::string> argv = {"git", "-C", root_};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string date = "@" + std::to_string(kEpochS + day * 86'400 + second) + " +0000";
  const CommandResult r =
      run(argv, {"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
                 "GIT_AUTHOR_NAME=" + who.name, "GIT_AUTHOR_EMAIL=" + who.email,
                 "GIT_COMMITTER_NAME=" + who.name, "GIT_COMMITTER_EMAIL=" + who.email,
                 "GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date});
  if (r.exit_code != 0)
    throw std::runtime_error("git " + (args.empty() ? "" : args[0]) + " failed: " + r.err);
  return r.out;
}

std::string GitRepoBuilder::commit(const std::string& message, int64_t day, int64_t second,
                                   const GitPerson& who) const {
  git({"add", "-A"}, day, second, who);
  git({"commit", "-q", "--allow-empty", "-m", message}, day, second, who);
  std::string sha = git({"rev-parse", "HEAD"});
  while (!sha.empty() && sha.back() == '\n')
    sha.pop_back();
  return sha;
}

}  // namespace codepulse::test
