#include "tracker/git/file_touches.hpp"

#include <charconv>
#include <functional>

namespace codepulse::tracker {
namespace {

uint64_t name_hash(std::string_view sha) {
  return std::hash<std::string_view>{}(sha);
}

}  // namespace

Result<FileTouches> FileTouches::read(const GitRunner& git, const std::string& repo_root,
                                      int64_t since_s, size_t max_touches) {
  FileTouches out;
  out.since_s_ = since_s;
  // -z: "\x01<sha> <time>" records, then each changed path; git puts a
  // newline before the first path of a commit.
  const std::vector<std::string> args = {"log",
                                         "--branches",
                                         "-m",
                                         "--name-only",
                                         "-z",
                                         "--no-renames",
                                         "--format=%x01%H %ct",
                                         "--since=@" + std::to_string(since_s),
                                         "--"};
  size_t kept = 0;
  Touch current{0, 0};
  bool first_path = false;
  auto s = git.run(repo_root, args, '\0', [&](std::string_view record, bool cut) -> Status {
    if (!out.reliable_) return {};
    if (cut) {
      out.reliable_ = false;  // a path too long to hold: it could be any file
      return {};
    }
    if (record.starts_with('\x01')) {
      record.remove_prefix(1);
      const size_t sp = record.find(' ');
      const std::string_view when = sp == std::string_view::npos ? "" : record.substr(sp + 1);
      int64_t t = 0;
      auto [end, ec] = std::from_chars(when.data(), when.data() + when.size(), t);
      if (sp == std::string_view::npos || ec != std::errc() || end != when.data() + when.size())
        return make_error("`git log` in " + repo_root + ": unexpected output");
      current = Touch{t, name_hash(record.substr(0, sp))};
      first_path = true;
      return {};
    }
    if (first_path) {
      if (!record.starts_with('\n'))
        return make_error("`git log` in " + repo_root + ": unexpected output");
      record.remove_prefix(1);
    } else if (record.starts_with('\n')) {
      out.reliable_ = false;  // a path starting with a newline: ambiguous
      return {};
    }
    first_path = false;
    if (record.empty()) return {};
    if (++kept > max_touches) {
      out.reliable_ = false;
      out.touches_.clear();
      return {};
    }
    out.touches_[std::string(record)].push_back(current);
    return {};
  });
  if (!s) return s.error();
  return out;
}

bool FileTouches::changed_since(const std::string& path, int64_t since_s,
                                const std::string& except_sha) const {
  if (!reliable_ || since_s < since_s_) return true;
  const auto it = touches_.find(path);
  if (it == touches_.end()) return false;
  const uint64_t except = name_hash(except_sha);
  for (const Touch& t : it->second)
    if (t.at_s >= since_s && t.commit != except) return true;
  return false;
}

}  // namespace codepulse::tracker
