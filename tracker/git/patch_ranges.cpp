#include "tracker/git/patch_ranges.hpp"

#include <charconv>
#include <optional>

namespace codepulse::tracker {
namespace {

// "12" or "12,3" (a missing count is 1).
std::optional<LineRange> parse_range(std::string_view s) {
  LineRange r{0, 1};
  const size_t comma = s.find(',');
  const std::string_view start = s.substr(0, comma);
  auto [e1, ec1] = std::from_chars(start.data(), start.data() + start.size(), r.start);
  if (start.empty() || ec1 != std::errc() || e1 != start.data() + start.size()) return std::nullopt;
  if (comma != std::string_view::npos) {
    const std::string_view count = s.substr(comma + 1);
    auto [e2, ec2] = std::from_chars(count.data(), count.data() + count.size(), r.count);
    if (count.empty() || ec2 != std::errc() || e2 != count.data() + count.size())
      return std::nullopt;
  }
  if (r.start < 0 || r.count < 0) return std::nullopt;
  return r;
}

}  // namespace

std::string unquote_git_path(std::string_view text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::string(text);
  text = text.substr(1, text.size() - 2);
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char c = text[++i];
    switch (c) {
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      default:
        if (c >= '0' && c <= '3' && i + 2 < text.size()) {  // \ooo, one byte
          out += static_cast<char>(((c - '0') << 6) | ((text[i + 1] - '0') << 3) |
                                   (text[i + 2] - '0'));
          i += 2;
        } else {
          out += c;  // \" and \\ .
        }
    }
  }
  return out;
}

Status PatchRangeReader::feed(std::string_view line, bool cut) {
  if (old_left_ > 0 || new_left_ > 0) {
    // Inside a hunk: exactly old_left_ '-' lines and new_left_ '+' lines follow.
    if (line.starts_with('-') && old_left_ > 0) {
      --old_left_;
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
    old_path_.clear();
    return {};
  }
  if (line.starts_with("--- ")) {
    std::string_view name = line.substr(4);
    if (name.ends_with('\t')) name.remove_suffix(1);  // git's marker after a name with spaces
    const std::string path = unquote_git_path(name);
    old_path_ = path.starts_with("a/") ? path.substr(2) : std::string();  // or /dev/null
    return {};
  }
  if (!line.starts_with("@@ -")) return {};  // index, mode, rename, "+++", binary lines
  const size_t space = line.find(' ', 4);
  const size_t plus = line.find(" +", 4);
  if (space == std::string_view::npos || plus == std::string_view::npos)
    return make_error("a malformed hunk header");
  const auto removed = parse_range(line.substr(4, space - 4));
  const size_t end = line.find(' ', plus + 2);
  const auto added = parse_range(line.substr(
      plus + 2, end == std::string_view::npos ? std::string_view::npos : end - plus - 2));
  if (!removed || !added) return make_error("a malformed hunk header");
  old_left_ = removed->count;
  new_left_ = added->count;
  if (removed->count > 0) {
    if (old_path_.empty()) return make_error("a hunk removing lines from no file");
    ranges_[old_path_].push_back(*removed);
  }
  return {};
}

Result<RemovedRanges> PatchRangeReader::finish() {
  if (old_left_ > 0 || new_left_ > 0) return make_error("the patch ended inside a hunk");
  return std::move(ranges_);
}

}  // namespace codepulse::tracker
