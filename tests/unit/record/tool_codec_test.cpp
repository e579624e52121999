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

  CHECK(encode_tools({edit}) ==
        R"([{"id":"toolu_01","name":"Edit","path":"src/a \"b\"\\c\t.cpp","action":2,)"
        R"("commit":0,"seen":1,"added":12,"removed":3,"sha":""}])");
  CHECK(encode_tools({edit, commit, read}) ==
        R"([{"id":"toolu_01","name":"Edit","path":"src/a \"b\"\\c\t.cpp","action":2,)"
        R"("commit":0,"seen":1,"added":12,"removed":3,"sha":""},)"
        R"({"id":"toolu_02","name":"Bash","path":"","action":0,"commit":1,"seen":1,"added":0,)"
        R"("removed":0,"sha":"0123abcd","error":1},)"
        R"({"id":"call_é","name":"mcp:fs/read","path":"docs/ü.md","action":1,"commit":0,)"
        R"("seen":0,"added":-1,"removed":0,"sha":""}])");

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
