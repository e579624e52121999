// Reading small git metadata files and lexical path handling for the
// repository-identity files of tracker/git/.
#include "tracker/git/metadata_files_internal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "common/c_handles.hpp"

namespace codepulse::git_internal {

bool has_control(std::string_view s) {
  for (char c : s) {
    if (is_control(c)) return true;
  }
  return false;
}

Result<std::string> read_small_file(const std::string& path, size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) return make_error("cannot open " + path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return make_error("cannot stat " + path);
  if (!S_ISREG(st.st_mode)) return make_error("not a regular file: " + path);
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error("cannot read " + path);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      return make_error("too large to be git metadata: " + path);
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string join_path(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string_view dir_name(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string_view last_component(std::string_view path) {
  while (!path.empty() && (path.back() == '/' || path.back() == '\\'))
    path.remove_suffix(1);
  const size_t slash = path.find_last_of("/\\");
  path = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (path.size() == 2 && path[1] == ':') return {};  // a bare drive letter
  return path;
}

std::optional<std::string> normalize_absolute(std::string_view path) {
  if (!is_usable_path(path)) return std::nullopt;
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    const std::string_view part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  if (parts.empty()) return std::string("/");
  std::string out;
  out.reserve(path.size());
  for (const std::string_view part : parts) {
    out += '/';
    out += part;
  }
  return out;
}

}  // namespace codepulse::git_internal
