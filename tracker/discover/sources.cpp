#include "tracker/discover/sources.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "common/ascii.hpp"
#include "common/c_handles.hpp"
#include "common/record/assistant.hpp"
#include "tracker/discover/folder_paths.hpp"

namespace codepulse::tracker {
namespace {

constexpr int kMaxDepth = 32;  // as deep as a Claude Code scan reads

// The folder of Gemini CLI's projects' folders, given as itself (ccusage's
// GEMINI_DATA_DIR), as a .gemini folder, or as the home holding .gemini. A
// folder not there yet is taken as itself.
std::string gemini_tmp_root(const std::string& dir) {
  if (is_dir(dir + "/.gemini/tmp")) return dir + "/.gemini/tmp";
  // dir/tmp is the project folder of a project named "tmp" when dir is the
  // tmp folder itself.
  const bool project_named_tmp = is_dir(dir + "/tmp/chats") || is_file(dir + "/tmp/.project_root");
  if (is_dir(dir + "/tmp") && !project_named_tmp) return dir + "/tmp";
  return dir;
}

std::string_view name_of(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// `below` is the part of a path under its root ("2026/12/04/rollout-x.jsonl").
std::optional<LogFormat> codex_format(std::string_view below) {
  const std::string_view name = name_of(below);
  if (name.rfind("rollout-", 0) == 0 && ends_with(name, ".jsonl")) return LogFormat::kCodexRollout;
  return std::nullopt;
}

// Gemini CLI: <project>/chats/session-*.json(l), and a subagent's sessions
// one folder further down (<project>/chats/<parent session>/...).
std::optional<LogFormat> gemini_format(std::string_view below) {
  const std::string_view name = name_of(below);
  if (below.find("/chats/") == std::string_view::npos) return std::nullopt;
  if (name.find(".tmp") != std::string_view::npos) return std::nullopt;  // a write in progress
  if (ends_with(name, ".jsonl")) return LogFormat::kGeminiJsonl;
  if (ends_with(name, ".json") && name != "logs.json") return LogFormat::kGeminiJson;
  return std::nullopt;
}

// OpenCode: opencode.db and opencode-<channel>.db in its data folder (their
// -wal files stand for them), and the legacy storage/message/**/*.json.
std::optional<LogFormat> opencode_format(std::string_view below) {
  if (below.find('/') == std::string_view::npos) {
    if (below.rfind("opencode", 0) != 0) return std::nullopt;
    if (ends_with(below, ".db") || ends_with(below, ".db-wal")) return LogFormat::kOpenCodeDb;
    return std::nullopt;
  }
  if (below.rfind("storage/message/", 0) == 0 && ends_with(below, ".json"))
    return LogFormat::kOpenCodeMessage;
  return std::nullopt;
}

// Claude Desktop agent mode: <org>/<account>/[agent/]local_<id>/.claude/projects/**
// hold the transcripts. The rest of a session folder (uploads/, outputs/:
// the user's own files; .claude/backups, debug/) and the app's state beside
// the sessions (rpm/, debug/, skills-plugin/) are not entered.
bool desktop_descends(std::string_view below) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= below.size()) {
    size_t slash = below.find('/', pos);
    if (slash == std::string_view::npos) slash = below.size();
    parts.push_back(below.substr(pos, slash - pos));
    pos = slash + 1;
  }
  size_t i = 2;  // past <org>/<account>
  if (parts.size() <= i) return true;
  if (parts[i] == "agent") ++i;
  if (parts.size() <= i) return true;
  if (parts[i].rfind("local_", 0) != 0) return false;
  if (parts.size() == i + 1) return true;
  if (parts[i + 1] != ".claude") return false;
  return parts.size() == i + 2 || parts[i + 2] == "projects";
}

// Claude Desktop agent mode: Claude Code transcripts in each session's own
// .claude/projects folder; its audit.jsonl is not one.
std::optional<LogFormat> desktop_format(std::string_view below) {
  const size_t dir = below.rfind('/');
  if (below.find("/.claude/projects/") == std::string_view::npos ||
      !desktop_descends(below.substr(0, dir)))
    return std::nullopt;
  if (!is_transcript_name(std::string(name_of(below)))) return std::nullopt;
  if (name_of(below) == "audit.jsonl") return std::nullopt;
  return LogFormat::kClaude;
}

std::optional<LogFormat> format_in(std::string_view assistant, std::string_view below) {
  if (assistant == kCodex) return codex_format(below);
  if (assistant == kGeminiCli) return gemini_format(below);
  if (assistant == kOpenCode) return opencode_format(below);
  if (assistant == kCopilotCli)
    return ends_with(name_of(below), ".jsonl") ? std::optional(LogFormat::kCopilotOtel)
                                               : std::nullopt;
  if (assistant == kClaudeDesktop) return desktop_format(below);
  return std::nullopt;
}

// Folders below an OpenCode data folder that hold logs: storage/ and its
// message/ tree (snapshot/ holds a git repository per project).
bool opencode_descends(std::string_view below) {
  return below == "storage" || below == "storage/message" ||
         below.rfind("storage/message/", 0) == 0;
}

// Folders below a Gemini CLI tmp folder that hold logs: <project>,
// <project>/chats and a subagent's chats/<parent session> (not a project's
// tool outputs, plans or task lists).
bool gemini_descends(std::string_view below) {
  const size_t slash = below.find('/');
  if (slash == std::string_view::npos) return true;
  std::string_view rest = below.substr(slash + 1);
  if (rest.substr(0, rest.find('/')) != "chats") return false;
  return std::count(rest.begin(), rest.end(), '/') <= 1;
}

}  // namespace

