// The stored form of a record's tool calls (common/tool_codec.hpp): exact
// bytes, since both stores and the report engine read them, and a round trip.
#include "common/tool_codec.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using codepulse::decode_tools;
using codepulse::encode_tools;
using codepulse::FileAction;
using codepulse::merge_tools;
using codepulse::result_adds_to;
using codepulse::ToolUse;

TEST_CASE("encode_tools writes the stored form byte for byte", "[tool_codec]") {
  CHECK(encode_tools({}) == "[]");

  ToolUse edit;
  edit.tool_use_id = "toolu_01";
  edit.name = "Edit";
  edit.path = "src/a \"b\"\\c\t.cpp";
  edit.action = FileAction::kChange;
  edit.result_seen = true;
  edit.lines_added = 12;
  edit.lines_removed = 3;
  ToolUse commit;
  commit.tool_use_id = "toolu_02";
  commit.name = "Bash";
  commit.git_commit = true;
  commit.result_seen = true;
  commit.commit_sha = "0123abcd";
  commit.error = true;
  ToolUse read;
  read.tool_use_id = "call_é";
  read.name = "mcp:fs/read";
  read.path = "docs/ü.md";
  read.action = FileAction::kRead;
  read.lines_added = -1;  // never written so, but kept as given

  // Fields at their defaults (empty, 0) are left out.
  CHECK(encode_tools({edit}) ==
        R"([{"id":"toolu_01","name":"Edit","path":"src/a \"b\"\\c\t.cpp","action":2,)"
        R"("seen":1,"added":12,"removed":3}])");
  CHECK(encode_tools({edit, commit, read}) ==
        R"([{"id":"toolu_01","name":"Edit","path":"src/a \"b\"\\c\t.cpp","action":2,)"
        R"("seen":1,"added":12,"removed":3},)"
        R"({"id":"toolu_02","name":"Bash","commit":1,"seen":1,"sha":"0123abcd","error":1},)"
        R"({"id":"call_é","name":"mcp:fs/read","path":"docs/ü.md","action":1,"added":-1}])");
  ToolUse bare;
  bare.tool_use_id = "toolu_03";
  CHECK(encode_tools({bare}) == R"([{"id":"toolu_03","name":""}])");

  auto back = decode_tools(encode_tools({edit, commit, read}));
  REQUIRE(back);
  REQUIRE(back->size() == 3);
  CHECK((*back)[0].path == edit.path);
  CHECK((*back)[0].action == FileAction::kChange);
  CHECK((*back)[0].lines_added == 12);
  CHECK((*back)[1].git_commit);
  CHECK((*back)[1].error);
  CHECK((*back)[1].commit_sha == "0123abcd");
  CHECK_FALSE((*back)[2].action != FileAction::kRead);
  CHECK_FALSE((*back)[2].result_seen);
  CHECK((*back)[2].tool_use_id == "call_é");
}

TEST_CASE("decode_tools reads the full form stores wrote before defaults were left out",
          "[tool_codec]") {
  auto old = decode_tools(
      R"([{"id":"toolu_01","name":"Edit","path":"src/a.cpp","action":2,"commit":0,"seen":1,)"
      R"("added":12,"removed":3,"sha":""},)"
      R"({"id":"toolu_02","name":"Bash","path":"","action":0,"commit":1,"seen":1,"added":0,)"
      R"("removed":0,"sha":"0123abcd","error":1}])");
  REQUIRE(old);
  REQUIRE(old->size() == 2);
  auto fresh = decode_tools(encode_tools(*old));
  REQUIRE(fresh);
  REQUIRE(fresh->size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    INFO("call " << i);
    const ToolUse& a = (*old)[i];
    const ToolUse& b = (*fresh)[i];
    CHECK(a.tool_use_id == b.tool_use_id);
    CHECK(a.name == b.name);
    CHECK(a.path == b.path);
    CHECK(a.action == b.action);
    CHECK(a.git_commit == b.git_commit);
    CHECK(a.result_seen == b.result_seen);
    CHECK(a.lines_added == b.lines_added);
    CHECK(a.lines_removed == b.lines_removed);
    CHECK(a.commit_sha == b.commit_sha);
    CHECK(a.error == b.error);
  }
  CHECK((*old)[0].action == FileAction::kChange);
  CHECK((*old)[0].lines_added == 12);
  CHECK((*old)[1].git_commit);
  CHECK((*old)[1].commit_sha == "0123abcd");
  CHECK((*old)[1].error);
  CHECK_FALSE((*old)[1].action.has_value());
}

TEST_CASE("decode_tools says what is wrong with a stored call", "[tool_codec]") {
  auto no_id = decode_tools(R"([{"name":"Bash"}])");
  REQUIRE_FALSE(no_id);
  CHECK(no_id.error().message.find("without id") != std::string::npos);
  auto text_count = decode_tools(R"([{"id":"toolu_9","name":"Bash","added":"12"}])");
  REQUIRE_FALSE(text_count);
  CHECK(text_count.error().message.find("toolu_9") != std::string::npos);
  CHECK(text_count.error().message.find("not an integer") != std::string::npos);
  auto number_path = decode_tools(R"([{"id":"toolu_8","name":"Edit","path":3}])");
  REQUIRE_FALSE(number_path);
  CHECK(number_path.error().message.find("not a string") != std::string::npos);
  CHECK_FALSE(decode_tools(R"({"id":"toolu_7"})"));
}

TEST_CASE("a call's second result is taken only when it counts what the first did not",
          "[tool_codec]") {
  ToolUse edit;
  edit.tool_use_id = "toolu_e";
  edit.name = "Edit";
  edit.action = FileAction::kChange;
  ToolUse bare = edit;  // answered, nothing counted (a copy without toolUseResult)
  bare.result_seen = true;
  ToolUse counted = edit;
  counted.result_seen = true;
  counted.lines_added = 3;
  counted.lines_removed = 1;
  ToolUse failed = bare;
  failed.error = true;

  CHECK(result_adds_to(edit, 0, 0, ""));  // no result yet: any is taken
  CHECK(result_adds_to(bare, 3, 1, ""));
  CHECK(result_adds_to(bare, 0, 0, "abc1234"));
  CHECK_FALSE(result_adds_to(bare, 0, 0, ""));
  CHECK_FALSE(result_adds_to(counted, 5, 5, ""));  // the first counted result stays
  CHECK_FALSE(result_adds_to(counted, 0, 0, ""));

  std::vector<ToolUse> into = {bare};
  CHECK(merge_tools(into, {counted}));
  CHECK(into[0].lines_added == 3);
  CHECK(into[0].lines_removed == 1);
  CHECK_FALSE(merge_tools(into, {bare}));  // never counted back to nothing
  CHECK(into[0].lines_added == 3);
  CHECK_FALSE(merge_tools(into, {failed}));
  CHECK_FALSE(into[0].error);
}
