// Bad Gemini CLI input through the real scan: each problem counted and
// reported with its path, nothing valid around it lost, nothing crashing.
#include <catch2/catch.hpp>

#include "tests/corpus/gemini_lines.hpp"
#include "tests/support/gemini_tree.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;
namespace gl = codepulse::bench::gemini;

namespace {

constexpr int64_t kDay = 1796428800000;  // 2026-12-05T00:00:00Z

gl::GeminiMessage message(const std::string& id, int64_t input, int64_t output) {
  gl::GeminiMessage m;
  m.id = id;
  m.ts_ms = kDay + 3'600'000;
  m.content = "an answer";
  m.tokens = {input, output, 0, 0, 0};
  m.model = "gemini-2.5-flash";
  return m;
}

struct Scan {
  std::string out, err;
};

Scan scan(GeminiTree& tree, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {tracker_bin(),     "scan",
                                   "--assistant",     "gemini-cli",
                                   "--assistant-dir", "gemini-cli=" + tree.gemini,
                                   "--state",         tree.state,
                                   "--json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto r = run(argv);
  REQUIRE(r.exit_code == 0);
  return {r.out, r.err};
}

}  // namespace

TEST_CASE("gemini-cli: bad lines are reported with path and offset, the lines around kept",
          "[scan][gemini]") {
  GeminiTree tree;
  const std::string chats = tree.project("app", "/src/app");
  const std::string path = chats + "/session-2026-12-05T01-00-bad00001.jsonl";
  std::string log = gemini_session_start("bad00001-s", kDay, "/src/app");
  log += gemini_message_lines(message("m1", 100, 1));
  const size_t broken_at = log.size();
  log += "{\"id\":\"m2\",\"timestamp\":\"2026-12-05T01:00:00.000Z\",\"type\":\"gem\n";  // torn
  gl::GeminiMessage utf8 = message("m3", 300, 3);
  utf8.content = "caf\xC3 au lait \xFF";  // invalid UTF-8 inside the answer
  log += gemini_message_lines(utf8);
  const size_t huge_at = log.size();
  gl::GeminiMessage huge = message("m4", 400, 4);
  huge.content.assign(80'000, 'x');
  log += gemini_message_lines(huge);
  // Totals going backwards: a later copy of m1 with fewer tokens.
  log += gemini_message_lines(message("m1", 10, 1));
  const size_t invalid_at = log.size();
  log += gl::gemini_json(message("m5", -7, 5)) + "\n";  // a negative count
  log += gemini_message_lines(message("m6", 600, 6));
  // The last line, half written: left for the next scan.
  const std::string last = gl::gemini_json(message("m7", 700, 7));
  log += last.substr(0, last.size() / 2);
  write_file(path, log);

  // Another tool's files in the chats folder.
  write_file(
      chats + "/rollout-2026-12-05T01-00-00-x.jsonl",
      R"({"timestamp":"2026-12-05T01:00:00.000Z","type":"session_meta","payload":{"id":"x"}})"
      "\n");
  write_file(chats + "/settings.json", R"({"theme":"dark"})");

  const Scan s = scan(tree, {"--max-line-bytes", "65536"});
  INFO(s.err);
  CHECK(GeminiTree::stat(s.out, "records_new") == 3);  // m1, m3, m6
  CHECK(GeminiTree::stat(s.out, "malformed_lines") == 5);
  CHECK(s.err.find(path + ": byte " + std::to_string(broken_at) + ": malformed line") !=
        std::string::npos);
  CHECK(s.err.find(path + ": byte " + std::to_string(huge_at) + ": line longer than 65536") !=
        std::string::npos);
  CHECK(s.err.find(path + ": byte " + std::to_string(invalid_at) + ": invalid usage line") !=
        std::string::npos);
  CHECK(s.err.find(chats + "/rollout-2026-12-05T01-00-00-x.jsonl: byte 0: invalid usage line: "
                           "the first line is no Gemini CLI session header") != std::string::npos);
  CHECK(s.err.find(chats + "/settings.json: invalid document: not a Gemini CLI session") !=
        std::string::npos);
  // m1 (its larger copy), m3 (despite its bytes), m6; m4 was too long, m5 invalid.
  GeminiRows expected{{"2026-12-05|gemini-2.5-flash", GeminiRow{3, 100 + 300 + 600, 10, 0}}};
  CHECK(tree.rows() == expected);

  // The last line completed: taken once.
  append_file(path, last.substr(last.size() / 2) + "\n");
  const Scan next = scan(tree, {"--max-line-bytes", "65536"});
  CHECK(GeminiTree::stat(next.out, "records_new") == 1);
  expected["2026-12-05|gemini-2.5-flash"] = GeminiRow{4, 1700, 17, 0};
  CHECK(tree.rows() == expected);
}