const char* log_format_name(LogFormat f) {
  switch (f) {
    case LogFormat::kClaude:
      return "claude-code transcript";
    case LogFormat::kCodexRollout:
      return "codex rollout";
    case LogFormat::kGeminiJsonl:
      return "gemini-cli session (jsonl)";
    case LogFormat::kGeminiJson:
      return "gemini-cli session (json)";
    case LogFormat::kCopilotOtel:
      return "copilot-cli opentelemetry export";
    case LogFormat::kOpenCodeDb:
      return "opencode database";
    case LogFormat::kOpenCodeMessage:
      return "opencode message (json)";
  }
  return "?";
}

bool SourceSelection::wants(std::string_view assistant) const {
  return assistants.empty() ||
         std::find(assistants.begin(), assistants.end(), assistant) != assistants.end();
}

bool is_log_name(std::string_view name) {
  return ends_with(name, ".jsonl") || ends_with(name, ".json") || ends_with(name, ".db") ||
         ends_with(name, ".db-wal");
}

void Sources::add_root(std::string_view assistant, std::string path) {
  path = strip_trailing_slash(std::move(path));
  if (assistant == kCopilotCli &&
      std::find(copilot_folders_.begin(), copilot_folders_.end(), path) == copilot_folders_.end())
    copilot_folders_.push_back(path);
  for (const SourceRoot& r : roots_)
    if (r.assistant == assistant && r.path == path) return;
  roots_.push_back({assistant, std::move(path)});
}

void Sources::add_copilot_file(std::string path) {
  path = strip_trailing_slash(std::move(path));
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == path.size()) return;
  if (std::find(copilot_files_.begin(), copilot_files_.end(), path) == copilot_files_.end())
    copilot_files_.push_back(path);
  const std::string folder = path.substr(0, slash);
  for (const SourceRoot& r : roots_)
    if (r.assistant == kCopilotCli && r.path == folder) return;
  roots_.push_back({kCopilotCli, folder});
}

bool Sources::in_copilot_folder(const std::string& path) const {
  for (const std::string& f : copilot_folders_)
    if (path.size() > f.size() + 1 && path.compare(0, f.size(), f) == 0 && path[f.size()] == '/')
      return true;
  return false;
}

Status SourceSelection::check() const {
  for (const std::string& a : assistants) {
    if (std::find(std::begin(kAssistants), std::end(kAssistants), a) == std::end(kAssistants)) {
      std::string known;
      for (std::string_view k : kAssistants)
        known += (known.empty() ? "" : ", ") + std::string(k);
      return make_error("unknown assistant '" + a + "' (known: " + known + ")");
    }
  }
  return {};
}

void Sources::add_given(std::string_view assistant, const std::string& given) {
  const std::string path = strip_trailing_slash(given);
  struct stat st {};
  if (assistant == kCopilotCli && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    add_copilot_file(path);
  } else if (assistant == kCodex &&
             (is_dir(path + "/sessions") || is_dir(path + "/archived_sessions"))) {
    add_root(assistant, path + "/sessions");
    add_root(assistant, path + "/archived_sessions");
  } else if (assistant == kGeminiCli) {
    add_root(assistant, gemini_tmp_root(path));
  } else {
    add_root(assistant, path);
  }
}

