#include "tracker/git/commit_log.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <unordered_set>

#include "common/record/object_names.hpp"
#include "tracker/git/commit_message.hpp"

namespace codepulse::tracker {
namespace {

constexpr char kHeaderMark = '\x1e';
constexpr char kFieldSep = '\x1f';
// sha, parents, source ref, author email, author time, committer email,
// committer time, message.
constexpr const char* kFormat = "--format=%x1e%H%x1f%P%x1f%S%x1f%ae%x1f%at%x1f%ce%x1f%ct%x1f%B%x1f";
constexpr size_t kFixedFields = 7;

std::optional<int64_t> parse_count(std::string_view s) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n < 0) return std::nullopt;
  return n;
}

// `git log -z --numstat` output: a header record per commit (the format
// above), then one record per file: "ADDED\tREMOVED\tPATH", or for a rename
// "ADDED\tREMOVED\t" followed by two records, the old and the new path. The
// first file record of a commit starts with a newline. Binary files count "-".
class CommitLogParser {
 public:
  explicit CommitLogParser(const std::string& repo_root) : root_(repo_root) {}

  Status feed(std::string_view record, bool cut) {
    if (rename_paths_left_ > 0) {
      // The old path, then the new one: the file is named by its new path.
      if (--rename_paths_left_ == 0) commits_.back().files.back().path = std::string(record);
      return {};
    }
    if (!record.empty() && record.front() == kHeaderMark) return header(record.substr(1), cut);
    if (!record.empty() && record.front() == '\n') record.remove_prefix(1);
    if (record.empty()) return {};
    if (commits_.empty()) return bad("a file line before any commit");
    const size_t t1 = record.find('\t');
    const size_t t2 = t1 == std::string_view::npos ? t1 : record.find('\t', t1 + 1);
    if (t2 == std::string_view::npos) return bad("a file line without two tabs");
    const std::string_view added = record.substr(0, t1);
    const std::string_view removed = record.substr(t1 + 1, t2 - t1 - 1);
    CommitFile f;
    if (added == "-" && removed == "-") {
      f.binary = true;
    } else {
      const auto a = parse_count(added), r = parse_count(removed);
      if (!a || !r) return bad("a file line with a count that is not a number");
      f.added = *a;
      f.removed = *r;
    }
    f.path = std::string(record.substr(t2 + 1));
    if (f.path.empty()) rename_paths_left_ = 2;
    commits_.back().files.push_back(std::move(f));
    return {};
  }

  Result<std::vector<CommitRecord>> finish() {
    if (rename_paths_left_ > 0) return bad("output ended inside a rename");
    return std::move(commits_);
  }

 private:
  Status header(std::string_view rest, bool cut) {
    std::string_view fields[kFixedFields];
    for (auto& field : fields) {
      const size_t sep = rest.find(kFieldSep);
      if (sep == std::string_view::npos) return bad("a commit header with missing fields");
      field = rest.substr(0, sep);
      rest.remove_prefix(sep + 1);
    }
    // The message runs to the closing separator (absent when the record was cut).
    if (!cut && !rest.empty() && rest.back() == kFieldSep) rest.remove_suffix(1);
    CommitRecord c;
    if (!is_object_name(fields[0])) return bad("a commit header without an object name");
    c.sha = std::string(fields[0]);
    c.parents = split_object_names(fields[1]);
    std::string_view branch = fields[2];
    if (branch.starts_with("refs/heads/")) branch.remove_prefix(11);
    c.branch = std::string(branch);
    c.author_email = std::string(fields[3]);
    c.committer_email = std::string(fields[5]);
    const auto at = parse_count(fields[4]), ct = parse_count(fields[6]);
    if (!at || !ct) return bad("commit " + c.sha + " has a time that is not a number");
    c.author_ms = *at * 1000;
    c.committer_ms = *ct * 1000;
    MessageFacts facts = read_commit_message(rest);
    c.task_keys = std::move(facts.task_keys);
    c.ai_coauthor = facts.ai_coauthor;
    commits_.push_back(std::move(c));
    return {};
  }

  Error bad(const std::string& what) const {
    return make_error("`git log` in " + root_ + ": unexpected output: " + what);
  }

