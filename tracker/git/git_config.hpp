// Git config files: a parser for the subset of git's syntax that matters for
// reading, the remote URL a repository's config names, and the user's email
// from the global config. Only metadata files are read; git is never run.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace codepulse {

struct ConfigEntry {
  std::string section;               // lowercased
  std::string subsection;            // case kept ([remote "Origin"] != [remote "origin"])
  std::string key;                   // lowercased
  std::optional<std::string> value;  // nullopt for a bare "key" (boolean true)
};

// Entries in file order, following git's config.c rules: "[section]",
// "[section \"sub\"]" and legacy "[section.sub]" headers; case-insensitive
// section and key names; values trimmed, with "..." quoting, the escapes
// \n \t \b \" \\, "#"/";" comments outside quotes and a trailing backslash
// joining the next line. Parsing stops at the first syntax error and keeps
// what came before it, so a damaged file degrades instead of failing outright.
std::vector<ConfigEntry> parse_git_config(std::string_view text);

// The entries of a config file; none when it cannot be read or is over 4 MiB.
std::vector<ConfigEntry> read_git_config_file(const std::string& path);

// URL of remote "origin", else of the first remote (in file order) that has
// one. Within a remote the first url wins, as for git fetch.
std::optional<std::string> pick_remote_url(const std::vector<ConfigEntry>& entries);

// user.email from the user's global git config: <xdg_config_home>/git/config
// (or <home>/.config/git/config when xdg_config_home is empty), then
// <home>/.gitconfig; the later value wins, as with git. "[include] path = ..."
// is followed (relative to the including file, "~/" expanded to home) up to 10
// levels deep; "[includeIf ...]" is not evaluated since there is no repository
// context here. Non-absolute home / xdg_config_home are ignored. nullopt when
// unset or empty.
std::optional<std::string> read_git_user_email(const std::string& home,
                                               const std::string& xdg_config_home);

}  // namespace codepulse
