// hook: adding `codepulse-tracker hook` to a Claude Code settings file for
// SessionStart and UserPromptSubmit, and removing exactly that again. Every
// other setting and hook is kept; the file is rewritten as JSON indented by
// two spaces, atomically, after a backup of the old one (docs/HOOK.md).
#pragma once

#include <string>
#include <string_view>

#include "common/environment.hpp"
#include "common/result.hpp"

namespace codepulse::tracker {

// The events the hook is installed for.
inline constexpr std::string_view kHookEvents[] = {"SessionStart", "UserPromptSubmit"};
// Seconds Claude Code waits for the hook before it goes on without it.
inline constexpr int kHookTimeoutS = 5;

// $CLAUDE_CONFIG_DIR/settings.json, else ~/.claude/settings.json.
std::string claude_settings_path(const Environment& env);

// True for a hook command this tracker installs: its program is named
// codepulse-tracker and its first argument is "hook".
bool is_codepulse_hook_command(std::string_view command);

// The settings text with the hook in place for each event (a changed command
// replaced, a second copy removed); `changed` says whether anything changed.
// "" counts as {}. An error, and nothing changed, when the text is not a JSON
// object or its "hooks" are not shaped as Claude Code reads them.
Result<std::string> settings_with_hook(std::string_view text, const std::string& command,
                                       bool& changed);
// The settings text without any codepulse hook: an emptied group, event list
// or "hooks" object goes too.
Result<std::string> settings_without_hook(std::string_view text, bool& changed);

// What install or uninstall did to a file.
struct SettingsChange {
  bool changed = false;
  std::string path;    // the file written (a symbolic link's target)
  std::string backup;  // the old file's copy ("" when there was none)
};

// Reads `path` (missing: {}), applies the change, and when it changes
// anything writes the old text to <path>.codepulse-backup and the new one over
// the file (same mode; 0644 for a new file, which holds only the hook; the folder
// made when missing).
Result<SettingsChange> install_hook(const std::string& path, const std::string& command);
Result<SettingsChange> uninstall_hook(const std::string& path);

}  // namespace codepulse::tracker
