// hook install and uninstall on Claude Code settings
// (tracker/hook/claude_settings.hpp): every other setting and hook is kept
// in meaning and order, install is idempotent and replaces a moved program,
// a backup holds the old file, uninstall removes exactly what install added,
// and a file that is not a settings object is left alone.
#include "tracker/hook/claude_settings.hpp"

#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using namespace codepulse::test;

namespace {

const std::string kCommand = "'/opt/codepulse/bin/codepulse-tracker' hook";

// A user's settings with hooks of their own on the same and other events.
const char* kTheirs = R"json({
  "model": "opus",
  "env": {"FOO": "1", "BIG": 12345678901234, "PI": 3.25},
  "permissions": {"allow": ["Bash(npm run test:*)"], "deny": []},
  "hooks": {
    "UserPromptSubmit": [
      {"hooks": [{"type": "command", "command": "~/bin/prompt-guard.sh", "timeout": 3}]}
    ],
    "PreToolUse": [
      {"matcher": "Bash", "hooks": [{"type": "command", "command": "lint-bash"}]}
    ]
  },
  "statusLine": {"type": "command", "command": "echo \"hi\\u00e9\""},
  "unicode": "caf\u00e9 \ud83d\ude00"
})json";

// The document as parsed JSON, printed canonically (minified, keys in order).
std::string meaning(const std::string& text) {
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE_FALSE(parser.parse(text).get(doc));
  return simdjson::minify(doc);
}

std::string with(std::string_view text) {
  bool changed = false;
  auto out = settings_with_hook(text, kCommand, changed);
  REQUIRE(out);
  return *out;
}

