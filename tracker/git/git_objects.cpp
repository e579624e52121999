#include "tracker/git/git_objects.hpp"

#include <charconv>

#include "tracker/git/record_splitter.hpp"

namespace codepulse::tracker {
namespace {

constexpr const char* kBatch = "--batch";
constexpr const char* kCheck = "--batch-check";

// "<object name> <type> <size>"; false when the header is not one.
bool parse_header(std::string_view header, GitObjectInfo& out) {
  const size_t a = header.find(' ');
  const size_t b = header.rfind(' ');
  if (a == std::string_view::npos || a == b) return false;
  out.name = std::string(header.substr(0, a));
  out.type = std::string(header.substr(a + 1, b - a - 1));
  const std::string_view size = header.substr(b + 1);
  auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), out.size);
  if (ec != std::errc() || end != size.data() + size.size() || out.size < 0) return false;
  for (const char c : out.name)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return out.name.size() == 40 || out.name.size() == 64;
}

// git's answer for a name it cannot resolve: "<spec> missing" (or
// "ambiguous"; "<spec> dangling ..." does not apply to plain names).
bool names_nothing(std::string_view header, const std::string& spec) {
  return header == spec + " missing" || header == spec + " ambiguous";
}

}  // namespace

GitObjects::GitObjects(const GitRunner& git, std::string repo_root)
    : git_(git),
      root_(std::move(repo_root)),
      batch_(git, root_, {"cat-file", kBatch}),
      check_(git, root_, {"cat-file", kCheck}) {}

Result<std::optional<GitObjectInfo>> GitObjects::info(const std::string& spec) {
  if (spec.find('\n') != std::string::npos) {
    // One git process for a name the batch protocol cannot carry.
    std::optional<GitObjectInfo> found;
    std::string type, size, name;
    auto keep = [](std::string& into) {
      return [&into](std::string_view line, bool) {
        into = std::string(line);
        return Status{};
      };
    };
    single_ += 1;
    if (auto t = git_.run(root_, {"cat-file", "-t", spec}, '\n', keep(type)); !t) {
      // git ends with status 128 when the name resolves to nothing.
      if (t.error().message.find("exited with status 128") != std::string::npos) return found;
      return t.error();
    }
    single_ += 2;
    if (auto n =
            git_.run(root_, {"rev-parse", "--verify", "--end-of-options", spec}, '\n', keep(name));
        !n)
      return n.error();
    if (auto z = git_.run(root_, {"cat-file", "-s", spec}, '\n', keep(size)); !z) return z.error();
    GitObjectInfo got;
    if (!parse_header(name + " " + type + " " + size, got))
      return make_error("`git cat-file` in " + root_ + ": unexpected output");
    found = std::move(got);
    return found;
  }
  return ask(check_, spec);
}

// The header `child` answers `spec` with; nullopt when it names nothing. A
// failure stops the child (the next request starts another).
Result<std::optional<GitObjectInfo>> GitObjects::ask(GitChild& child, const std::string& spec) {
  std::string header;
  Status asked = child.send(spec + "\n");
  if (asked) asked = child.read_line(header);
  if (!asked) {
    child.stop();
    return asked.error();
  }
  if (names_nothing(header, spec)) return std::optional<GitObjectInfo>();
  GitObjectInfo got;
  if (!parse_header(header, got)) {
    child.stop();
    return make_error(child.what() + ": unexpected output");
  }
  return std::optional<GitObjectInfo>(std::move(got));
}

Result<bool> GitObjects::read_blob(const std::string& spec, const GitRecordFn& on_line) {
  if (spec.find('\n') != std::string::npos) {
    auto known = info(spec);
    if (!known) return known.error();
    if (!*known) return false;
    if ((*known)->type != "blob")
      return make_error("`git cat-file` in " + root_ + ": names a " + (*known)->type +
                        ", not a file");
    ++single_;
    if (auto s = git_.run(root_, {"cat-file", "blob", (*known)->name}, '\n', on_line); !s)
      return s.error();
    return true;
  }
  auto answer = ask(batch_, spec);
  if (!answer) return answer.error();
  if (!*answer) return false;
  const GitObjectInfo& got = **answer;
  const bool blob = got.type == "blob";
  RecordSplitter splitter('\n', git_.limits().max_record_bytes, on_line);
  Status s = batch_.read_exact(got.size, [&](std::string_view part) -> Status {
    return blob ? splitter.feed(part) : Status{};
  });
  if (s && blob) s = splitter.finish();
  // The content ends with a newline of the protocol's own.
  if (s) s = batch_.read_exact(1, [](std::string_view) { return Status{}; });
  if (!s) {
    // Out of step with the child (or the caller stopped): the next request starts another.
    batch_.stop();
    return s.error();
  }
  if (!blob)
    return make_error("`git cat-file` in " + root_ + ": " + spec + " names a " + got.type +
                      ", not a file");
  return true;
}

}  // namespace codepulse::tracker
