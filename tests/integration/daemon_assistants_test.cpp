// The daemon with Copilot CLI's and Claude Desktop's logs: files and folders
// that appear while it runs are read (the exporter's file named by
// COPILOT_OTEL_FILE_EXPORTER_PATH in a folder created later, a new Desktop
// session), and lines appended to them.
#include <signal.h>

#include <catch2/catch.hpp>
#include <string>

#include "tests/support/copilot_otel_lines.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

namespace {

int64_t records(const std::string& state, const std::string& assistant) {
  auto r = run({"sqlite3", "-readonly", state + "/tracker.db",
                "SELECT count(*) FROM usage_records WHERE assistant='" + assistant + "'"});
  if (r.exit_code != 0 || r.out.empty()) return -1;
  return std::stoll(r.out);
}

}  // namespace

TEST_CASE("the daemon reads Copilot exports and Desktop sessions that appear while it runs",
          "[daemon][copilot][desktop]") {
  TempDir dir;
  const std::string state = dir / "state";
  const std::string exported = dir / "later/otel/copilot-otel.jsonl";
  const std::string sessions = dir / "cfg/Claude/local-agent-mode-sessions";
  make_dirs(dir / "home/.claude/projects");
  make_dirs(sessions);
  Process p({tracker_bin(), "run", "--state", state, "--debounce", "50ms", "--author", "dev@x",
             "--assistant", "copilot-cli", "--assistant", "claude-desktop"},
            {"HOME=" + (dir / "home"), "XDG_CONFIG_HOME=" + (dir / "cfg"),
             "COPILOT_OTEL_FILE_EXPORTER_PATH=" + exported},
            dir / "run");
  REQUIRE(eventually(kPatienceMs, [&] { return records(state, "copilot-cli") == 0; }));
  write_file(exported, copilot_chat_line(copilot_chat("c1", "msg_1", 100, 10, 0, 0), "") + "\n");
  CHECK(eventually(kPatienceMs, [&] { return records(state, "copilot-cli") == 1; }));
  append_file(exported, copilot_chat_line(copilot_chat("c2", "msg_2", 100, 10, 0, 0), "") + "\n");
  CHECK(eventually(kPatienceMs, [&] { return records(state, "copilot-cli") == 2; }));
  AssistantSpec a;
  a.message_id = "msg_desk";
  write_file(sessions + "/org/acct/local_1/.claude/projects/-p/s.jsonl", assistant_line(a) + "\n");
  CHECK(eventually(kPatienceMs, [&] { return records(state, "claude-desktop") == 1; }));
  // What Desktop keeps beside a session is not read.
  a.message_id = "msg_audit";
  write_file(sessions + "/org/acct/local_1/audit.jsonl", assistant_line(a) + "\n");
  a.message_id = "msg_desk2";
  append_file(sessions + "/org/acct/local_1/.claude/projects/-p/s.jsonl", assistant_line(a) + "\n");
  CHECK(eventually(kPatienceMs, [&] { return records(state, "claude-desktop") == 2; }));
  p.signal(SIGTERM);
  CHECK(p.wait(kPatienceMs) == 0);
  CHECK(records(state, "claude-desktop") == 2);
}
