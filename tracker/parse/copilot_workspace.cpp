// parse: a Copilot CLI session's cwd and branch from its workspace.yaml.
#include "tracker/parse/copilot_workspace.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "common/c_handles.hpp"

namespace codepulse::tracker {
namespace {

constexpr size_t kMaxWorkspaceBytes = 64 << 10;
constexpr size_t kMaxCached = 256;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// A session id names one folder: no separators, no dot names.
bool safe_id(std::string_view id) {
  if (id.empty() || id.size() > 128 || id == "." || id == "..") return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string read_small_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return {};
  std::string text(kMaxWorkspaceBytes, '\0');
  size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (got == text.size()) return {};  // larger than any workspace.yaml: not one
  text.resize(got);
  return text;
}

}  // namespace

std::string copilot_workspace_value(std::string_view yaml, std::string_view key) {
  size_t pos = 0;
  while (pos < yaml.size()) {
    size_t end = yaml.find('\n', pos);
    if (end == std::string_view::npos) end = yaml.size();
    const std::string_view line = yaml.substr(pos, end - pos);
    pos = end + 1;
    // A top-level key starts its line; other lines (nested, continued) are skipped.
    if (line.size() <= key.size() || line.compare(0, key.size(), key) != 0 ||
        line[key.size()] != ':')
      continue;
    std::string_view v = trim(line.substr(key.size() + 1));
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
      v = v.substr(1, v.size() - 2);
      // An escape sequence would need a YAML parser: leave such a value unknown.
      if (v.find('\\') != std::string_view::npos || v.find('\'') != std::string_view::npos)
        return {};
    } else if (!v.empty() && (v.front() == '|' || v.front() == '>' || v.front() == '&' ||
                              v.front() == '*' || v.front() == '!' || v.front() == '#')) {
      return {};
    }
    return std::string(v);
  }
  return {};
}

std::string CopilotWorkspaces::home_of_export(std::string_view export_path) {
  const size_t slash = export_path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return {};
  const std::string_view dir = export_path.substr(0, slash);
  const size_t parent = dir.rfind('/');
  if (parent == std::string_view::npos || dir.substr(parent + 1) != "otel" || parent == 0)
    return {};
  return std::string(dir.substr(0, parent));
}

void CopilotWorkspaces::set_home(std::string home) {
  if (home == home_) return;
  home_ = std::move(home);
  cache_.clear();
}

const CopilotWorkspace& CopilotWorkspaces::find(const std::string& session_id) {
  if (auto it = cache_.find(session_id); it != cache_.end()) return it->second;
  if (cache_.size() >= kMaxCached) cache_.clear();
  CopilotWorkspace& w = cache_[session_id];
  if (home_.empty() || !safe_id(session_id)) return w;
  const std::string text =
      read_small_file(home_ + "/session-state/" + session_id + "/workspace.yaml");
  w.cwd = copilot_workspace_value(text, "cwd");
  if (w.cwd.empty() || w.cwd.front() != '/') w.cwd.clear();
  w.branch = copilot_workspace_value(text, "branch");
  return w;
}

}  // namespace codepulse::tracker
