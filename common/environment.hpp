// The process environment, read once in main() and passed down, so nothing
// deeper calls getenv().
#pragma once

#include <optional>
#include <string>

namespace codepulse {

struct Environment {
  std::string home;
  std::optional<std::string> xdg_config_home;
  std::optional<std::string> xdg_state_home;
  std::optional<std::string> claude_config_dir;
  // Where the other assistants keep their logs (tracker/discover/sources.hpp).
  std::optional<std::string> xdg_data_home;
  std::optional<std::string> codex_home;         // CODEX_HOME: a comma-separated list
  std::optional<std::string> gemini_cli_home;    // GEMINI_CLI_HOME: holds .gemini/
  std::optional<std::string> gemini_data_dir;    // GEMINI_DATA_DIR (ccusage's): .gemini/tmp folders
  std::optional<std::string> opencode_data_dir;  // OPENCODE_DATA_DIR
  std::optional<std::string> copilot_otel_file;  // COPILOT_OTEL_FILE_EXPORTER_PATH
  std::optional<std::string> copilot_home;       // COPILOT_HOME: replaces ~/.copilot
  std::optional<std::string> tz;

  static Environment from_process();
  // $XDG_STATE_HOME/codepulse or ~/.local/state/codepulse
  std::string default_state_dir() const;
};

}  // namespace codepulse
