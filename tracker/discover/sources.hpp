// discover: where the assistants other than Claude Code keep their logs
// (docs/ASSISTANTS.md), which files there are logs, and in which format.
// Claude Code's own folders are claude_dirs.hpp's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/environment.hpp"
#include "common/result.hpp"
#include "tracker/discover/claude_dirs.hpp"

struct stat;

namespace codepulse::tracker {

// How a log file is read.
enum class LogFormat : uint8_t {
  kClaude,           // Claude Code transcript lines (Claude Code, Claude Desktop agent mode)
  kCodexRollout,     // Codex CLI rollout-*.jsonl
  kGeminiJsonl,      // Gemini CLI session-*.jsonl: appended
  kGeminiJson,       // Gemini CLI session-*.json: one object, rewritten whole
  kCopilotOtel,      // Copilot CLI OpenTelemetry file export (JSONL)
  kOpenCodeDb,       // OpenCode's SQLite database
  kOpenCodeMessage,  // OpenCode's legacy storage/message/<session>/<message>.json
};
const char* log_format_name(LogFormat f);

// A folder an assistant writes its logs below (watched and walked; it may
// not exist yet).
struct SourceRoot {
  std::string_view assistant;  // common/record/assistant.hpp
  std::string path;
};

// A log file: where, whose, and how it is read.
struct SourceFile {
  std::string path;
  std::string_view assistant;
  LogFormat format = LogFormat::kClaude;
  // What the listing's stat() of `path` found (size -1: not taken), so a
  // scan that finds it unchanged since its last read needs no second one.
  struct Seen {
    int64_t dev = 0, ino = 0, size = -1, mtime_ns = 0;
    static Seen of(const struct ::stat& st);
  } seen;
};

// Which assistants to read; an empty list reads every one.
struct SourceSelection {
  std::vector<std::string> assistants;
  bool wants(std::string_view assistant) const;
  // The names must be known ones (common/record/assistant.hpp).
  Status check() const;
};

class Sources {
 public:
  Sources() = default;
  // The folders of every selected assistant but Claude Code, from the
  // environment (CODEX_HOME, GEMINI_CLI_HOME, GEMINI_DATA_DIR,
  // XDG_DATA_HOME, OPENCODE_DATA_DIR, COPILOT_OTEL_FILE_EXPORTER_PATH,
  // COPILOT_HOME, XDG_CONFIG_HOME) and the usual places below the home folder.
  // `explicit_dirs` ("codex=/some/folder") replace the discovery of their
  // assistant; an unknown assistant or a malformed entry is an error.
  static Result<Sources> find(const Environment& env, const SourceSelection& selection,
                              const std::vector<std::string>& explicit_dirs = {});
  // A folder read as `assistant`'s: as found, or given by the user (a
  // CODEX_HOME for codex, a .gemini folder for gemini-cli is accepted too).
  void add_root(std::string_view assistant, std::string path);
  void add_given(std::string_view assistant, const std::string& path);
  // One Copilot CLI export file (COPILOT_OTEL_FILE_EXPORTER_PATH, or a file
  // given as copilot-cli's folder): its folder is watched for it, and no
  // other file there is read.
  void add_copilot_file(std::string path);

  const std::vector<SourceRoot>& roots() const { return roots_; }
  // Copilot CLI's own folder (COPILOT_HOME or ~/.copilot), where its
  // session-state/<session>/workspace.yaml tells a session's folder.
  const std::string& copilot_home() const { return copilot_home_; }
  // The log `path` is, or nullopt when it is none of these assistants'
  // (a file an assistant keeps for itself, a backup copy, a temporary
  // file). An OpenCode database's -wal file stands for the database.
  std::optional<SourceFile> classify(const std::string& path) const;
  // Whether a folder below a root can hold logs: the watcher and the walk do
  // not enter the others (OpenCode's snapshot repositories, for one).
  bool descend(const std::string& folder) const;
  // Every log below the roots, sorted, each (device, inode) once; a Codex
  // rollout both in sessions/ and archived_sessions/ is read from sessions/.
  std::vector<SourceFile> list(std::vector<Problem>& problems) const;

 private:
  const SourceRoot* root_of(const std::string& path, std::string_view& below) const;
  // Whether `path` is below a folder read whole as Copilot CLI exports.
  bool in_copilot_folder(const std::string& path) const;
  std::vector<SourceRoot> roots_;
  std::vector<std::string> copilot_files_;    // COPILOT_OTEL_FILE_EXPORTER_PATH
  std::vector<std::string> copilot_folders_;  // folders read whole (~/.copilot/otel)
  std::string copilot_home_;
};

// A file name any watched assistant writes its logs under (the watcher's
// filter): *.jsonl, *.json, *.db, *.db-wal.
bool is_log_name(std::string_view file_name);

}  // namespace codepulse::tracker
