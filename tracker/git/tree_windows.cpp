#include "tracker/git/tree_windows.hpp"

#include "common/record/object_names.hpp"
#include "tracker/git/duplicate_blocks.hpp"
#include "tracker/git/git_diffs.hpp"

namespace codepulse::tracker {
namespace {

// A regular file's mode (a symbolic link or a submodule holds no code).
bool regular_file(std::string_view mode) {
  return mode == "100644" || mode == "100755";
}

// The space-separated fields of `s`.
std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const size_t sp = s.find(' ');
    out.push_back(s.substr(0, sp));
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

}  // namespace

TreeWindows::TreeWindows(const GitRunner& git, GitObjects& objects, std::string repo_root,
                         LineFingerprinter& fp, std::unordered_set<uint64_t> wanted)
    : git_(git),
      objects_(objects),
      root_(std::move(repo_root)),
      fp_(fp),
      wanted_(std::move(wanted)) {}

// The wanted windows of one blob, read and fingerprinted once. A blob with
// a NUL byte is binary (as git grep -I skips it): no windows.
Result<const TreeWindows::Windows*> TreeWindows::windows_of(const std::string& blob) {
  if (auto it = blobs_.find(blob); it != blobs_.end()) return &it->second;
  std::vector<int64_t> prints;
  bool binary = false;
  auto read = objects_.read_blob(blob, [&](std::string_view line, bool cut) {
    if (line.find('\0') != std::string_view::npos) binary = true;
    if (!cut && !binary)
      if (auto p = fp_.fingerprint(line)) prints.push_back(*p);
    return Status{};
  });
  if (!read) return read.error();
  if (!*read) return make_error("blob " + blob + " is not in the repository");
  Windows kept;
  if (!binary)
    for (const auto& [w, n] : window_counts(prints))
      if (wanted_.count(w)) kept.emplace_back(w, n);
  return &(blobs_[blob] = std::move(kept));
}

Status TreeWindows::add(WindowCounts& counts, const std::string& blob, int64_t sign) {
  auto windows = windows_of(blob);
  if (!windows) return windows.error();
  for (const auto& [w, n] : **windows) {
    auto it = counts.try_emplace(w, 0).first;
    if ((it->second += sign * n) == 0) counts.erase(it);
  }
  return {};
}

// Every regular file of `commit`'s tree.
Status TreeWindows::whole_tree(const std::string& commit, WindowCounts& counts) {
  counts.clear();
  std::vector<std::string> blobs;
  auto s = git_.run(root_, {"ls-tree", "-r", "--full-tree", commit}, '\n',
                    [&](std::string_view line, bool cut) -> Status {
                      if (cut) return make_error("`git ls-tree` printed a line past the limit");
                      const auto f = fields(line.substr(0, line.find('\t')));
                      if (f.size() != 3) return make_error("`git ls-tree`: unexpected output");
                      if (f[1] == "blob" && regular_file(f[0])) blobs.emplace_back(f[2]);
                      return Status{};
                    });
  if (!s) return s;
  for (const std::string& blob : blobs)
    if (auto st = add(counts, blob, 1); !st) return st;
  return {};
}

Status TreeWindows::walk(const std::vector<ReplayCommit>& log, const TreeCountsFn& at_commit) {
  GitDiffs raw(
      git_, root_,
      {"-r", "--raw", "--no-renames", "--full-index", "--root", "--no-commit-id", "--no-ext-diff"});
  auto left = children_in(log);  // children not walked yet, per commit
  std::unordered_map<std::string, WindowCounts> kept;
  for (const size_t i : parents_first(log)) {
    const ReplayCommit& c = log[i];
    const std::string parent = c.parents.empty() ? "" : c.parents.front();
    WindowCounts counts;
    if (auto it = kept.find(parent); it != kept.end()) {
      if (--left[parent] == 0) {
        counts = std::move(it->second);
        kept.erase(it);
      } else {
        counts = it->second;
      }
    } else if (!parent.empty()) {
      if (auto s = whole_tree(parent, counts); !s)
        return make_error("the tree of " + parent + ": " + s.error().message);
    }
    // ":<old mode> <new mode> <old blob> <new blob> <status>\t<path>"
    std::vector<std::pair<std::string, int64_t>> changes;
    auto s = raw.diff(c.sha, parent, [&](std::string_view line, bool cut) -> Status {
      if (cut || !line.starts_with(':')) return make_error("unexpected output");
      const auto f = fields(line.substr(1, line.find('\t') - 1));
      if (f.size() != 5) return make_error("unexpected output");
      if (regular_file(f[0]) && !is_null_object(f[2])) changes.emplace_back(f[2], -1);
      if (regular_file(f[1]) && !is_null_object(f[3])) changes.emplace_back(f[3], 1);
      return Status{};
    });
    if (!s) return make_error("the changes of " + c.sha + ": " + s.error().message);
    for (const auto& [blob, sign] : changes)
      if (auto st = add(counts, blob, sign); !st)
        return make_error("the changes of " + c.sha + ": " + st.error().message);
    at_commit(i, counts);
    if (left[c.sha] > 0) kept.emplace(c.sha, std::move(counts));
  }
  return {};
}

}  // namespace codepulse::tracker
