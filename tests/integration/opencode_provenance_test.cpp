// Line provenance for OpenCode (docs/PROVENANCE.md): a session in OpenCode's
// database (its own DDL, rows as opencode-ai writes them) whose write, edit,
// multiedit and apply_patch calls write lines, read by the real
// `codepulse-tracker scan`, then a developer's commit holding some of those
// lines, matched by the same scan's git pass. A call that failed wrote
// nothing; no written text reaches the tracker's store.
#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>

#include "tests/support/git_repo.hpp"
#include "tests/support/opencode_db.hpp"
#include "tests/support/queued_commits.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::test;

TEST_CASE("OpenCode's write, edit, multiedit and patch lines are matched in a commit",
          "[provenance][opencode][git]") {
  TempDir dir;
  const std::string data = dir / "share/opencode";
  const std::string state = dir / "state";
  make_dirs(data);
  GitRepoBuilder repo(dir / "app");
  const std::string root = repo.root();
  const int64_t d0 = (::time(nullptr) - GitRepoBuilder::kEpochS) / 86'400 - 10;
  repo.write("src/util.py", "def helper():\n    return 1\nX = 1\n");
  repo.commit("base", d0);

  // Day d0 + 1: one assistant message of four calls and a failed fifth.
  {
    OpenCodeDb db(data + "/opencode.db");
    db.session("ses_p", root);
    const int64_t at = GitRepoBuilder::day_ms(d0 + 1) + 3'600'000;
    const OcTokens tokens{1000, 100, 0, 0, 0};
    db.message("ses_p", "msg_u", at, oc_user_message(at));
    db.part("ses_p", "msg_u", "prt_u", at, oc_text_part("add invoices"));
    db.message("ses_p", "msg_a", at + 1,
               oc_assistant_message("msg_u", at + 1, root, OcTokens{}, "claude-sonnet-4-5",
                                    "anthropic", false));
    db.part("ses_p", "msg_a", "prt_1", at + 2, oc_step_start());
    // write: two lines of a new file.
    db.part("ses_p", "msg_a", "prt_2", at + 3,
            oc_tool_part("write", "toolu_w", "completed",
                         R"({"filePath":")" + root +
                             R"(/src/invoice.py","content":"def invoice_total(items):\n)"
                             R"(    return sum(item.price for item in items)\n"})",
                         "ok", R"({"exists":false})"));
    // edit: the kept line is not the assistant's, the new one is.
    db.part(
        "ses_p", "msg_a", "prt_3", at + 4,
        oc_tool_part("edit", "toolu_e", "completed",
                     R"js({"filePath":")js" + root +
                         R"js(/src/util.py","oldString":"def helper():\n    return 1",)js"
                         R"js("newString":"def helper():\n    return compute_helper_value()"})js",
                     "ok", R"({"filediff":{"additions":1,"deletions":1}})"));
    // multiedit: one edit of one line.
    db.part("ses_p", "msg_a", "prt_4", at + 5,
            oc_tool_part("multiedit", "toolu_m", "completed",
                         R"({"filePath":")" + root +
                             R"(/src/util.py","edits":[{"filePath":"src/util.py",)"
                             R"("oldString":"X = 1","newString":"MAX_ITEMS = 500"}]})",
                         "ok", R"({"filediff":{"additions":1,"deletions":1}})"));
    // apply_patch: a new file of one line.
    db.part("ses_p", "msg_a", "prt_5", at + 6,
            oc_tool_part("apply_patch", "call_p", "completed",
                         R"({"patchText":"*** Begin Patch\n*** Add File: )" + root +
                             R"(/src/rates.py\n+VAT_RATE = 0.2\n*** End Patch"})",
                         "ok",
                         R"({"files":[{"filePath":")" + root +
                             R"(/src/rates.py","type":"add","additions":1,"deletions":0}]})"));
    // A write that failed: it wrote nothing.
    db.part("ses_p", "msg_a", "prt_6", at + 7,
            oc_tool_part(
                "write", "toolu_x", "error",
                R"({"filePath":")" + root + R"(/src/other.py","content":"SHOULD_NOT_COUNT = 1\n"})",
                "permission denied"));
    db.part("ses_p", "msg_a", "prt_7", at + 8, oc_step_finish(tokens));
    db.message("ses_p", "msg_a", at + 1, oc_assistant_message("msg_u", at + 1, root, tokens));
  }

  // Day d0 + 2: the developer commits all of it but one line of their own
  // in invoice.py, and other.py's line by hand.
  repo.write("src/invoice.py",
             "def invoice_total(items):\n"
             "    # checked by hand\n"
             "    return sum(item.price for item in items)\n");
  repo.write("src/util.py", "def helper():\n    return compute_helper_value()\nMAX_ITEMS = 500\n");
  repo.write("src/rates.py", "VAT_RATE = 0.2\n");
  repo.write("src/other.py", "SHOULD_NOT_COUNT = 1\n");
  const std::string sha = repo.commit("PROJ-8 invoices", d0 + 2);

  const CommandResult scan =
      run({tracker_bin(), "scan", "--assistant", "opencode", "--assistant-dir", "opencode=" + data,
           "--state", state, "--author", "dev@acme.example", "--json"});
  INFO(scan.out << scan.err);
  REQUIRE(scan.exit_code == 0);
  // Four calls fingerprinted (2 + 1 + 1 + 1 lines); the failed one none.
  CHECK(db_text(state + "/tracker.db", "SELECT count(*) FROM line_calls") == "4");
  CHECK(db_text(state + "/tracker.db", "SELECT count(*) FROM line_prints") == "5");

  auto files = queued_line_counts(state, sha);  // path -> scored, AI
  using Pair = std::pair<int64_t, int64_t>;
  CHECK(files["src/invoice.py"] == Pair{3, 2});
  CHECK(files["src/util.py"] == Pair{2, 2});
  CHECK(files["src/rates.py"] == Pair{1, 1});
  CHECK(files["src/other.py"] == Pair{1, 0});

  for (const char* file : {"tracker.db", "tracker.db-wal"}) {
    const std::string path = state + "/" + file;
    if (!std::filesystem::exists(path)) continue;
    const std::string bytes = read_file(path);
    for (const char* text :
         {"invoice_total", "compute_helper_value", "MAX_ITEMS", "VAT_RATE", "SHOULD_NOT_COUNT"})
      CHECK(bytes.find(text) == std::string::npos);
  }
}