  const std::string& root_;
  std::vector<CommitRecord> commits_;
  int rename_paths_left_ = 0;
};

}  // namespace

Result<std::string> default_branch(const GitRunner& git, const std::string& repo_root) {
  std::vector<std::string> refs;  // "refs/heads/NAME" and "refs/remotes/origin/HEAD NAME"
  auto s = git.run(
      repo_root,
      {"for-each-ref", "--format=%(refname) %(symref)", "refs/heads/", "refs/remotes/origin/HEAD"},
      '\n', [&](std::string_view line, bool) -> Status {
        refs.emplace_back(line);
        return {};
      });
  if (!s) return s.error();
  auto local = [&refs](const std::string& name) {
    return std::find(refs.begin(), refs.end(), "refs/heads/" + name + " ") != refs.end();
  };
  for (const std::string& r : refs) {
    const std::string origin_head = "refs/remotes/origin/HEAD refs/remotes/origin/";
    if (r.rfind(origin_head, 0) == 0 && local(r.substr(origin_head.size())))
      return r.substr(origin_head.size());
  }
  for (const char* name : {"main", "master"})
    if (local(name)) return std::string(name);
  return std::string();
}

Status name_by_default_branch(const GitRunner& git, const std::string& repo_root,
                              const LogRange& range, std::vector<CommitRecord>& commits) {
  auto name = default_branch(git, repo_root);
  if (!name) return name.error();
  if (name->empty() || commits.empty()) return {};
  // Its first-parent chain: a feature branch's commits merged into it keep
  // their branch.
  std::vector<std::string> args = {"rev-list", "--first-parent", "refs/heads/" + *name};
  if (range.since_s > 0) args.push_back("--since=@" + std::to_string(range.since_s));
  if (!range.known_tips.empty()) {
    args.push_back("--ignore-missing");
    args.push_back("--not");
    args.insert(args.end(), range.known_tips.begin(), range.known_tips.end());
  }
  std::unordered_set<std::string> on_default;
  auto s = git.run(repo_root, args, '\n', [&](std::string_view line, bool) -> Status {
    on_default.emplace(line);
    return {};
  });
  if (!s) return s;
  for (CommitRecord& c : commits)
    if (on_default.count(c.sha) > 0) {
      c.branch = *name;
      c.on_default_branch = true;
    }
  return {};
}

Result<std::vector<CommitRecord>> read_commit_log(const GitRunner& git,
                                                  const std::string& repo_root,
                                                  const LogRange& range) {
  std::vector<std::string> args = {"log",           "--branches",   "--source",   "-z",
                                   "--numstat",     "-M",           "--no-color", "--no-ext-diff",
                                   "--no-textconv", "--no-mailmap", kFormat};
  if (range.since_s > 0) args.push_back("--since=@" + std::to_string(range.since_s));
  if (!range.known_tips.empty()) {
    args.push_back("--ignore-missing");
    args.push_back("--not");
    args.insert(args.end(), range.known_tips.begin(), range.known_tips.end());
  }
  CommitLogParser parser(repo_root);
  if (auto s = git.run(repo_root, args, '\0',
                       [&](std::string_view r, bool cut) { return parser.feed(r, cut); });
      !s)
    return s.error();
  auto commits = parser.finish();
  if (!commits) return commits;
  if (auto s = name_by_default_branch(git, repo_root, range, *commits); !s) return s.error();
  return commits;
}

Result<std::vector<std::string>> read_branch_tips(const GitRunner& git,
                                                  const std::string& repo_root) {
  std::vector<std::string> tips;
  auto s = git.run(repo_root, {"for-each-ref", "--format=%(objectname)", "refs/heads/"}, '\n',
                   [&](std::string_view line, bool) -> Status {
                     if (!is_object_name(line))
                       return make_error("`git for-each-ref` in " + repo_root +
                                         ": unexpected output: not an object name");
                     tips.emplace_back(line);
                     return {};
                   });
  if (!s) return s.error();
  std::sort(tips.begin(), tips.end());
  tips.erase(std::unique(tips.begin(), tips.end()), tips.end());
  return tips;
}

}  // namespace codepulse::tracker
