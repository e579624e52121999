// Runs a real assistant CLI once, offline, in an environment made from
// nothing: the shared part of the runners (claude_code_run, codex_run,
// gemini_run, opencode_run).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

namespace codepulse::test {

// A temporary HOME and working folder ("app") for runs of a real CLI, gone
// with it.
struct RunDirs {
  TempDir dir;
  std::string home = dir / "home", cwd = dir / "app";
  RunDirs() {
    make_dirs(home);
    make_dirs(cwd);
  }
};

// What a test asks of one run of a real CLI: its HOME and working folder,
// the mock it talks to (base_url), the model and the prompt.
struct RunSpec {
  std::string home, cwd, base_url, model, prompt;
};

struct OfflineRun {
  CommandResult result;  // exit code (124: killed after 5 minutes), stdout, stderr
  std::chrono::milliseconds took{0};
};

// `command` in `cwd`, standard input /dev/null, in exactly this environment
// (env -i: nothing of this process's reaches it): PATH, HOME=home, TZ=UTC,
// TMPDIR=home/tmp (made here, gone with `home`), then `env` ("K=V").
// Killed after 5 minutes.
OfflineRun run_offline(const std::string& home, const std::string& cwd,
                       const std::vector<std::string>& env,
                       const std::vector<std::string>& command);

// Fails the test (REQUIRE) unless the run exited 0, showing what it printed.
void require_success(const OfflineRun& run);

// The files below `dir` (recursively) whose path contains `part` and ends in
// `suffix`, sorted: the logs a run wrote.
std::vector<std::string> files_below(const std::string& dir, const std::string& part,
                                     const std::string& suffix);

// A string field of the JSON object the run printed (its --output-format
// json result); empty when there is none.
std::string output_field(const OfflineRun& run, const char* key);

}  // namespace codepulse::test
