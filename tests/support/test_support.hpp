// Helpers for tests: temporary folders, files, running the real binaries.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace codepulse::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& content);  // creates parents
void append_file(const std::string& path, const std::string& content);
std::string read_file(const std::string& path);
void make_dirs(const std::string& path);
// Every regular file below `dir`, recursively.
std::vector<std::string> list_files(const std::string& dir);

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};
// The environment a spawned program gets: this process's, without what the
// programs read from it (HOME, TZ, CLAUDE_CONFIG_DIR, CLAUDE_PROJECT_DIR, the other assistants'
// folders, every XDG_*, CODEPULSE_* and COPILOT_*), so the caller's settings never reach a test;
// HOME=/nonexistent and TZ=UTC instead; then `env`'s "K=V" entries, which win.
std::vector<std::string> test_environment(const std::vector<std::string>& env);

// Runs argv (no shell) in test_environment(env).
CommandResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

// A child process left running, in test_environment(env): output goes to files in `log_dir`.
class Process {
 public:
  // fsize_limit >= 0: the child's soft RLIMIT_FSIZE (SIGXFSZ ignored), to
  // simulate a full disk; raise it again with allow_file_size().
  Process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
          const std::string& log_prefix, int64_t fsize_limit = -1);
  void allow_file_size();
  ~Process();  // kills it (SIGKILL) if still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  int pid() const { return pid_; }
  void signal(int sig);
  // Exit code (or 128 + signal), or -1 when it did not end within timeout_ms.
  int wait(int timeout_ms);
  bool running();
  std::string err() const;  // what it wrote to stderr so far

 private:
  int pid_ = -1;
  int status_ = -1;
  std::string err_path_;
};

// A row of `report --group-by date,model --format csv` (either program).
struct DayModelRow {
  int64_t requests = 0, input = 0, output = 0, cache_create = 0, cache_read = 0;
  std::string cost_cents;  // "12.34"; empty when every record of the row is unpriced
};
// Keyed "YYYY-MM-DD|model"; throws on a malformed report.
std::map<std::string, DayModelRow> parse_day_model_csv(const std::string& csv);

// Polls `check` every 20 ms until it holds or timeout_ms passes.
bool eventually(int timeout_ms, const std::function<bool()>& check);
// How long a test waits for what must happen (a record stored, a process
// ended, a reply): generous, so a loaded machine (sanitizers, parallel tests)
// is slow but does not fail. A wait ends as soon as its condition holds; no
// test measures speed (bench/ does).
inline constexpr int kPatienceMs = 120'000;

std::string tracker_bin();
std::string source_dir();
// ../shared/fixtures/claude-code beside the checkout, or nullopt when absent.
std::optional<std::string> shared_fixtures();
// The ccusage binary from $CODEPULSE_CCUSAGE or known install places, if any.
std::optional<std::string> ccusage_bin();
// Claude Code's native binary from $CODEPULSE_CLAUDE_CODE or known install
// places (packaging/install-peers.sh), if any.
std::optional<std::string> claude_code_bin();
// Codex CLI's native binary ($CODEPULSE_CODEX or build/peers), if any.
std::optional<std::string> codex_bin();
// Gemini CLI's bundled script, run with node ($CODEPULSE_GEMINI_CLI or
// build/peers), if any and node is on PATH.
std::optional<std::string> gemini_cli_js();
// OpenCode's native binary ($CODEPULSE_OPENCODE or build/peers), if any.
std::optional<std::string> opencode_bin();
// GitHub Copilot CLI's native binary (@github/copilot-linux-x64) from
// $CODEPULSE_COPILOT_CLI or known install places, if any.
std::optional<std::string> copilot_cli_bin();

}  // namespace codepulse::test