Result<Sources> Sources::find(const Environment& env, const SourceSelection& selection,
                              const std::vector<std::string>& explicit_dirs) {
  if (auto s = selection.check(); !s) return s.error();
  Sources s;
  std::vector<std::string_view> given;
  for (const std::string& entry : explicit_dirs) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size())
      return make_error("assistant_dirs entry '" + entry + "' is not ASSISTANT=FOLDER");
    const std::string name = entry.substr(0, eq);
    const auto known = std::find(std::begin(kAssistants), std::end(kAssistants), name);
    if (known == std::end(kAssistants) || *known == kClaudeCode)
      return make_error("assistant_dirs entry '" + entry +
                        "': not an assistant read from there (claude-code's folders are "
                        "claude_dirs)");
    if (!selection.wants(*known)) continue;
    s.add_given(*known, expand_home(entry.substr(eq + 1), env.home));
    given.push_back(*known);
  }
  auto wants = [&](std::string_view a) {
    return selection.wants(a) && std::find(given.begin(), given.end(), a) == given.end();
  };
  const std::string& home = env.home;
  // Copilot CLI's own folder, also for exports given explicitly.
  if (selection.wants(kCopilotCli))
    s.copilot_home_ = env.copilot_home && (*env.copilot_home)[0] == '/'
                          ? strip_trailing_slash(*env.copilot_home)
                          : home + "/.copilot";
  if (wants(kCodex)) {
    std::vector<std::string> homes;
    if (env.codex_home) {
      for (const std::string& h : split_folder_list(*env.codex_home))
        homes.push_back(expand_home(h, home));
    }
    if (homes.empty()) homes.push_back(home + "/.codex");
    for (const std::string& h : homes) {
      s.add_root(kCodex, strip_trailing_slash(h) + "/sessions");
      s.add_root(kCodex, strip_trailing_slash(h) + "/archived_sessions");
    }
  }
  if (wants(kGeminiCli)) {
    // ccusage's GEMINI_DATA_DIR: a list of folders holding the projects'
    // folders, as ~/.gemini/tmp does.
    if (env.gemini_data_dir) {
      for (const std::string& dir : split_folder_list(*env.gemini_data_dir))
        s.add_root(kGeminiCli, gemini_tmp_root(strip_trailing_slash(expand_home(dir, home))));
    }
    const std::string base = env.gemini_cli_home ? expand_home(*env.gemini_cli_home, home) : home;
    s.add_root(kGeminiCli, base + "/.gemini/tmp");
  }
  if (wants(kOpenCode)) {
    if (env.opencode_data_dir) s.add_root(kOpenCode, expand_home(*env.opencode_data_dir, home));
    const std::string data = env.xdg_data_home && (*env.xdg_data_home)[0] == '/'
                                 ? *env.xdg_data_home
                                 : home + "/.local/share";
    s.add_root(kOpenCode, data + "/opencode");
  }
  if (wants(kCopilotCli)) {
    // ~/.copilot/otel (and $COPILOT_HOME/otel) is where ccusage's docs put
    // the exports; Copilot CLI writes only to COPILOT_OTEL_FILE_EXPORTER_PATH
    // and has no default file.
    s.add_root(kCopilotCli, home + "/.copilot/otel");
    s.add_root(kCopilotCli, s.copilot_home_ + "/otel");
    if (env.copilot_otel_file && !env.copilot_otel_file->empty())
      s.add_copilot_file(expand_home(*env.copilot_otel_file, home));
  }
  if (wants(kClaudeDesktop)) {
    const std::string config = env.xdg_config_home && (*env.xdg_config_home)[0] == '/'
                                   ? *env.xdg_config_home
                                   : home + "/.config";
    s.add_root(kClaudeDesktop, config + "/Claude/local-agent-mode-sessions");
    s.add_root(kClaudeDesktop,
               home + "/Library/Application Support/Claude/local-agent-mode-sessions");
  }
  return s;
}

const SourceRoot* Sources::root_of(const std::string& path, std::string_view& below) const {
  const SourceRoot* best = nullptr;
  for (const SourceRoot& r : roots_) {
    if (path.size() <= r.path.size() + 1 || path.compare(0, r.path.size(), r.path) != 0 ||
        path[r.path.size()] != '/')
      continue;
    if (!best || r.path.size() > best->path.size()) best = &r;
  }
  if (best) below = std::string_view(path).substr(best->path.size() + 1);
  return best;
}

