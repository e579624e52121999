// Shared by the repository-identity files of tracker/git/ (git_config,
// remote_url, worktree_probe, repo_identity): ASCII character classes, reading
// small git metadata files, and lexical handling of absolute paths.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace codepulse::git_internal {

// Git metadata files are small; anything larger is not what we are looking for
// and is treated as unreadable rather than parsed.
constexpr size_t kMaxPointerFileBytes = 16 * 1024;  // ".git" file, commondir, HEAD

// Whitespace trimmed around pointer-file contents and URLs.
constexpr std::string_view kSpace = " \t\n\r";

// Characters (ASCII only, independent of the C locale).
inline bool is_alpha(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_digit(int c) {
  return c >= '0' && c <= '9';
}
inline bool is_alnum(int c) {
  return is_alpha(c) || is_digit(c);
}
inline bool is_control(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}
bool has_control(std::string_view s);

// Reads a whole regular file of at most max_bytes. FIFOs, devices and
// directories are refused without blocking.
Result<std::string> read_small_file(const std::string& path, size_t max_bytes);

inline bool is_absolute(std::string_view path) {
  return !path.empty() && path.front() == '/';
}
// A path we may hand to the kernel: absolute and without an embedded NUL
// (which c_str() would silently cut, pointing us at a different file).
inline bool is_usable_path(std::string_view path) {
  return is_absolute(path) && path.find('\0') == std::string_view::npos;
}
bool is_regular_file(const std::string& path);
bool is_directory(const std::string& path);

std::string join_path(std::string_view dir, std::string_view name);
// Folder part of a file path: "/a/b/c" -> "/a/b", "/c" -> "/".
std::string_view dir_name(std::string_view path);
// Last non-empty component; empty for "/", "" or a bare drive letter. Both
// separators count: a Windows cwd ("C:\Users\a\proj") must not leak whole.
std::string_view last_component(std::string_view path);
// Lexically normal absolute path: no "//", "." or "..", no trailing "/".
std::optional<std::string> normalize_absolute(std::string_view path);

}  // namespace codepulse::git_internal