std::string without(std::string_view text) {
  bool changed = false;
  auto out = settings_without_hook(text, changed);
  REQUIRE(out);
  return *out;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("install adds the hook to both events and keeps every other setting",
          "[unit][hook][settings]") {
  bool changed = false;
  auto installed = settings_with_hook(kTheirs, kCommand, changed);
  REQUIRE(installed);
  CHECK(changed);
  CHECK(count(*installed, "codepulse-tracker") == 2);
  CHECK(installed->find("\"timeout\": 5") != std::string::npos);
  // Their prompt hook runs first, ours after it; the rest is untouched.
  const std::string m = meaning(*installed);
  CHECK(
      m.find(
          R"("UserPromptSubmit":[{"hooks":[{"type":"command","command":"~/bin/prompt-guard.sh","timeout":3}]},{"hooks":[{"type":"command","command":"'/opt/codepulse/bin/codepulse-tracker' hook","timeout":5}]}])") !=
      std::string::npos);
  CHECK(
      m.find(
          R"("SessionStart":[{"hooks":[{"type":"command","command":"'/opt/codepulse/bin/codepulse-tracker' hook","timeout":5}]}])") !=
      std::string::npos);
  CHECK(m.find(R"("env":{"FOO":"1","BIG":12345678901234,"PI":3.25})") != std::string::npos);
  CHECK(m.find(R"("unicode":"café 😀")") != std::string::npos);

  // Again: nothing changes.
  auto again = settings_with_hook(*installed, kCommand, changed);
  REQUIRE(again);
  CHECK_FALSE(changed);
  CHECK(*again == *installed);

  // Uninstall gives the same meaning back, key order included.
  auto removed = settings_without_hook(*installed, changed);
  REQUIRE(removed);
  CHECK(changed);
  CHECK(meaning(*removed) == meaning(kTheirs));
  auto nothing = settings_without_hook(*removed, changed);
  REQUIRE(nothing);
  CHECK_FALSE(changed);
}

TEST_CASE("install replaces a moved program and removes a second copy", "[unit][hook][settings]") {
  const std::string old_path = with(R"({"hooks":{}})");
  const std::string moved = "'/usr/bin/codepulse-tracker' hook --state '/var/x'";
  bool changed = false;
  auto out = settings_with_hook(old_path, moved, changed);
  REQUIRE(out);
  CHECK(changed);
  CHECK(count(*out, "codepulse-tracker") == 2);
  CHECK(count(*out, "/usr/bin/codepulse-tracker") == 2);
  // Two copies on one event (installed by hand as well): one is left.
  const std::string doubled =
      R"({"hooks":{"UserPromptSubmit":[{"hooks":[{"type":"command","command":"codepulse-tracker hook"}]},)"
      R"({"hooks":[{"type":"command","command":"/x/codepulse-tracker hook"},{"type":"command","command":"mine"}]}]}})";
  const std::string fixed = with(doubled);
  CHECK(count(fixed, "codepulse-tracker") == 2);  // one per event
  CHECK(fixed.find("\"mine\"") != std::string::npos);
}

TEST_CASE("uninstall removes only codepulse's hooks and what they emptied",
          "[unit][hook][settings]") {
  CHECK(meaning(without(with("{}"))) == "{}");
  CHECK(meaning(without(with(""))) == "{}");
  // A group shared with the user's own hook keeps theirs.
  const std::string shared =
      R"({"hooks":{"SessionStart":[{"matcher":"startup","hooks":[{"type":"command","command":"mine"},)"
      R"({"type":"command","command":"codepulse-tracker hook"}]}],"Stop":[]}})";
  CHECK(
      meaning(without(shared)) ==
      R"({"hooks":{"SessionStart":[{"matcher":"startup","hooks":[{"type":"command","command":"mine"}]}],"Stop":[]}})");
  // Commands that only look alike are not ours.
  for (const char* other : {"codepulse-tracker hooks", "my-codepulse-tracker hook",
                            "echo codepulse-tracker", "codepulse-tracker scan"})
    CHECK_FALSE(is_codepulse_hook_command(other));
  for (const char* ours :
       {"codepulse-tracker hook", "'/a b/codepulse-tracker' hook --state '/s'",
        "\"/usr/bin/codepulse-tracker\" hook", "/usr/bin/codepulse-tracker hook"})
    CHECK(is_codepulse_hook_command(ours));
}

TEST_CASE("settings that are not a settings object are left unchanged with a clear error",
          "[unit][hook][settings]") {
  bool changed = true;
  for (const char* bad : {"{", "[]", "{\"hooks\": []}", "{\"hooks\": {\"Stop\": {}}}",
                          "{\"hooks\": {\"Stop\": [{\"hooks\": 3}]}}", "// comment\n{}"}) {
    INFO(bad);
    CHECK_FALSE(settings_with_hook(bad, kCommand, changed));
    CHECK_FALSE(settings_without_hook(bad, changed));
  }
  auto e = settings_with_hook("{\"hooks\": []}", kCommand, changed);
  REQUIRE_FALSE(e);
  CHECK(e.error().message == "\"hooks\" is not an object");
}

TEST_CASE("install and uninstall on a file: backup, mode, symbolic link, CLAUDE_CONFIG_DIR",
          "[unit][hook][settings]") {
  TempDir dir;
  const std::string real = dir / "dotfiles/settings.json";
  write_file(real, kTheirs);
  ::chmod(real.c_str(), 0644);
  make_dirs(dir / "claude");
  const std::string link = dir / "claude/settings.json";
  REQUIRE(::symlink(real.c_str(), link.c_str()) == 0);

  auto installed = install_hook(link, kCommand);
  REQUIRE(installed);
  CHECK(installed->changed);
  CHECK(installed->path == real);  // the link's target is edited, the link stays
  CHECK(installed->backup == real + ".codepulse-backup");
  CHECK(read_file(installed->backup) == kTheirs);
  struct stat st {};
  REQUIRE(::lstat(link.c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  REQUIRE(::stat(real.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
  CHECK(count(read_file(link), "codepulse-tracker") == 2);

  auto again = install_hook(link, kCommand);
  REQUIRE(again);
  CHECK_FALSE(again->changed);

  auto removed = uninstall_hook(link);
  REQUIRE(removed);
  CHECK(removed->changed);
  CHECK(meaning(read_file(real)) == meaning(kTheirs));

  // A new file: made with its folder, 0644 (it holds only the hook, and a
  // managed settings file must be readable by every user), no backup.
  const std::string fresh = dir / "new/.claude/settings.json";
  auto made = install_hook(fresh, kCommand);
  REQUIRE(made);
  CHECK(made->backup.empty());
  REQUIRE(::stat(fresh.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
  // Broken JSON: an error naming the file, the file unchanged.
  write_file(fresh, "{ not json");
  auto broken = install_hook(fresh, kCommand);
  REQUIRE_FALSE(broken);
  CHECK(broken.error().message.find(fresh) == 0);
  CHECK(broken.error().message.find("left unchanged") != std::string::npos);
  CHECK(read_file(fresh) == "{ not json");

  Environment env;
  env.home = "/home/dev";
  CHECK(claude_settings_path(env) == "/home/dev/.claude/settings.json");
  env.claude_config_dir = "/cfg/claude";
  CHECK(claude_settings_path(env) == "/cfg/claude/settings.json");
}
