#include "common/environment.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace codepulse {
namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

}  // namespace

Environment Environment::from_process() {
  Environment e;
  if (auto h = env("HOME")) {
    e.home = *h;
  } else if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) {
    e.home = pw->pw_dir;
  }
  e.xdg_config_home = env("XDG_CONFIG_HOME");
  e.xdg_state_home = env("XDG_STATE_HOME");
  if (const char* v = std::getenv("CLAUDE_CONFIG_DIR"); v) e.claude_config_dir = std::string(v);
  e.tz = env("TZ");
  e.xdg_data_home = env("XDG_DATA_HOME");
  e.codex_home = env("CODEX_HOME");
  e.gemini_cli_home = env("GEMINI_CLI_HOME");
  e.gemini_data_dir = env("GEMINI_DATA_DIR");
  e.opencode_data_dir = env("OPENCODE_DATA_DIR");
  e.copilot_otel_file = env("COPILOT_OTEL_FILE_EXPORTER_PATH");
  e.copilot_home = env("COPILOT_HOME");
  return e;
}

std::string Environment::default_state_dir() const {
  if (xdg_state_home && (*xdg_state_home)[0] == '/') return *xdg_state_home + "/codepulse";
  return home + "/.local/state/codepulse";
}

}  // namespace codepulse
