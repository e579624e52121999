#include "tracker/discover/claude_dirs.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "common/ascii.hpp"
#include "common/c_handles.hpp"
#include "tracker/discover/folder_paths.hpp"

namespace codepulse::tracker {
namespace {

// A config root holds projects/; an entry naming projects/ itself is accepted.
std::string projects_of(const std::string& root) {
  const std::string r = strip_trailing_slash(root);
  if (is_dir(r + "/projects")) return r + "/projects";
  const size_t slash = r.rfind('/');
  if (r.substr(slash == std::string::npos ? 0 : slash + 1) == "projects" && is_dir(r)) return r;
  return {};
}

void add_unique(std::vector<std::string>& dirs, std::set<std::pair<dev_t, ino_t>>& seen,
                const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return;
  if (seen.insert({st.st_dev, st.st_ino}).second) dirs.push_back(dir);
}

void walk(const std::string& dir, Listing& out, std::set<std::pair<dev_t, ino_t>>& seen_files,
          int depth) {
  if (depth > 32) {
    out.problems.push_back({dir, "folder nesting deeper than 32 levels; not read"});
    return;
  }
  UniqueDir d(::opendir(dir.c_str()));
  if (!d) {
    out.problems.push_back({dir, std::string("cannot open folder: ") + std::strerror(errno)});
    return;
  }
  std::vector<std::string> subdirs;
  std::vector<std::string> files;
  while (const dirent* e = ::readdir(d.get())) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = dir + "/" + name;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat lst {};
      if (::lstat(path.c_str(), &lst) != 0) continue;
      type = S_ISDIR(lst.st_mode)   ? DT_DIR
             : S_ISREG(lst.st_mode) ? DT_REG
             : S_ISLNK(lst.st_mode) ? DT_LNK
                                    : DT_UNKNOWN;
    }
    if (type == DT_DIR) {
      if (is_transcript_name(name))
        out.problems.push_back({path, "is a folder where a transcript file was expected"});
      subdirs.push_back(path);
      continue;
    }
    if (!is_transcript_name(name)) continue;
    if (type == DT_LNK) {
      // A link to a file is read (once per target); a link to a folder is not followed.
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        out.problems.push_back({path, "symbolic link that is not a regular file"});
        continue;
      }
      if (seen_files.insert({st.st_dev, st.st_ino}).second) files.push_back(path);
      continue;
    }
    if (type != DT_REG) {
      out.problems.push_back({path, "not a regular file"});
      continue;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) continue;  // vanished meanwhile
    if (seen_files.insert({st.st_dev, st.st_ino}).second) files.push_back(path);
  }
  d.reset();
  std::sort(files.begin(), files.end());
  out.files.insert(out.files.end(), files.begin(), files.end());
  std::sort(subdirs.begin(), subdirs.end());
  for (const auto& sub : subdirs)
    walk(sub, out, seen_files, depth + 1);
}

}  // namespace

bool is_transcript_name(const std::string& name) {
  if (name.size() <= 6 || name.compare(name.size() - 6, 6, ".jsonl") != 0) return false;
  return name != "journal.jsonl" && name != "history.jsonl";
}

Result<std::vector<std::string>> find_projects_dirs(const Environment& env,
                                                    const std::vector<std::string>& explicit_dirs) {
  std::vector<std::string> dirs;
  std::set<std::pair<dev_t, ino_t>> seen;
  if (!explicit_dirs.empty()) {
    for (const auto& raw : explicit_dirs) {
      const std::string d = strip_trailing_slash(expand_home(raw, env.home));
      if (!is_dir(d)) return make_error("--claude-dir " + raw + ": not a folder");
      const std::string p = projects_of(d);
      add_unique(dirs, seen, p.empty() ? d : p);
    }
    return dirs;
  }
  if (env.claude_config_dir) {
    std::string list = *env.claude_config_dir;
    size_t pos = 0;
    bool any_entry = false;
    while (pos <= list.size()) {
      size_t comma = list.find(',', pos);
      if (comma == std::string::npos) comma = list.size();
      const std::string entry(trim(list.substr(pos, comma - pos), " \t\r\n"));
      pos = comma + 1;
      if (entry.empty()) continue;
      any_entry = true;
      const std::string p = projects_of(expand_home(entry, env.home));
      if (!p.empty()) add_unique(dirs, seen, p);
    }
    if (dirs.empty())
      return make_error(
          std::string("CLAUDE_CONFIG_DIR is set but ") +
          (any_entry ? "none of its entries has a projects/ folder" : "has no entries") + ": " +
          list);
    return dirs;
  }
  const std::string xdg = env.xdg_config_home ? *env.xdg_config_home : env.home + "/.config";
  for (const std::string& root : {xdg + "/claude", env.home + "/.claude"}) {
    const std::string p = projects_of(root);
    if (!p.empty()) add_unique(dirs, seen, p);
  }
  return dirs;
}

std::vector<std::string> candidate_projects_dirs(const Environment& env,
                                                 const std::vector<std::string>& explicit_dirs) {
  std::vector<std::string> out;
  auto add = [&](const std::string& root) {
    const std::string r = strip_trailing_slash(expand_home(root, env.home));
    const size_t slash = r.rfind('/');
    const bool is_projects = r.substr(slash == std::string::npos ? 0 : slash + 1) == "projects";
    const std::string p = is_projects ? r : r + "/projects";
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  if (!explicit_dirs.empty()) {
    for (const auto& d : explicit_dirs) {
      const std::string e = strip_trailing_slash(expand_home(d, env.home));
      // A folder of transcripts given directly is watched as it is.
      if (is_dir(e) && projects_of(e).empty()) {
        if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
      } else {
        add(e);
      }
    }
    return out;
  }
  if (env.claude_config_dir) {
    for (const std::string& entry : split_folder_list(*env.claude_config_dir))
      add(entry);
    return out;
  }
  // ~/.config/claude was used by Claude Code 1.0.28-1.0.4x only, and only when
  // XDG_CONFIG_HOME was set: waiting for it to appear would wake the daemon on
  // every write in ~/.config.
  const std::string xdg =
      (env.xdg_config_home ? *env.xdg_config_home : env.home + "/.config") + "/claude";
  if (env.xdg_config_home || is_dir(xdg)) add(xdg);
  add(env.home + "/.claude");
  return out;
}

Listing list_transcripts(const std::vector<std::string>& projects_dirs) {
  Listing out;
  std::set<std::pair<dev_t, ino_t>> seen_files;
  for (const auto& d : projects_dirs)
    walk(d, out, seen_files, 0);
  return out;
}

}  // namespace codepulse::tracker
