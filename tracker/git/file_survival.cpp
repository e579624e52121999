#include "tracker/git/file_survival.hpp"

#include <charconv>

namespace codepulse::tracker {
namespace {

bool is_hex_name(std::string_view s) {
  if (s.size() != 40 && s.size() != 64) return false;
  for (const char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// The path as a literal pathspec: no glob or magic in a file's name applies.
std::string literal(const std::string& path) {
  return ":(literal)" + path;
}

// `git ls-tree` of one path: the blob's object name, nullopt when absent or
// not a regular file ("<mode> <type> <object>\t<path>").
Result<std::optional<std::string>> ls_blob(const GitRunner& git, const std::string& root,
                                           const std::string& rev, const std::string& path) {
  std::optional<std::string> blob;
  auto s = git.run(root, {"ls-tree", "-z", "--full-tree", rev, "--", literal(path)}, '\0',
                   [&](std::string_view entry, bool) -> Status {
                     const size_t tab = entry.find('\t');
                     if (tab == std::string_view::npos)
                       return make_error("`git ls-tree` in " + root + ": unexpected output");
                     if (entry.substr(tab + 1) != path) return {};
                     const std::string_view head = entry.substr(0, tab);
                     const size_t a = head.find(' '), b = head.rfind(' ');
                     if (a == std::string_view::npos || a == b)
                       return make_error("`git ls-tree` in " + root + ": unexpected output");
                     const std::string_view mode = head.substr(0, a);
                     const std::string_view object = head.substr(b + 1);
                     if ((mode == "100644" || mode == "100755") && is_hex_name(object))
                       blob = std::string(object);
                     return {};
                   });
  if (!s) return s.error();
  return blob;
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
    if (sp == std::string_view::npos || !is_hex_name(line.substr(0, sp)))
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

Result<std::optional<std::string>> blob_at(const GitRunner& git, const std::string& root,
                                           const std::string& since, const std::string& rev,
                                           const std::string& path) {
  auto blob = ls_blob(git, root, rev, path);
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
      return ls_blob(git, root, rev, fields[i + 2]);
  return std::optional<std::string>();
}

Status blob_prints(const GitRunner& git, const std::string& root, const std::string& blob,
                   LineFingerprinter& fp, PrintCounts& counts) {
  counts.clear();
  return git.run(root, {"cat-file", "blob", blob}, '\n', [&](std::string_view line, bool cut) {
    if (!cut)
      if (auto p = fp.fingerprint(line)) ++counts[*p];
    return Status{};
  });
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
