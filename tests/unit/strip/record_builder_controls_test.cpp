// What the tracker sends is always accepted at the door (proto/README.md,
// "Strings"): the record builder replaces every control character and byte of
// invalid UTF-8 by U+FFFD, so the collector takes the record and its tokens.
#include <catch2/catch.hpp>
#include <string>

#include "common/text_controls.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/wire_header.hpp"
#include "tracker/strip/record_builder.hpp"

using namespace codepulse;
using namespace codepulse::tracker;

namespace {

const std::string kFffd = "\xEF\xBF\xBD";

}  // namespace

TEST_CASE("replace_control_characters puts U+FFFD for C0, DEL, C1 and invalid UTF-8",
          "[strings][strip]") {
  CHECK(replace_control_characters("plain caf\xc3\xa9 \xe2\x80\xae ok") ==
        "plain caf\xc3\xa9 \xe2\x80\xae ok");  // text and bidi controls are kept
  CHECK(replace_control_characters("a\tb\nc\x1b[2J") ==
        "a" + kFffd + "b" + kFffd + "c" + kFffd + "[2J");
  CHECK(replace_control_characters(std::string("nul\0!", 5)) == "nul" + kFffd + "!");
  CHECK(replace_control_characters("del\x7f") == "del" + kFffd);
  CHECK(replace_control_characters("c1\xc2\x9b"
                                   "1m") == "c1" + kFffd + "1m");
  CHECK(replace_control_characters("bad\xff\xfe") == "bad" + kFffd + kFffd);
  CHECK(replace_control_characters("cut\xe2\x82") == "cut" + kFffd + kFffd);
  CHECK(replace_control_characters("") == "");
  for (const std::string s : {"a\tb", "\x1b]0;t\x07", "x\xc2\x85y", "\xc0\xaf"})
    CHECK(find_control_character(replace_control_characters(s)) == std::string::npos);
}

TEST_CASE("the printable prefix is found eight bytes at a time, each byte value at each place",
          "[strings][strip]") {
  // The byte-by-byte rule the word-at-a-time search must agree with.
  const auto prefix_by_byte = [](std::string_view s) {
    size_t i = 0;
    while (i < s.size() && static_cast<unsigned char>(s[i]) >= 0x20 &&
           static_cast<unsigned char>(s[i]) < 0x7f)
      ++i;
    return i;
  };
  for (size_t length : {1, 7, 8, 9, 15, 16, 17, 31, 40}) {
    for (size_t at = 0; at < length; ++at) {
      for (int value = 0; value < 256; ++value) {
        // Neighbours at the edges of the range, where a carry or borrow
        // would cross into the byte at `at`.
        for (const char fill : {' ', '~', 'a'}) {
          std::string s(length, fill);
          s[at] = static_cast<char>(value);
          INFO("length " << length << ", byte " << value << " at " << at);
          REQUIRE(plain_ascii_prefix(s) == prefix_by_byte(s));
        }
      }
    }
  }
  // A second byte outside after the first: the first still ends the prefix.
  CHECK(plain_ascii_prefix(std::string("abc\x1f\x7f\xff\x00zzzzzzzzz", 16)) == 3);
  CHECK(plain_ascii_prefix("0123456789abcdef") == 16);
  CHECK(plain_ascii_prefix("") == 0);
  CHECK(find_control_character(std::string("0123456789abcdefgh\x01", 19)) == 18);
  CHECK(find_control_character("0123456789abcdefgh\xc2\x85") == 18);
  CHECK(find_control_character("0123456789abcdefgh\xc3\xa9") == std::string::npos);
}

TEST_CASE("a record built from strings with control characters passes the door whole",
          "[strings][strip]") {
  test::TempDir dir;
  const std::string repo = dir / "app";
  test::make_dirs(repo + "/.git/objects");
  test::write_file(repo + "/.git/HEAD", "ref: refs/heads/main\n");
  RequestLine line;
  line.message_id = "msg_01\x1b";
  line.request_id = "req_01";
  line.model = "claude-opus-4-6";
  line.session_id = "sess\n1";
  line.agent_id = "agent\x7f";
  line.cc_version = "2.1\xc2\x9b";
  line.cwd = repo;
  line.git_branch = "feature/PROJ-7\tx\x1b[31m";
  line.timestamp_ms = 1770912313088;
  line.tokens.input = 10;
  line.tokens.output = 20;
  line.tokens.inference_geo = "us\r";
  ToolCall edit;
  edit.id = "toolu_\x01";
  edit.name = "Edit\n";
  edit.kind = ToolKind::kChange;
  edit.file_path = repo + "/src/a\tb\nc\x1b.cpp";
  line.tools.push_back(edit);
  RecordBuilder builder({"dev@acme.example\x07", std::nullopt}, Pricer::builtin());
  const UsageRecord r = builder.build(line, "turn\x1f");

  CHECK(r.branch == "feature/PROJ-7" + kFffd + "x" + kFffd + "[31m");
  CHECK(r.task_keys == "PROJ-7");
  CHECK(r.session_id == "sess" + kFffd + "1");
  CHECK(r.message_id == "msg_01" + kFffd);
  CHECK(r.agent_id == "agent" + kFffd);
  CHECK(r.cc_version == "2.1" + kFffd);
  CHECK(r.inference_geo == "us" + kFffd);
  CHECK(r.turn_id == "turn" + kFffd);
  CHECK(r.author == "dev@acme.example" + kFffd);
  REQUIRE(r.tools.size() == 1);
  CHECK(r.tools[0].path == "src/a" + kFffd + "b" + kFffd + "c" + kFffd + ".cpp");
  CHECK(r.tools[0].tool_use_id == "toolu_" + kFffd);
  CHECK(r.tools[0].name == "Edit" + kFffd);
  // The local dedupe key keeps the id as logged: a re-read is still a duplicate.
  CHECK(r.dedupe_key == "msg_01\x1b\x1freq_01");

  proto::WireRecord w;
  w.record_uid = "u1";
  w.revision = 1;
  w.usage = r;
  auto d = proto::decode_json(proto::encode_json(test::sample_header(1), {w}), {});
  REQUIRE(d);
  CHECK(d->rejected.empty());
  REQUIRE(d->records.size() == 1);
  CHECK(d->records[0].usage.tools[0].path == r.tools[0].path);
  CHECK(d->records[0].usage.input == 10);
}
