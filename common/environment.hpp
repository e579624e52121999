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
  std::optional<std::string> tz;

  static Environment from_process();
  // $XDG_STATE_HOME/codepulse or ~/.local/state/codepulse
  std::string default_state_dir() const;
};

}  // namespace codepulse
