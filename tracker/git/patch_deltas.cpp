#include "tracker/git/patch_deltas.hpp"

#include <charconv>

#include "common/record/object_names.hpp"
#include "tracker/git/git_path.hpp"

namespace codepulse::tracker {
namespace {

// "12" or "12,3" (a missing count is 1).
bool parse_range(std::string_view s, int64_t& start, int64_t& count) {
  count = 1;
  const size_t comma = s.find(',');
  const std::string_view first = s.substr(0, comma);
  auto [e1, ec1] = std::from_chars(first.data(), first.data() + first.size(), start);
  if (first.empty() || ec1 != std::errc() || e1 != first.data() + first.size()) return false;
  if (comma != std::string_view::npos) {
    const std::string_view n = s.substr(comma + 1);
    auto [e2, ec2] = std::from_chars(n.data(), n.data() + n.size(), count);
    if (n.empty() || ec2 != std::errc() || e2 != n.data() + n.size()) return false;
  }
  return start >= 0 && count >= 0;
}

}  // namespace

Status PatchDeltaReader::feed(std::string_view line, bool cut) {
  if (old_left_ > 0 || new_left_ > 0) {
    // Inside a hunk: exactly old_left_ '-' lines and new_left_ '+' lines follow.
    if (line.starts_with('-') && old_left_ > 0) {
      --old_left_;
      if (keep_texts_)
        files_.back().removed_texts.push_back(cut ? std::nullopt
                                                  : std::optional<std::string>(line.substr(1)));
    } else if (line.starts_with('+') && new_left_ > 0) {
      --new_left_;
    } else if (!line.starts_with('\\')) {
      return make_error("a hunk ended before its line counts were reached");
    }
    return {};
  }
  if (cut) return make_error("a header line longer than the line limit");
  if (line.starts_with('\\')) return {};  // "\ No newline at end of file"
  if (line.starts_with("diff --git ")) {
    files_.emplace_back();
    return {};
  }
  if (files_.empty()) return {};  // a commit id line, if any
  FileDelta& f = files_.back();
  if (line.starts_with("index ")) {
    // "index <old>..<new>[ <mode>]"
    std::string_view ids = line.substr(6);
    ids = ids.substr(0, ids.find(' '));
    const size_t dots = ids.find("..");
    if (dots == std::string_view::npos) return make_error("a malformed index line");
    const std::string_view before = ids.substr(0, dots), after = ids.substr(dots + 2);
    if (!is_object_name(before) || !is_object_name(after))
      return make_error("an index line without full object names");
    f.old_blob = is_null_object(before) ? "" : std::string(before);
    f.new_blob = is_null_object(after) ? "" : std::string(after);
  } else if (line.starts_with("rename from ")) {
    f.old_path = unquote_git_path(line.substr(12));
  } else if (line.starts_with("rename to ")) {
    f.new_path = unquote_git_path(line.substr(10));
  } else if (line.starts_with("--- ")) {
    f.old_path = patch_header_path(line.substr(4));
  } else if (line.starts_with("+++ ")) {
    f.new_path = patch_header_path(line.substr(4));
  } else if (line.starts_with("Binary files ")) {
    f.binary = true;
  } else if (line.starts_with("@@ -")) {
    const size_t space = line.find(' ', 4);
    const size_t plus = line.find(" +", 4);
    if (space == std::string_view::npos || plus == std::string_view::npos)
      return make_error("a malformed hunk header");
    const size_t end = line.find(' ', plus + 2);
    PatchHunk h;
    if (!parse_range(line.substr(4, space - 4), h.old_start, h.old_count) ||
        !parse_range(line.substr(plus + 2, end == std::string_view::npos ? std::string_view::npos
                                                                         : end - plus - 2),
                     h.new_start, h.new_count))
      return make_error("a malformed hunk header");
    if (h.old_count > 0 && f.old_blob.empty())
      return make_error("a hunk removing lines from no file");
    f.hunks.push_back(h);
    old_left_ = h.old_count;
    new_left_ = h.new_count;
  }
  return {};
}

Result<std::vector<FileDelta>> PatchDeltaReader::finish() {
  if (old_left_ > 0 || new_left_ > 0) return make_error("the patch ended inside a hunk");
  return std::move(files_);
}

}  // namespace codepulse::tracker
