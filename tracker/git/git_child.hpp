// One long-lived git child spoken to over pipes: a request written to its
// stdin, its answer read back from its stdout within the runner's time
// limit, SIGPIPE held back while writing. git_objects.hpp (`cat-file
// --batch`) and git_diffs.hpp (`diff-tree --stdin`) ask through one each.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/c_handles.hpp"
#include "common/result.hpp"
#include "tracker/git/git_process.hpp"

namespace codepulse::tracker {

class GitChild {
 public:
  GitChild(const GitRunner& git, std::string repo_root, std::vector<std::string> args);
  GitChild(const GitChild&) = delete;
  GitChild& operator=(const GitChild&) = delete;

  // Starts the child when it is not running, then writes `request`.
  Status send(std::string_view request);
  // The next line of the answer (without its newline).
  Status read_line(std::string& line);
  // The next `bytes` bytes of the answer, in pieces.
  Status read_exact(int64_t bytes, const std::function<Status(std::string_view)>& take);
  // Whatever the child has written so far (at least one byte).
  Status read_some(const std::function<Status(std::string_view)>& take);
  // Stops the child (out of step, or done): the next send starts another.
  void stop();

  // "`git <subcommand> <mode>` in <root>", for errors.
  const std::string& what() const { return what_; }
  int64_t processes() const { return processes_; }

 private:
  Status start();
  Status fill();

  const GitRunner& git_;
  std::string root_;
  std::vector<std::string> args_;
  std::string what_;
  ChildProcess process_;
  UniqueFd to_, from_;
  std::string buffered_;  // read, not yet taken
  int64_t deadline_ = 0;  // of the request being answered
  int64_t processes_ = 0;
};

}  // namespace codepulse::tracker
