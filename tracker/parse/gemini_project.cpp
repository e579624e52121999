// Where a Gemini CLI session file sits, and its project's folder from
// .project_root or projects.json (gemini_project.hpp).
#include "tracker/parse/gemini_project.hpp"

#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string_view>

#include "common/ascii.hpp"
#include "common/c_handles.hpp"
#include "common/hashing.hpp"

namespace codepulse::tracker {
namespace {

constexpr size_t kMaxRootFile = 4096;          // .project_root: one path
constexpr size_t kMaxRegistry = 16u << 20;     // projects.json
constexpr size_t kMaxKnownProjects = 100'000;  // cached folders before the cache is cleared

// The whole of a small file, or nullopt (absent, unreadable, too big).
std::optional<std::string> read_small(const std::string& path, size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) return std::nullopt;
  std::string out;
  char buf[8192];
  while (true) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) return std::nullopt;
  }
  return out;
}

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string_view name_of(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view parent_of(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

// projects.json: {"projects": {"<absolute folder>": "<project name>", ...}}.
std::string registry_lookup(const std::string& registry_path, std::string_view project) {
  auto text = read_small(registry_path, kMaxRegistry);
  if (!text) return {};
  simdjson::dom::parser parser;
  simdjson::dom::object projects;
  if (parser.parse(*text).at_key("projects").get_object().get(projects)) return {};
  const bool hashed = is_sha256_hex(project);
  for (auto [folder, name] : projects) {
    std::string_view value;
    if (folder.empty() || folder[0] != '/' || name.get_string().get(value)) continue;
    if (value == project || (hashed && sha256_hex(folder) == project)) return std::string(folder);
  }
  return {};
}

}  // namespace

GeminiChatPath split_gemini_chat_path(const std::string& path) {
  GeminiChatPath p;
  std::string_view name = name_of(path);
  for (std::string_view ext : {std::string_view(".jsonl"), std::string_view(".json")}) {
    if (name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext) {
      name.remove_suffix(ext.size());
      break;
    }
  }
  p.stem.assign(name);
  const size_t chats = path.rfind("/chats/");
  if (chats == std::string::npos) return p;
  p.project_dir = path.substr(0, chats);
  const std::string_view below = std::string_view(path).substr(chats + 7);
  const size_t slash = below.find('/');
  if (slash != std::string_view::npos) p.parent_session.assign(below.substr(0, slash));
  return p;
}

std::string GeminiProjects::cwd_of(const std::string& project_dir) {
  if (project_dir.empty()) return {};
  if (auto it = known_.find(project_dir); it != known_.end()) return it->second;
  std::string cwd;
  if (auto root = read_small(project_dir + "/.project_root", kMaxRootFile)) {
    const std::string_view folder = trim(*root, " \t\r\n");
    if (!folder.empty() && folder[0] == '/') cwd.assign(folder);
  }
  if (cwd.empty()) {
    const std::string_view gemini_dir = parent_of(parent_of(project_dir));
    if (!gemini_dir.empty())
      cwd = registry_lookup(std::string(gemini_dir) + "/projects.json", name_of(project_dir));
  }
  if (cwd.empty()) return {};  // asked again next time: it may be written later
  if (known_.size() >= kMaxKnownProjects) known_.clear();
  known_.emplace(project_dir, cwd);
  return cwd;
}

}  // namespace codepulse::tracker
