// Installing and removing the hook in a settings file: read, edit, back up
// the old text, write the new one atomically with the file's own mode.
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/atomic_file.hpp"
#include "tracker/hook/claude_settings.hpp"

namespace codepulse::tracker {
namespace {

// A symbolic link (a dotfiles manager's) is followed: its target is edited.
std::string resolved(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) != nullptr) return buf;
  return path;
}

template <class Edit>
Result<SettingsChange> change_file(const std::string& given, Edit edit) {
  SettingsChange change;
  change.path = resolved(given);
  std::string old;
  mode_t mode = 0644;  // a new file holds only the hook (managed settings must be readable)
  struct stat st {};
  const bool exists = ::stat(change.path.c_str(), &st) == 0;
  if (exists) {
    if (!S_ISREG(st.st_mode)) return make_error(change.path + " is not a file");
    std::ifstream in(change.path, std::ios::binary);
    if (!in) return make_error("cannot read " + change.path + ": " + std::strerror(errno));
    std::stringstream ss;
    ss << in.rdbuf();
    old = ss.str();
    mode = st.st_mode & 07777;
  }
  auto text = edit(old, change.changed);
  if (!text) return make_error(change.path + ": " + text.error().message + "; left unchanged");
  if (!change.changed) return change;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(change.path).parent_path(), ec);
  if (exists) {
    change.backup = change.path + ".codepulse-backup";
    if (auto s = write_file_atomically(change.backup, old, mode); !s) return s.error();
  }
  if (auto s = write_file_atomically(change.path, *text, mode); !s) return s.error();
  return change;
}

}  // namespace

std::string claude_settings_path(const Environment& env) {
  if (env.claude_config_dir && !env.claude_config_dir->empty())
    return *env.claude_config_dir + "/settings.json";
  return env.home + "/.claude/settings.json";
}

Result<SettingsChange> install_hook(const std::string& path, const std::string& command) {
  return change_file(path, [&](std::string_view old, bool& changed) {
    return settings_with_hook(old, command, changed);
  });
}

Result<SettingsChange> uninstall_hook(const std::string& path) {
  return change_file(path, [](std::string_view old, bool& changed) {
    return settings_without_hook(old, changed);
  });
}

}  // namespace codepulse::tracker
