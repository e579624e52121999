// Line provenance for Gemini CLI (docs/PROVENANCE.md): a session in a real
// Gemini CLI home whose write_file and replace calls write lines, read by the
// real `codepulse-tracker scan`, then a developer's commit holding some of
// those lines, matched by the same scan's git pass. A failed call wrote
// nothing; no written text reaches the tracker's store.
#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>

#include "tests/corpus/gemini_lines.hpp"
#include "tests/support/gemini_tree.hpp"
#include "tests/support/git_repo.hpp"
#include "tests/support/queued_commits.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::test;
namespace gl = codepulse::bench::gemini;

namespace {

gl::ToolCall change(gl::ToolCall::Kind kind, const std::string& id, const std::string& path,
                    const std::string& text, const std::string& status = "success") {
  gl::ToolCall c;
  c.kind = kind;
  c.id = id;
  c.path = path;
  c.text = text;
  c.status = status;
  c.added = 1;
  return c;
}

}  // namespace

TEST_CASE("Gemini CLI's write_file and replace lines are matched in a commit, a failed call not",
          "[provenance][gemini][git]") {
  GeminiTree tree;
  GitRepoBuilder repo(tree.dir / "app");
  const int64_t d0 = (::time(nullptr) - GitRepoBuilder::kEpochS) / 86'400 - 10;
  repo.write("src/util.py", "def helper():\n    return 1\n");
  repo.commit("base", d0);

  // Day d0 + 1: the model writes invoice.py (four lines), replaces util.py's
  // return line (replace's old_string is the text plus " (old)", so only
  // the new line is written), and a write_file that failed.
  const std::string chats = tree.project("app", repo.root());
  gl::GeminiMessage m;
  m.id = "g-1";
  m.ts_ms = GitRepoBuilder::day_ms(d0 + 1) + 3'600'000;
  m.content = "done";
  m.tokens = {1000, 200, 0, 0, 0};
  m.model = "gemini-2.5-pro";
  m.with_tool_calls = true;
  m.calls = {change(gl::ToolCall::Kind::kWriteFile, "write-1", repo.root() + "/src/invoice.py",
                    "def invoice_total(items):\n"
                    "    subtotal = sum(item.price for item in items)\n"
                    "    tax = subtotal * 0.2\n"
                    "    return subtotal + tax"),
             change(gl::ToolCall::Kind::kReplace, "replace-1", repo.root() + "/src/util.py",
                    "    return compute_helper_value()"),
             change(gl::ToolCall::Kind::kWriteFile, "write-2", repo.root() + "/src/other.py",
                    "SHOULD_NOT_COUNT = 1", "error")};
  write_file(
      chats + "/session-2026-12-01T01-00-prov0001.jsonl",
      gemini_session_start("prov0001-s", m.ts_ms - 60'000, repo.root()) + gemini_message_lines(m));

  // Day d0 + 2: the developer commits three of invoice.py's lines and one of
  // their own, util.py as replaced, and other.py's line by hand.
  repo.write("src/invoice.py",
             "def invoice_total(items):\n"
             "    subtotal = sum(item.price for item in items)\n"
             "    # reviewed by hand\n"
             "    return subtotal + tax\n");
  repo.write("src/util.py", "def helper():\n    return compute_helper_value()\n");
  repo.write("src/other.py", "SHOULD_NOT_COUNT = 1\n");
  const std::string sha = repo.commit("PROJ-7 invoices", d0 + 2);

  const std::string stats = tree.scan({"--author", "dev@acme.example"});
  INFO(stats);
  // Two calls fingerprinted, 4 + 1 distinct lines; the failed one none.
  CHECK(db_text(tree.state + "/tracker.db", "SELECT count(*) FROM line_calls") == "2");
  CHECK(db_text(tree.state + "/tracker.db", "SELECT count(*) FROM line_prints") == "5");

  auto files = queued_line_counts(tree.state, sha);  // path -> scored, AI
  CHECK(files["src/invoice.py"] == std::pair<int64_t, int64_t>{4, 3});
  CHECK(files["src/util.py"] == std::pair<int64_t, int64_t>{1, 1});
  CHECK(files["src/other.py"] == std::pair<int64_t, int64_t>{1, 0});

  // The written text never reaches the store.
  for (const char* file : {"tracker.db", "tracker.db-wal"}) {
    const std::string path = tree.state + "/" + file;
    if (!std::filesystem::exists(path)) continue;
    const std::string bytes = read_file(path);
    for (const char* text : {"invoice_total", "compute_helper_value", "SHOULD_NOT_COUNT"})
      CHECK(bytes.find(text) == std::string::npos);
  }
}
