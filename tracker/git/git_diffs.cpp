#include "tracker/git/git_diffs.hpp"

#include "common/record/object_names.hpp"
#include "tracker/git/record_splitter.hpp"

namespace codepulse::tracker {
namespace {

// Names no object (not hexadecimal), so diff-tree echoes it as it is.
constexpr std::string_view kEnd = "#codepulse-end-of-patch";

std::vector<std::string> with_stdin(std::vector<std::string> options) {
  options.insert(options.begin(), {"diff-tree", "--stdin"});
  return options;
}

}  // namespace

std::vector<std::string> zero_context_patch_options() {
  return {"-r",
          "-p",
          "--unified=0",
          "-M",
          "--no-color",
          "--no-ext-diff",
          "--no-textconv",
          "--src-prefix=a/",
          "--dst-prefix=b/",
          "--no-commit-id"};
}

GitDiffs::GitDiffs(const GitRunner& git, std::string repo_root, std::vector<std::string> options)
    : git_(git), child_(git, std::move(repo_root), with_stdin(std::move(options))) {}

Status GitDiffs::diff(const std::string& commit, const std::string& parent,
                      const GitRecordFn& on_line) {
  if (!is_object_name(commit) || (!parent.empty() && !is_object_name(parent)))
    return make_error(child_.what() + ": not a full object name: " + commit + " " + parent);
  std::string request = commit;
  if (!parent.empty()) request += " " + parent;
  request += "\n";
  request += kEnd;
  request += "\n";
  bool done = false, from_caller = false;
  const GitRecordFn take = [&](std::string_view line, bool cut) -> Status {
    if (done) return make_error("output after the end of the patch");
    if (!cut && line == kEnd) {
      done = true;
      return {};
    }
    if (auto r = on_line(line, cut); !r) {
      from_caller = true;
      return r;
    }
    return {};
  };
  RecordSplitter splitter('\n', git_.limits().max_record_bytes, take);
  Status s = child_.send(request);
  while (s && !done)
    s = child_.read_some([&](std::string_view chunk) { return splitter.feed(chunk); });
  if (!s) {
    // Out of step with the child (or the caller stopped): the next request starts another.
    child_.stop();
    return s.error().message.starts_with("`git")
               ? s
               : make_error(child_.what() + " for " + commit + ": " + s.error().message);
  }
  return {};
}

}  // namespace codepulse::tracker