std::optional<SourceFile> Sources::classify(const std::string& path) const {
  std::string_view below;
  const SourceRoot* root = root_of(path, below);
  if (!root) return std::nullopt;
  if (root->assistant == kCopilotCli) {
    // The exporter's file may have any name; beside it, only a folder read
    // whole (~/.copilot/otel and below) has other exports.
    if (std::find(copilot_files_.begin(), copilot_files_.end(), path) != copilot_files_.end())
      return SourceFile{path, root->assistant, LogFormat::kCopilotOtel, {}};
    if (!in_copilot_folder(path)) return std::nullopt;
  }
  auto format = format_in(root->assistant, below);
  if (!format) return std::nullopt;
  if (root->assistant == kOpenCode && ends_with(path, "-wal"))
    return SourceFile{path.substr(0, path.size() - 4), root->assistant, *format, {}};
  return SourceFile{path, root->assistant, *format, {}};
}

bool Sources::descend(const std::string& folder) const {
  std::string_view below;
  const SourceRoot* root = root_of(folder, below);
  if (!root) return true;
  if (root->assistant == kOpenCode) return opencode_descends(below);
  if (root->assistant == kGeminiCli) return gemini_descends(below);
  if (root->assistant == kCopilotCli) return in_copilot_folder(folder);
  if (root->assistant == kClaudeDesktop) return desktop_descends(below);
  return true;
}

SourceFile::Seen SourceFile::Seen::of(const struct ::stat& st) {
  return {static_cast<int64_t>(st.st_dev), static_cast<int64_t>(st.st_ino),
          static_cast<int64_t>(st.st_size),
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

std::vector<SourceFile> Sources::list(std::vector<Problem>& problems) const {
  std::vector<SourceFile> out;
  std::set<std::pair<dev_t, ino_t>> listed;
  // Codex: rollout names seen under sessions/, so an archived copy is skipped.
  std::set<std::string, std::less<>> active_rollouts;
  struct Pending {
    std::string dir;
    int depth;
  };
  auto walk_root = [&](const SourceRoot& root, bool archived) {
    std::vector<Pending> todo{{root.path, 0}};
    while (!todo.empty()) {
      Pending p = std::move(todo.back());
      todo.pop_back();
      UniqueDir d(::opendir(p.dir.c_str()));
      if (!d) {
        if (errno != ENOENT || p.depth > 0)
          problems.push_back({p.dir, std::string("cannot open folder: ") + std::strerror(errno)});
        continue;
      }
      while (const dirent* e = ::readdir(d.get())) {
        const std::string_view name = e->d_name;
        if (name == "." || name == "..") continue;
        const std::string path = p.dir + "/" + std::string(name);
        // The entry's type from the folder itself where the file system gives
        // it: a folder (never a link) needs no stat(), a regular file one by
        // its name in the open folder (no walk of the whole path again).
        struct stat st {};
        if (e->d_type == DT_DIR) {
          st.st_mode = S_IFDIR;
        } else if (e->d_type == DT_REG) {
          if (::fstatat(::dirfd(d.get()), e->d_name, &st, 0) != 0) continue;
        } else if (::stat(path.c_str(), &st) != 0) {
          continue;
        } else if (S_ISDIR(st.st_mode)) {
          struct stat lst {};
          if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) continue;
        }
        if (S_ISDIR(st.st_mode)) {
          if (p.depth + 1 > kMaxDepth) {
            problems.push_back({path, "folder nesting deeper than 32 levels; not read"});
          } else if (descend(path)) {
            todo.push_back({path, p.depth + 1});
          }
          continue;
        }
        if (!S_ISREG(st.st_mode) || ends_with(name, "-wal")) continue;
        auto file = classify(path);
        if (!file || file->assistant != root.assistant) continue;
        if (!listed.insert({st.st_dev, st.st_ino}).second) continue;
        if (file->format == LogFormat::kCodexRollout) {
          if (archived && active_rollouts.count(name)) continue;
          if (!archived) active_rollouts.insert(std::string(name));
        }
        if (file->path == path) file->seen = SourceFile::Seen::of(st);
        out.push_back(std::move(*file));
      }
    }
  };
  // sessions/ before archived_sessions/: the active copy of a rollout wins.
  for (const SourceRoot& r : roots_)
    if (!ends_with(r.path, "/archived_sessions")) walk_root(r, false);
  for (const SourceRoot& r : roots_)
    if (ends_with(r.path, "/archived_sessions")) walk_root(r, true);
  std::sort(out.begin(), out.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return out;
}

}  // namespace codepulse::tracker
