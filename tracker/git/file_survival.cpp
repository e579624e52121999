#include "tracker/git/file_survival.hpp"

#include <charconv>

#include "common/record/object_names.hpp"

namespace codepulse::tracker {
namespace {

// The blob `path` names in `rev`, nullopt when absent or not a file (a
// folder, a submodule). A path that became a symbolic link reads as its
// link's text, which holds none of the commit's lines: counted as gone.
Result<std::optional<std::string>> path_blob(GitObjects& objects, const std::string& rev,
                                             const std::string& path) {
  auto found = objects.info(rev + ":" + path);
  if (!found) return found.error();
  if (!*found || (*found)->type != "blob") return std::optional<std::string>();
  return std::optional<std::string>((*found)->name);
}

}  // namespace

Result<FirstParentChain> read_first_parent_chain(const GitRunner& git, const std::string& root,
                                                 const std::string& ref, int64_t since_s) {
  FirstParentChain chain;
  std::vector<std::string> args = {"rev-list", "--first-parent", "--format=%H %ct",
                                   "--no-commit-header"};
  if (since_s > 0) args.push_back("--since=@" + std::to_string(since_s));
  args.insert(args.end(), {ref, "--"});
  auto s = git.run(root, args, '\n', [&](std::string_view line, bool) -> Status {
    const size_t sp = line.find(' ');
    int64_t t = 0;
    if (sp == std::string_view::npos || !is_object_name(line.substr(0, sp)))
      return make_error("`git rev-list` in " + root + ": unexpected output");
    const std::string_view when = line.substr(sp + 1);
    auto [end, ec] = std::from_chars(when.data(), when.data() + when.size(), t);
    if (ec != std::errc() || end != when.data() + when.size())
      return make_error("`git rev-list` in " + root + ": a commit time that is not a number");
    chain.emplace_back(std::string(line.substr(0, sp)), t);
    return {};
  });
  if (!s) return s.error();
  return chain;
}

std::string commit_at(const FirstParentChain& chain, int64_t at_s) {
  for (const auto& [sha, t] : chain)
    if (t <= at_s) return sha;
  return {};
}

Result<std::optional<std::string>> blob_at(const GitRunner& git, GitObjects& objects,
                                           const std::string& root, const std::string& since,
                                           const std::string& rev, const std::string& path) {
  auto blob = path_blob(objects, rev, path);
  if (!blob || *blob) return blob;
  // Gone from its path: renamed since the commit?
  std::vector<std::string> fields;
  auto s = git.run(root,
                   {"diff-tree", "-r", "-z", "-M", "--name-status", "--diff-filter=R",
                    "--no-ext-diff", since, rev},
                   '\0', [&](std::string_view f, bool cut) -> Status {
                     if (cut) return make_error("`git diff-tree` in " + root + ": a path too long");
                     fields.emplace_back(f);
                     return {};
                   });
  if (!s) return s.error();
  // "R<score>", old path, new path, repeated.
  for (size_t i = 0; i + 2 < fields.size(); i += 3)
    if (fields[i].starts_with('R') && fields[i + 1] == path)
      return path_blob(objects, rev, fields[i + 2]);
  return std::optional<std::string>();
}

Status blob_prints(GitObjects& objects, const std::string& blob, LineFingerprinter& fp,
                   PrintCounts& counts) {
  counts.clear();
  auto read = objects.read_blob(blob, [&](std::string_view line, bool cut) {
    if (!cut)
      if (auto p = fp.fingerprint(line)) ++counts[*p];
    return Status{};
  });
  if (!read) return read.error();
  if (!*read) return make_error("blob " + blob + " is missing from the repository");
  return {};
}

AliveLines count_alive(const std::vector<int64_t>& ai_prints,
                       const std::vector<int64_t>& other_prints, const PrintCounts& file) {
  AliveLines out;
  PrintCounts left = file;
  auto claim = [&left](int64_t p) {
    auto it = left.find(p);
    if (it == left.end() || it->second == 0) return false;
    --it->second;
    return true;
  };
  for (const int64_t p : ai_prints)
    if (claim(p)) ++out.ai;
  out.lines = out.ai;
  for (const int64_t p : other_prints)
    if (claim(p)) ++out.lines;
  return out;
}

}  // namespace codepulse::tracker
