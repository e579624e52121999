// Remote URL canonicalisation: scheme, scp-like and file URLs, Azure DevOps
// spellings, credentials scrubbed; see remote_url.hpp for the accepted forms.
#include "tracker/git/remote_url.hpp"

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "common/ascii.hpp"
#include "tracker/git/metadata_files_internal.hpp"

namespace codepulse {

using namespace git_internal;

namespace {

constexpr std::string_view kLocalPrefix = "local/";
constexpr std::string_view kUnknownName = "unknown";

// A remote that is a path on some machine ("/srv/x.git", "file:///srv/x.git"):
// only its last component is kept, never the path.
std::string local_remote_identity(std::string_view path) {
  std::string_view name = last_component(path);
  if (name.size() > 4 && name.substr(name.size() - 4) == ".git") name.remove_suffix(4);
  return local_identity(name);
}

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

std::string local_identity(std::string_view folder_name) {
  std::string out(kLocalPrefix);
  out += folder_name.empty() ? kUnknownName : folder_name;
  return out;
}

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

}  // namespace codepulse
