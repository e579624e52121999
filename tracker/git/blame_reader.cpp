#include "tracker/git/blame_reader.hpp"

#include <charconv>

#include "common/record/object_names.hpp"
#include "tracker/git/git_path.hpp"

namespace codepulse::tracker {

// Per line: "<sha> <orig line> <final line>[ <group size>]", then (the first
// time a commit appears) its "key value" lines and "filename <path>", then
// the line's text after a tab.
Status BlameReader::feed(std::string_view line, bool cut) {
  if (line.starts_with('\t')) {  // the text: counted, not kept
    if (expect_header_ || current_.empty()) return make_error("a line of text without a header");
    if (filename_.empty()) return make_error("a line without its file name");
    ++commits_[current_].lines_by_path[filename_];
    if (on_line_) on_line_(current_, filename_, final_line_, cut ? "" : line.substr(1), cut);
    expect_header_ = true;
    return {};
  }
  if (cut) return make_error("a header line longer than the line limit");
  if (expect_header_) {
    const size_t sp = line.find(' ');
    const std::string_view sha = line.substr(0, sp);
    if (!is_object_name(sha)) return make_error("a line header without an object name");
    // "<orig line> <final line>[ <group size>]" follow the name.
    const std::string_view rest = sp == std::string_view::npos ? "" : line.substr(sp + 1);
    const size_t sp2 = rest.find(' ');
    const std::string_view final_line =
        sp2 == std::string_view::npos ? ""
                                      : rest.substr(sp2 + 1, rest.find(' ', sp2 + 1) - sp2 - 1);
    auto [end, ec] =
        std::from_chars(final_line.data(), final_line.data() + final_line.size(), final_line_);
    if (final_line.empty() || ec != std::errc() || end != final_line.data() + final_line.size())
      return make_error("a line header without its line numbers");
    if (sha != current_) {
      current_ = std::string(sha);
      commits_.try_emplace(current_);
      // git names the file only the first time a commit appears (unless the
      // commit touches several paths, then in each group).
      filename_ = path_of_[current_];
    }
    expect_header_ = false;
    return {};
  }
  const size_t sp = line.find(' ');
  const std::string_view key = line.substr(0, sp);
  const std::string_view value = sp == std::string_view::npos ? "" : line.substr(sp + 1);
  BlamedLines& c = commits_[current_];
  if (key == "committer-time") {
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), c.committer_s);
    if (ec != std::errc() || end != value.data() + value.size())
      return make_error("a committer-time that is not a number");
  } else if (key == "boundary") {
    c.boundary = true;
  } else if (key == "filename") {
    filename_ = unquote_git_path(value);
    path_of_[current_] = filename_;
  }
  return {};
}

}  // namespace codepulse::tracker
