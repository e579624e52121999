#include "tracker/git/repo_identity.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <utility>
#include <vector>

#include "common/ascii.hpp"
#include "common/c_handles.hpp"
#include "common/result.hpp"

namespace codepulse {
namespace {

// Git metadata files are small; anything larger is not what we are looking for
// and is treated as unreadable rather than parsed.
constexpr size_t kMaxPointerFileBytes = 16 * 1024;  // ".git" file, commondir, HEAD
constexpr size_t kMaxConfigFileBytes = 4 * 1024 * 1024;
constexpr int kMaxIncludeDepth = 10;  // git's own limit
// Longer paths cannot be resolved by the kernel (PATH_MAX) once "/.git/HEAD"
// is appended; the walk skips them without a system call.
constexpr size_t kMaxProbePathBytes = 4000;
constexpr std::string_view kLocalPrefix = "local/";
constexpr std::string_view kUnknownName = "unknown";

// ---------------------------------------------------------------------------
// Characters (ASCII only, independent of the C locale).

bool is_alpha(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(int c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(int c) {
  return is_alpha(c) || is_digit(c);
}
// git's own notion of whitespace in config files.
bool is_space(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_key_char(int c) {
  return is_alnum(c) || c == '-';
}
bool is_control(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}

bool has_control(std::string_view s) {
  for (char c : s) {
    if (is_control(c)) return true;
  }
  return false;
}

constexpr std::string_view kSpace = " \t\n\r";

// ---------------------------------------------------------------------------
// Files and paths.

// Reads a whole regular file of at most max_bytes. FIFOs, devices and
// directories are refused without blocking.
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

bool is_absolute(std::string_view path) {
  return !path.empty() && path.front() == '/';
}

// A path we may hand to the kernel: absolute and without an embedded NUL
// (which c_str() would silently cut, pointing us at a different file).
bool is_usable_path(std::string_view path) {
  return is_absolute(path) && path.find('\0') == std::string_view::npos;
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

// Folder part of a file path: "/a/b/c" -> "/a/b", "/c" -> "/".
std::string_view dir_name(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Last non-empty component; empty for "/" or "".
std::string local_identity(std::string_view folder_name) {
  std::string out(kLocalPrefix);
  out += folder_name.empty() ? kUnknownName : folder_name;
  return out;
}

// Both separators count: a Windows cwd ("C:\Users\a\proj") must not leak whole.
std::string_view last_component(std::string_view path) {
  while (!path.empty() && (path.back() == '/' || path.back() == '\\'))
    path.remove_suffix(1);
  const size_t slash = path.find_last_of("/\\");
  path = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (path.size() == 2 && path[1] == ':') return {};  // a bare drive letter
  return path;
}

// A remote that is a path on some machine ("/srv/x.git", "file:///srv/x.git"):
// only its last component is kept, never the path.
std::string local_remote_identity(std::string_view path) {
  std::string_view name = last_component(path);
  if (name.size() > 4 && name.substr(name.size() - 4) == ".git") name.remove_suffix(4);
  return local_identity(name);
}

// Lexically normal absolute path: no "//", "." or "..", no trailing "/".
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

// ---------------------------------------------------------------------------
// Git config files (the subset of git's syntax that matters for reading).

struct ConfigEntry {
  std::string section;               // lowercased
  std::string subsection;            // case kept ([remote "Origin"] != [remote "origin"])
  std::string key;                   // lowercased
  std::optional<std::string> value;  // nullopt for a bare "key" (boolean true)
};

// Character-level parser following git's config.c rules: "[section]",
// "[section \"sub\"]" and legacy "[section.sub]" headers; case-insensitive
// section and key names; values trimmed, with "..." quoting, the escapes
// \n \t \b \" \\, "#"/";" comments outside quotes and a trailing backslash
// joining the next line. Parsing stops at the first syntax error and keeps
// what came before it, so a damaged file degrades instead of failing outright.
class ConfigParser {
 public:
  explicit ConfigParser(std::string_view text) : text_(text) {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // UTF-8 byte order mark
  }

  std::vector<ConfigEntry> parse() {
    std::vector<ConfigEntry> entries;
    bool in_comment = false;
    for (;;) {
      const int c = next();
      if (c == '\n') {
        if (eof_) break;
        in_comment = false;
        continue;
      }
      if (in_comment || is_space(c)) continue;
      if (c == '#' || c == ';') {
        in_comment = true;
        continue;
      }
      if (c == '[') {
        if (!parse_section_header()) break;
        continue;
      }
      if (!is_alpha(c)) break;
      ConfigEntry entry{section_, subsection_, std::string(1, ascii_lower(static_cast<char>(c))),
                        std::nullopt};
      if (!parse_entry(entry)) break;
      entries.push_back(std::move(entry));
    }
    return entries;
  }

 private:
  // Next character with "\r\n" folded to "\n"; the end of input reads as a
  // final "\n" and sets eof_.
  int next() {
    if (pos_ >= text_.size()) {
      eof_ = true;
      return '\n';
    }
    const char c = text_[pos_++];
    if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
      return '\n';
    }
    return static_cast<unsigned char>(c);
  }

  bool parse_section_header() {
    std::string name;
    for (;;) {
      const int c = next();
      if (eof_) return false;
      if (c == ']') break;
      if (is_space(c)) return parse_quoted_subsection(std::move(name));
      if (!is_key_char(c) && c != '.') return false;
      name += ascii_lower(static_cast<char>(c));
    }
    if (name.empty()) return false;
    const size_t dot = name.find('.');
    if (dot == std::string::npos) {
      section_ = std::move(name);
      subsection_.clear();
    } else {  // legacy [section.subsection], subsection lowercased like git does
      section_ = name.substr(0, dot);
      subsection_ = name.substr(dot + 1);
    }
    return true;
  }

  bool parse_quoted_subsection(std::string name) {
    int c = 0;
    do {
      c = next();
      if (eof_) return false;
    } while (is_space(c));
    if (c != '"') return false;
    std::string sub;
    for (;;) {
      c = next();
      if (c == '\n') return false;
      if (c == '"') break;
      if (c == '\\') {
        c = next();
        if (c == '\n') return false;
      }
      sub += static_cast<char>(c);
    }
    if (next() != ']' || name.empty()) return false;
    section_ = std::move(name);
    subsection_ = std::move(sub);
    return true;
  }

  // Called with the first key character already in entry.key.
  bool parse_entry(ConfigEntry& entry) {
    int c = 0;
    for (;;) {
      c = next();
      if (eof_ || !is_key_char(c)) break;
      entry.key += ascii_lower(static_cast<char>(c));
    }
    while (c == ' ' || c == '\t')
      c = next();
    if (c == '\n') return true;  // "key" alone
    if (c != '=') return false;
    std::optional<std::string> value = parse_value();
    if (!value) return false;
    entry.value = std::move(value);
    return true;
  }

  std::optional<std::string> parse_value() {
    std::string out;
    size_t pending_spaces = 0;  // inner whitespace is kept, trailing is dropped
    bool quoted = false;
    bool in_comment = false;
    for (;;) {
      int c = next();
      if (c == '\n') {
        if (quoted) return std::nullopt;
        return out;
      }
      if (in_comment) continue;
      if (is_space(c) && !quoted) {
        if (!out.empty()) ++pending_spaces;
        continue;
      }
      if (!quoted && (c == ';' || c == '#')) {
        in_comment = true;
        continue;
      }
      out.append(pending_spaces, ' ');
      pending_spaces = 0;
      if (c == '\\') {
        c = next();
        switch (c) {
          case '\n':  // continuation line
            continue;
          case 't':
            c = '\t';
            break;
          case 'b':
            c = '\b';
            break;
          case 'n':
            c = '\n';
            break;
          case '"':
          case '\\':
            break;
          default:
            return std::nullopt;
        }
        out += static_cast<char>(c);
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
        continue;
      }
      out += static_cast<char>(c);
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  bool eof_ = false;
  std::string section_;
  std::string subsection_;
};

std::vector<ConfigEntry> read_config_file(const std::string& path) {
  Result<std::string> text = read_small_file(path, kMaxConfigFileBytes);
  if (!text) return {};
  return ConfigParser(*text).parse();
}

// URL of remote "origin", else of the first remote (in file order) that has
// one. Within a remote the first url wins, as for git fetch.
std::optional<std::string> pick_remote_url(const std::vector<ConfigEntry>& entries) {
  std::optional<std::string> first;
  for (const ConfigEntry& e : entries) {
    if (e.section != "remote" || e.subsection.empty() || e.key != "url") continue;
    if (!e.value || e.value->empty()) continue;
    if (e.subsection == "origin") return e.value;
    if (!first) first = e.value;
  }
  return first;
}

// ---------------------------------------------------------------------------
// Locating a repository.

struct GitLocation {
  bool valid = false;      // false: ".git" exists but leads nowhere usable
  std::string git_dir;     // per-worktree dir: HEAD lives here
  std::string common_dir;  // shared dir: config lives here
};

// Reads a "gitdir: <path>" pointer file; relative paths are relative to the
// folder holding the file.
std::optional<std::string> read_gitdir_pointer(const std::string& dot_git,
                                               const std::string& worktree) {
  Result<std::string> text = read_small_file(dot_git, kMaxPointerFileBytes);
  if (!text) return std::nullopt;
  constexpr std::string_view kPrefix = "gitdir:";
  const std::string_view content = trim(*text, kSpace);
  if (!content.starts_with(kPrefix)) return std::nullopt;
  const std::string_view target = trim(content.substr(kPrefix.size()), kSpace);
  if (target.empty() || has_control(target)) return std::nullopt;
  return is_absolute(target) ? std::string(target) : join_path(worktree, target);
}

// Stat-only check that a folder is a git dir, before anything in it is read:
// HEAD plus either an object store (main repository, submodule) or a
// "commondir" file (linked worktree). A pointer file naming an ordinary
// project folder that happens to hold "HEAD" and "config" is thus refused.
bool looks_like_git_dir(const std::string& dir) {
  return is_regular_file(join_path(dir, "HEAD")) &&
         (is_directory(join_path(dir, "objects")) || is_regular_file(join_path(dir, "commondir")));
}

// Linked worktrees name the shared git dir in "commondir" (usually "../..").
std::string common_dir_of(const std::string& git_dir) {
  Result<std::string> text = read_small_file(join_path(git_dir, "commondir"), kMaxPointerFileBytes);
  if (!text) return git_dir;
  const std::string_view target = trim(*text, kSpace);
  if (target.empty() || has_control(target)) return git_dir;
  return is_absolute(target) ? std::string(target) : join_path(git_dir, target);
}

// Looks at <dir>/.git. nullopt means "not a worktree root, keep walking up".
// stat() failures of any kind (missing, ELOOP from a symlink loop,
// ENAMETOOLONG, EACCES) count as "no .git here".
std::optional<GitLocation> probe_worktree_root(const std::string& dir) {
  if (dir.size() > kMaxProbePathBytes) return std::nullopt;
  const std::string dot_git = join_path(dir, ".git");
  struct stat st {};
  if (::stat(dot_git.c_str(), &st) != 0) return std::nullopt;
  if (S_ISDIR(st.st_mode)) {
    // Like git, a ".git" folder that is not a git dir does not count: keep looking.
    if (!looks_like_git_dir(dot_git)) return std::nullopt;
    return GitLocation{true, dot_git, common_dir_of(dot_git)};
  }
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  // A pointer file: linked worktree or submodule. Like git, a broken one stops
  // the search here instead of silently attributing the cwd to an outer repo.
  std::optional<std::string> git_dir = read_gitdir_pointer(dot_git, dir);
  if (!git_dir || !looks_like_git_dir(*git_dir)) return GitLocation{};
  std::string common = common_dir_of(*git_dir);
  return GitLocation{true, std::move(*git_dir), std::move(common)};
}

std::string identity_of(const GitLocation& location, const std::string& root) {
  const std::string fallback = local_identity(last_component(root));
  if (!location.valid) return fallback;
  const std::optional<std::string> url =
      pick_remote_url(read_config_file(join_path(location.common_dir, "config")));
  if (!url) return fallback;
  std::string normalized = normalize_remote_url(*url);
  return normalized.empty() ? fallback : normalized;
}

// ---------------------------------------------------------------------------
// Remote URLs.

// Splits "host[:port]" (host may be a bracketed IPv6 literal) and validates
// both parts. Returns the lowercased host, or nullopt.
std::optional<std::string> parse_host_port(std::string_view host_port) {
  std::string_view host;
  std::string_view port;
  if (host_port.starts_with('[')) {
    const size_t close = host_port.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = host_port.substr(0, close + 1);
    const std::string_view rest = host_port.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
    for (const char c : host.substr(1, host.size() - 2)) {
      if (!is_alnum(c) && c != ':' && c != '.' && c != '%') return std::nullopt;
    }
    if (host.size() <= 2) return std::nullopt;
  } else {
    const size_t colon = host_port.rfind(':');
    host = host_port.substr(0, colon);
    if (colon != std::string_view::npos) port = host_port.substr(colon + 1);
    if (host.ends_with('.')) host.remove_suffix(1);  // "github.com." (FQDN)
    if (host.empty()) return std::nullopt;
    for (const char c : host) {
      if (!is_alnum(c) && c != '-' && c != '.' && c != '_') return std::nullopt;
    }
  }
  for (const char c : port) {
    if (!is_digit(c)) return std::nullopt;
  }
  return ascii_lower(host);
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) segments.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return segments;
}

// Drops "_git" (and an "_optimized"/"_full" marker right after it) from
// [..., proj, _git, repo] giving [..., proj, repo]. A bare [_git, repo] (the
// project is named like the repository) becomes [repo, repo], which is how
// the ssh form spells it. Returns false when there is no "_git" marker.
bool drop_azure_git_marker(std::vector<std::string>& segs, size_t from) {
  for (size_t i = from; i + 1 < segs.size(); ++i) {
    if (segs[i] != "_git") continue;
    size_t repo = i + 1;
    if (repo + 1 < segs.size() && (segs[repo] == "_optimized" || segs[repo] == "_full")) ++repo;
    std::string name = segs[repo];
    segs.resize(i);
    if (segs.size() == from) segs.push_back(name);
    segs.push_back(std::move(name));
    return true;
  }
  return false;
}

// Maps every Azure DevOps spelling onto dev.azure.com/org/proj/repo.
void canonicalize_azure(std::string& host, std::vector<std::string>& segs) {
  constexpr std::string_view kAzure = "dev.azure.com";
  constexpr std::string_view kVsSuffix = ".visualstudio.com";
  if (host == "ssh.dev.azure.com" || host == "vs-ssh.visualstudio.com") {
    // v3/org/proj/repo
    if (segs.size() == 4 && iequals(segs[0], "v3")) {
      segs.erase(segs.begin());
      host = kAzure;
    }
  } else if (host == kAzure) {
    // org/proj/_git/repo
    if (!segs.empty()) drop_azure_git_marker(segs, 1);
  } else if (host.size() > kVsSuffix.size() && host.ends_with(kVsSuffix)) {
    // org.visualstudio.com/[DefaultCollection/]proj/_git/repo. The org comes
    // from the (lowercased) host name: Azure org names are case-insensitive.
    std::string org = host.substr(0, host.size() - kVsSuffix.size());
    if (org.find('.') != std::string::npos) return;
    std::vector<std::string> moved{org};
    size_t skip = !segs.empty() && iequals(segs.front(), "DefaultCollection") ? 1 : 0;
    moved.insert(moved.end(), segs.begin() + static_cast<std::ptrdiff_t>(skip), segs.end());
    if (!drop_azure_git_marker(moved, 1)) return;  // not a repository URL we know
    segs = std::move(moved);
    host = kAzure;
  }
}

std::string assemble(std::string host, std::string_view path) {
  std::vector<std::string> segs = split_path(path);
  if (!segs.empty()) {
    std::string& last = segs.back();
    if (last.size() > 4 && last.ends_with(".git")) last.resize(last.size() - 4);
  }
  canonicalize_azure(host, segs);
  std::string out = std::move(host);
  bool any = false;
  for (const std::string& seg : segs) {
    // An '@' in the path is where a mangled "user:pass@" would end up; refuse
    // rather than risk printing part of a credential.
    if (seg.find('@') != std::string::npos) return {};
    if (seg == ".git") continue;
    out += '/';
    out += seg;
    any = true;
  }
  return any ? out : std::string();
}

std::string normalize_scheme_url(std::string_view scheme, std::string_view rest) {
  if (scheme == "file") {
    // file:///srv/repo.git, file://localhost/srv/repo.git
    if (rest.starts_with("localhost/")) rest.remove_prefix(9);
    return local_remote_identity(rest);
  }
  rest = rest.substr(0, rest.find_first_of("?#"));
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  const size_t at = authority.rfind('@');  // user:password@ ends at the last '@'
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::optional<std::string> host = parse_host_port(authority);
  if (!host) return {};
  return assemble(std::move(*host), path);
}

// [user@]host:path, the scp-like form git treats as ssh.
std::string normalize_scp_like(std::string_view url) {
  // The user part ends at the last '@' before the path's first '/', so a
  // "user:password@host:path" cannot leak its password into the host.
  const std::string_view head = url.substr(0, url.find('/'));
  const size_t at = head.rfind('@');
  if (at != std::string_view::npos) url.remove_prefix(at + 1);
  size_t colon = std::string_view::npos;
  if (url.starts_with('[')) {
    const size_t close = url.find(']');
    if (close != std::string_view::npos && close + 1 < url.size() && url[close + 1] == ':') {
      colon = close + 1;
    }
  } else {
    colon = url.find(':');
  }
  if (colon == std::string_view::npos || colon == 0) return {};
  const size_t first_slash = url.find('/');
  if (first_slash != std::string_view::npos && first_slash < colon) return {};  // local path
  const std::string_view path = url.substr(colon + 1);
  // "C:/repo" or "C:\repo": a Windows drive, not a host.
  if (colon == 1 && (path.starts_with('/') || path.starts_with('\\'))) return {};
  std::optional<std::string> host = parse_host_port(url.substr(0, colon));
  if (!host) return {};
  return assemble(std::move(*host), path);
}

}  // namespace

std::string normalize_remote_url(std::string_view url) {
  url = trim(url, kSpace);
  if (url.empty() || has_control(url)) return {};
  const size_t sep = url.find("://");
  if (sep != std::string_view::npos) {
    const std::string_view scheme = url.substr(0, sep);
    bool valid_scheme = !scheme.empty() && is_alpha(scheme.front());
    for (const char c : scheme) {
      if (!is_alnum(c) && c != '+' && c != '-' && c != '.') valid_scheme = false;
    }
    if (valid_scheme) return normalize_scheme_url(ascii_lower(scheme), url.substr(sep + 3));
  }
  // "helper::address" remote-helper syntax: the address format is the
  // helper's business, do not guess.
  const size_t helper = url.find("::");
  if (helper != std::string_view::npos && url.substr(0, helper).find('/') == std::string::npos) {
    return {};
  }
  if (sep != std::string_view::npos) return {};  // "://" with a malformed scheme
  if (is_absolute(url)) return local_remote_identity(url);
  return normalize_scp_like(url);
}

const RepoInfo& RepoResolver::resolve(const std::string& cwd) {
  if (const auto it = by_cwd_.find(cwd); it != by_cwd_.end()) return it->second;
  // unordered_map never moves its nodes, so the reference outlives rehashes.
  return by_cwd_.emplace(cwd, compute(cwd)).first->second;
}

RepoInfo RepoResolver::compute(const std::string& cwd) {
  const std::optional<std::string> normal = normalize_absolute(cwd);
  if (!normal) {
    // Relative or NUL-carrying: resolving it would depend on our own working
    // directory, so do not touch the file system at all.
    return RepoInfo{local_identity(last_component(cwd.substr(0, cwd.find('\0')))), "", false};
  }
  // Walk up through the existing ancestors; folders that no longer exist
  // simply have no ".git". The string is shortened in place: linear overall.
  std::string dir = *normal;
  for (;;) {
    if (const auto it = identity_by_root_.find(dir); it != identity_by_root_.end()) {
      return RepoInfo{it->second, dir, true};
    }
    if (const std::optional<GitLocation> location = probe_worktree_root(dir)) {
      std::string identity = identity_of(*location, dir);
      identity_by_root_.emplace(dir, identity);
      return RepoInfo{std::move(identity), dir, true};
    }
    if (dir == "/") break;
    const size_t slash = dir.rfind('/');
    dir.resize(slash == 0 ? 1 : slash);
  }
  return RepoInfo{local_identity(last_component(*normal)), "", false};
}

std::optional<std::string> read_git_user_email(const std::string& home,
                                               const std::string& xdg_config_home) {
  const bool have_home = is_usable_path(home);
  std::vector<std::string> files;
  if (is_usable_path(xdg_config_home)) {
    files.push_back(join_path(xdg_config_home, "git/config"));
  } else if (have_home) {
    files.push_back(join_path(home, ".config/git/config"));
  }
  if (have_home) files.push_back(join_path(home, ".gitconfig"));

  std::optional<std::string> email;
  // Entries are applied in order and an include is expanded where it stands,
  // so "later wins" holds across files and includes alike.
  auto visit = [&](auto& self, const std::string& path, int depth) -> void {
    if (depth > kMaxIncludeDepth) return;
    for (const ConfigEntry& e : read_config_file(path)) {
      if (!e.subsection.empty() || !e.value) continue;
      if (e.section == "user" && e.key == "email") {
        email = *e.value;
      } else if (e.section == "include" && e.key == "path") {
        const std::string& target = *e.value;
        if (target.empty() || target.find('\0') != std::string::npos) continue;
        std::string resolved;
        if (target == "~" || target.starts_with("~/")) {
          if (!have_home) continue;
          resolved = home + target.substr(1);
        } else if (target.starts_with('~')) {
          continue;  // ~otheruser/...: would need the password database
        } else if (is_absolute(target)) {
          resolved = target;
        } else {
          resolved = join_path(dir_name(path), target);
        }
        self(self, resolved, depth + 1);
      }
    }
  };
  for (const std::string& file : files)
    visit(visit, file, 0);
  if (!email || email->empty()) return std::nullopt;
  return email;
}

std::optional<std::string> read_head_branch(const std::string& repo_root) {
  const std::optional<std::string> root = normalize_absolute(repo_root);
  if (!root) return std::nullopt;
  const std::optional<GitLocation> location = probe_worktree_root(*root);
  if (!location || !location->valid) return std::nullopt;
  Result<std::string> head =
      read_small_file(join_path(location->git_dir, "HEAD"), kMaxPointerFileBytes);
  if (!head) return std::nullopt;
  constexpr std::string_view kRef = "ref:";
  constexpr std::string_view kHeads = "refs/heads/";
  std::string_view text = trim(*head, kSpace);
  if (!text.starts_with(kRef)) return std::nullopt;  // detached: an object id
  text = trim(text.substr(kRef.size()), kSpace);
  if (!text.starts_with(kHeads)) return std::nullopt;
  const std::string_view branch = text.substr(kHeads.size());
  // With the reftable backend HEAD is a stub naming "refs/heads/.invalid".
  if (branch.empty() || branch == ".invalid" || has_control(branch)) return std::nullopt;
  return std::string(branch);
}

}  // namespace codepulse
