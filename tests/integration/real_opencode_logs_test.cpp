// The real OpenCode (npm opencode-ai 1.18.33) as a log writer: it runs offline
// against the mock Messages API through its Anthropic provider, in a git
// repository, writes a file and runs a shell command the mock asks for, and
// its SQLite database must hold what the mock served: an assistant message
// and a step-finish part per response with its usage and cost, the session's
// sums, and nothing of the title request's usage.
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "tests/support/git_repo.hpp"
#include "tests/support/json_lines.hpp"
#include "tests/support/mock_messages_api.hpp"
#include "tests/support/opencode_run.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/sqlite_query.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/tracker_totals.hpp"

using namespace codepulse::test;

namespace {

constexpr const char* kModel = "claude-mock-1";
constexpr const char* kTitleRequest = "You are a title generator";
constexpr const char* kTitle = "Notes and shell CANARY_OC_TITLE_1e5d";
constexpr const char* kPrompt = "CANARY_OC_PROMPT_8c2f";
constexpr const char* kFileBody = "CANARY_OC_FILE_4a9e";
constexpr const char* kShellBody = "CANARY_OC_SHELL_6b3c";
constexpr const char* kAnswer = "CANARY_OC_ANSWER_2d7a";
// USD per million tokens, told to OpenCode.
constexpr OpenCodeCost kCost{3, 15, 0.3, 3.75};

// The title (whenever OpenCode asks for it), then text and a write, a shell
// command, the answer.
std::vector<MockResponse> script(const std::string& cwd) {
  std::vector<MockResponse> s(4);
  s[0].blocks = {MockBlock::text_block(kTitle)};
  s[0].usage = mock_usage(11, 5, 0, 0);
  s[0].only_for = kTitleRequest;
  s[1].blocks = {MockBlock::text_block("Writing the notes."),
                 MockBlock::tool_use("write", "{\"filePath\":" + json_quote(cwd + "/notes.md") +
                                                  ",\"content\":\"" + kFileBody + "\\n\"}")};
  s[1].usage = mock_usage(1'500, 70, 600, 2'400);
  s[2].blocks = {MockBlock::tool_use("bash", std::string(R"({"command":"printf )") + kShellBody +
                                                 R"( > shell.txt","description":"Write it"})")};
  s[2].usage = mock_usage(200, 40, 0, 4'100);
  s[3].blocks = {MockBlock::text_block(std::string("Done. ") + kAnswer)};
  s[3].usage = mock_usage(300, 20, 100, 4'300);
  return s;
}

// A message's or step's tokens, as OpenCode writes them.
const std::vector<std::string> kTokens = {"input",       "output",     "reasoning",
                                          "cache/write", "cache/read", "total"};

// input is the Messages API's input_tokens (cache reads and writes apart);
// total the sum of all four.
std::vector<int64_t> expected(const MockUsage& u) {
  return {
      u.input_tokens,
      u.output_tokens,
      0,
      u.cache_creation_input_tokens,
      u.cache_read_input_tokens,
      u.input_tokens + u.output_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens};
}

double expected_cost(const MockUsage& u) {
  return (u.input_tokens * kCost.input + u.output_tokens * kCost.output +
          u.cache_read_input_tokens * kCost.cache_read +
          u.cache_creation_input_tokens * kCost.cache_write) /
         1e6;
}

double number(simdjson::dom::element data, const char* pointer) {
  double v = -1;
  if (data.at_pointer(pointer).get_double().get(v)) return -1;
  return v;
}

}  // namespace

TEST_CASE("the real OpenCode's database holds the calls and usage the mock served",
          "[real-assistants]") {
  const std::optional<std::string> opencode = opencode_bin();
  if (!opencode)
    CODEPULSE_SKIP(
        "OpenCode is not installed (packaging/install-peers.sh puts opencode-ai 1.18.33 in "
        "build/peers; or set CODEPULSE_OPENCODE)");

  const RunDirs dirs;
  GitRepoBuilder repo(dirs.cwd);
  repo.write("README.md", "app\n");
  repo.commit("first", 0);
  std::string root_commit = repo.git({"rev-list", "--max-parents=0", "HEAD"});
  root_commit.resize(root_commit.find_last_not_of('\n') + 1);
  MockMessagesApi api(script(repo.root()));
  const OpenCodeRun run = run_opencode(*opencode,
                                       {dirs.home, repo.root(), api.base_url(), kModel,
                                        std::string("Write notes.md and shell.txt. ") + kPrompt},
                                       kCost);
  require_success(run);
  CHECK(read_file(repo.root() + "/notes.md") == std::string(kFileBody) + "\n");
  CHECK(read_file(repo.root() + "/shell.txt") == kShellBody);

  // Only the mock was asked: the title and three steps, and the npm
  // registry's plugin metadata (answered 404).
  const std::vector<MockServed> served = api.served();
  CHECK(api.remaining() == 0);
  REQUIRE(served.size() == 4);
  std::vector<MockRequest> messages;
  for (const MockRequest& r : api.requests()) {
    if (!r.target.starts_with("/npm-registry/"))
      messages.push_back(r);
    else
      CHECK(r.status == 404);
  }
  CHECK(messages == std::vector<MockRequest>(4, {"POST", "/v1/messages", 200, kModel, true, true}));
  std::vector<MockServed> steps;  // the three steps, in the order served
  for (const MockServed& s : served)
    if (s.response.only_for.empty()) steps.push_back(s);
  REQUIRE(steps.size() == 3);

  // The database, read in place: ~/.local/share/opencode/opencode.db in WAL
  // mode, its -wal left beside it.
  CHECK(list_files(run.data_dir).size() >= 3);
  CHECK(read_file(run.db_path + "-wal").size() > 0);
  const auto sessions = query_read_only(
      run.db_path,
      "SELECT id, project_id, directory, title, version, tokens_input, tokens_output, "
      "tokens_reasoning, tokens_cache_read, tokens_cache_write, cost FROM session");
  REQUIRE(sessions.size() == 1);
  const std::vector<std::string>& session = sessions[0];
  CHECK(session[1] == root_commit);
  CHECK(session[2] == repo.root());
  CHECK(session[3] == kTitle);
  CHECK(session[4] == "1.18.33");
  std::vector<int64_t> sum(kTokens.size());
  double cost = 0;
  for (const MockServed& s : steps) {
    const std::vector<int64_t> t = expected(s.response.usage);
    for (size_t k = 0; k < sum.size(); ++k)
      sum[k] += t[k];
    cost += expected_cost(s.response.usage);
  }
  // session: tokens_input, _output, _reasoning, _cache_read, _cache_write
  CHECK(std::vector<std::string>(session.begin() + 5, session.begin() + 10) ==
        std::vector<std::string>{std::to_string(sum[0]), std::to_string(sum[1]), "0",
                                 std::to_string(sum[4]), std::to_string(sum[3])});
  CHECK(std::stod(session[10]) == Approx(cost).epsilon(1e-9));

  // An assistant message per step, in order, with the usage served, the
  // cost from the prices given, and its step-finish part the same.
  const auto rows = query_read_only(
      run.db_path,
      "SELECT m.id, m.data, p.data FROM message m JOIN part p ON p.message_id = m.id "
      "WHERE json_extract(p.data, '$.type') = 'step-finish' "
      "ORDER BY m.time_created, m.id");
  REQUIRE(rows.size() == steps.size());
  const char* finishes[] = {"tool-calls", "tool-calls", "stop"};
  for (size_t i = 0; i < steps.size(); ++i) {
    INFO("step " << i << ", message " << rows[i][0] << ": " << rows[i][1]);
    simdjson::dom::parser message_parser, part_parser;
    simdjson::dom::element message, part;
    REQUIRE_FALSE(message_parser.parse(rows[i][1]).get(message));
    REQUIRE_FALSE(part_parser.parse(rows[i][2]).get(part));
    CHECK(json_str(message, "/role") == "assistant");
    CHECK(json_str(message, "/providerID") == "mock");
    CHECK(json_str(message, "/modelID") == kModel);
    CHECK(json_str(message, "/finish") == finishes[i]);
    const std::string want = counts_text(kTokens, expected(steps[i].response.usage));
    CHECK(json_counts(message, "/tokens", kTokens) == want);
    CHECK(json_counts(part, "/tokens", kTokens) == want);
    CHECK(number(message, "/cost") == Approx(expected_cost(steps[i].response.usage)));
    CHECK(number(part, "/cost") == Approx(expected_cost(steps[i].response.usage)));
  }

  // The tool calls, under the ids the mock gave them.
  const auto tools =
      query_read_only(run.db_path,
                      "SELECT json_extract(data, '$.tool'), json_extract(data, '$.callID'), "
                      "json_extract(data, '$.state.status') FROM part "
                      "WHERE json_extract(data, '$.type') = 'tool' ORDER BY time_created, id");
  CHECK(tools ==
        std::vector<std::vector<std::string>>{{"write", steps[0].tool_use_ids.at(0), "completed"},
                                              {"bash", steps[1].tool_use_ids.at(0), "completed"}});
  const auto user_text =
      query_read_only(run.db_path,
                      "SELECT p.data FROM part p JOIN message m ON p.message_id = m.id "
                      "WHERE json_extract(m.data, '$.role') = 'user'");
  REQUIRE(user_text.size() == 1);
  CHECK(user_text[0][0].find(kPrompt) != std::string::npos);

  // codepulse reads the database in place: one record per step (the title
  // request is billed but stored nowhere, so it is not counted), the
  // Messages API's disjoint buckets as served, and no canary kept.
  const std::string state = dirs.home + "/codepulse-state";
  const std::vector<std::string> args = {"--assistant", "opencode", "--assistant-dir",
                                         "opencode=" + run.data_dir};
  const auto queued = scan_and_total(dirs.home, state, args, "opencode");
  QueuedTotals want;
  for (const MockServed& s : steps) {
    const MockUsage& u = s.response.usage;
    ++want.records;
    want.input += u.input_tokens;
    want.output += u.output_tokens;
    want.cache_write += u.cache_creation_input_tokens;
    want.cache_read += u.cache_read_input_tokens;
  }
  CHECK(queued == std::map<std::string, QueuedTotals>{{kModel, want}});
  const std::string kept = folder_contents(state);
  for (const char* canary : {kTitle, kPrompt, kFileBody, kShellBody, kAnswer})
    CHECK(kept.find(canary) == std::string::npos);
  CHECK(scan_and_total(dirs.home, state, args, "opencode") == queued);
}
