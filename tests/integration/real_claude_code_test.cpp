// The real Claude Code (npm @anthropic-ai/claude-code 2.1.328) as the log
// writer: it runs offline against the mock Messages API in a temporary git
// repository, writes its genuine transcripts, and codepulse-tracker's tokens
// and dollars for them must equal what the mock served, priced by hand below.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <ostream>

#include "tests/support/claude_code_run.hpp"
#include "tests/support/git_repo.hpp"
#include "tests/support/json_lines.hpp"
#include "tests/support/mock_messages_api.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

namespace {

// List prices, USD per million tokens, written as nano-dollars per token
// ($1 per million tokens = 1,000 nano-dollars per token).
struct ListRates {
  const char* model;
  int64_t input, output, write_5m, write_1h, read;
};
constexpr ListRates kRates[] = {
    // USD/M:          input 4, output 20, 5m write 5,    1h write 8,    read 0.20
    {"claude-opus-5-5", 4'000, 20'000, 5'000, 8'000, 200},
    // USD/M:          input 5, output 25, 5m write 6.25, 1h write 10,   read 0.50
    {"claude-opus-5", 5'000, 25'000, 6'250, 10'000, 500},
};
// inference_geo "us": every token category costs 1.1x (11/10); the request's
// token cost is then rounded half away from zero to a whole nano-dollar, once.
constexpr int64_t kGeoNumerator = 11, kGeoDenominator = 10;
// Web search: $10 per 1,000 = 10,000,000 nano-dollars each, added after.
constexpr int64_t kWebSearchNanos = 10'000'000;

// Tokens of one request as the tracker should count them.
struct Tokens {
  int64_t input = 0, output = 0, write_5m = 0, write_1h = 0, read = 0;
  bool operator==(const Tokens&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Tokens& t) {
  return os << "{input " << t.input << ", output " << t.output << ", 5m " << t.write_5m << ", 1h "
            << t.write_1h << ", read " << t.read << "}";
}

// The rule: writes a breakdown does not account for (none given, or
// zeros beside a non-zero total) are 5-minute writes.
Tokens counted(int64_t input, int64_t output, int64_t total_writes, int64_t read,
               const std::optional<MockCacheCreation>& breakdown) {
  const int64_t w5 = breakdown ? breakdown->ephemeral_5m_input_tokens : 0;
  const int64_t w1 = breakdown ? breakdown->ephemeral_1h_input_tokens : 0;
  return {input, output, w5 + (total_writes - w5 - w1), w1, read};
}
Tokens counted(const MockUsage& u) {
  return counted(u.input_tokens, u.output_tokens, u.cache_creation_input_tokens,
                 u.cache_read_input_tokens, u.cache_creation);
}
Tokens counted(const MockIteration& it) {
  return counted(it.input_tokens, it.output_tokens, it.cache_creation_input_tokens,
                 it.cache_read_input_tokens, it.cache_creation);
}

const ListRates& rates_of(const std::string& model) {
  for (const ListRates& r : kRates)
    if (model == r.model) return r;
  throw std::runtime_error("no rates for " + model);
}

int64_t request_nanos(const std::string& model, const Tokens& t, bool geo_us,
                      int64_t web_searches) {
  const ListRates& r = rates_of(model);
  int64_t n = t.input * r.input + t.output * r.output + t.write_5m * r.write_5m +
              t.write_1h * r.write_1h + t.read * r.read;
  if (geo_us) n = (n * kGeoNumerator + kGeoDenominator / 2) / kGeoDenominator;  // n >= 0
  return n + web_searches * kWebSearchNanos;
}

// Canaries: in the prompt, the files written, the commit message and the
// mock's answers. None may reach the tracker's store.
constexpr const char* kPrompt = "CANARY_PROMPT_3c1e";
constexpr const char* kAnswer = "CANARY_ANSWER_7a2b";
constexpr const char* kFileBody = "CANARY_FILEBODY_5d9f";
constexpr const char* kCommitMessage = "CANARY_COMMITMSG_1b8e";
constexpr const char* kAgentPrompt = "CANARY_AGENTPROMPT_9f4c";
constexpr const char* kSubagentFile = "CANARY_SUBFILE_2e6a";
constexpr const char* kSubagentAnswer = "CANARY_SUBANSWER_6c3d";
constexpr const char* kFinalAnswer = "CANARY_FINAL_4a7e";
constexpr const char* kCanaries[] = {kPrompt,      kAnswer,       kFileBody,       kCommitMessage,
                                     kAgentPrompt, kSubagentFile, kSubagentAnswer, kFinalAnswer};

// The session, in the order Claude Code asks: three main requests, the
// subagent's two (it runs in the foreground), then the main one that ends it.
// Every number is chosen; the cost of each request is worked out by hand in
// the test case.
std::vector<MockResponse> script(const std::string& repo) {
  std::vector<MockResponse> s(6);
  // M1: text and a Write; 1-hour cache writes; inference_geo "us".
  s[0].blocks = {MockBlock::text_block(std::string("Writing the notes. ") + kAnswer),
                 MockBlock::tool_use("Write", "{\"file_path\":" + json_quote(repo + "/notes.md") +
                                                  ",\"content\":\"" + kFileBody + "\\n\"}")};
  s[0].usage = mock_usage(1200, 310, 2000, 15000);
  s[0].usage.cache_creation = MockCacheCreation{500, 1500};
  s[0].usage.inference_geo = "us";
  s[0].usage.service_tier = "standard";
  // M2: git add and git commit; writes WITHOUT a cache_creation breakdown.
  s[1].blocks = {MockBlock::tool_use(
      "Bash", std::string("{\"command\":\"git add notes.md && git commit -m '") + kCommitMessage +
                  "'\",\"description\":\"Commit the notes\"}")};
  s[1].usage = mock_usage(900, 120, 3000, 17000);
  // M3: text and a foreground subagent; 3 web searches.
  s[2].blocks = {MockBlock::text_block("Asking a reviewer."),
                 MockBlock::tool_use("Agent", std::string("{\"description\":\"Review the notes\","
                                                          "\"prompt\":\"Review notes.md ") +
                                                  kAgentPrompt +
                                                  "\",\"subagent_type\":\"general-purpose\","
                                                  "\"run_in_background\":false}")};
  s[2].usage = mock_usage(700, 95, 800, 20000);
  s[2].usage.cache_creation = MockCacheCreation{800, 0};
  s[2].usage.server_tool_use = MockServerToolUse{3, 1};
  s[2].usage.inference_geo = "global";
  // S1, the subagent: text and a Write.
  s[3].blocks = {MockBlock::text_block("Noting the review."),
                 MockBlock::tool_use("Write", "{\"file_path\":" + json_quote(repo + "/review.md") +
                                                  ",\"content\":\"" + kSubagentFile + "\\n\"}")};
  s[3].usage = mock_usage(50, 40, 4000, 0);
  s[3].usage.cache_creation = MockCacheCreation{4000, 0};
  // S2, the subagent's answer; 1-hour cache writes.
  s[4].blocks = {MockBlock::text_block(std::string("Looks right. ") + kSubagentAnswer)};
  s[4].usage = mock_usage(60, 80, 300, 4000);
  s[4].usage.cache_creation = MockCacheCreation{0, 300};
  // M4: the answer; inference_geo "us", 2 web searches, two advisor calls on
  // claude-opus-5 (not part of the top-level usage).
  s[5].blocks = {MockBlock::text_block(std::string("Done. ") + kFinalAnswer)};
  s[5].usage = mock_usage(400, 150, 0, 24000);
  s[5].usage.cache_creation = MockCacheCreation{0, 0};
  s[5].usage.server_tool_use = MockServerToolUse{2, 0};
  s[5].usage.inference_geo = "us";
  s[5].usage.speed = "standard";
  s[5].usage.service_tier = "standard";
  s[5].usage.iterations = std::vector<MockIteration>{
      {"message", "", 400, 150, 24000, 0, std::nullopt},
      {"advisor_message", "claude-opus-5", 9000, 700, 3000, 1200, MockCacheCreation{1200, 0}},
      {"advisor_message", "claude-opus-5", 2500, 300, 0, 0, std::nullopt}};
  return s;
}

using Element = simdjson::simdjson_result<simdjson::dom::element>;

// Fields of a JSON object (an element, or the result of a lookup); -1, empty
// or false when missing.
int64_t number(auto e, const char* key) {
  int64_t v = -1;
  if (e[key].get_int64().get(v)) return -1;
  return v;
}
std::string text(auto e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v)) return "";
  return std::string(v);
}
bool flag(auto e, const char* key) {
  bool v = false;
  return !e[key].get_bool().get(v) && v;
}

Tokens record_tokens(simdjson::dom::element r) {
  return {number(r, "input_tokens"), number(r, "output_tokens"), number(r, "cache_write_5m_tokens"),
          number(r, "cache_write_1h_tokens"), number(r, "cache_read_tokens")};
}

constexpr size_t kSubagentFirst = 3, kSubagentLast = 4;  // S1, S2 in script()

}  // namespace

TEST_CASE("the real Claude Code's transcripts are counted and priced as the mock served them",
          "[real-claude-code]") {
  const std::optional<std::string> claude = claude_code_bin();
  if (!claude)
    CODEPULSE_SKIP(
        "Claude Code is not installed (packaging/install-peers.sh puts "
        "@anthropic-ai/claude-code 2.1.328 in build/peers; or set CODEPULSE_CLAUDE_CODE)");

  TempDir dir;
  const std::string home = dir / "home", state = dir / "state";
  make_dirs(home);
  GitRepoBuilder repo(dir / "app");
  repo.git({"config", "user.name", "Dev"});
  repo.git({"config", "user.email", "dev@acme.example"});
  MockMessagesApi api(script(repo.root()));
  const ClaudeCodeRun cc =
      run_claude_code(*claude, home, repo.root(), api.base_url(),
                      std::string("Write notes.md, commit it, and have it reviewed. ") + kPrompt,
                      {"Write", "Bash(git add:*)", "Bash(git commit:*)", "Agent"});
  {
    INFO("claude exit " << cc.result.exit_code << " after " << cc.took.count()
                        << " ms\nstdout: " << cc.result.out << "\nstderr: " << cc.result.err);
    REQUIRE(cc.result.exit_code == 0);
  }

  // Only the mock was asked, only for messages, once per scripted response,
  // for the default model (no --model was given).
  const std::vector<MockRequest> requests = api.requests();
  const std::vector<MockServed> served = api.served();
  CHECK(api.remaining() == 0);
  REQUIRE(served.size() == 6);
  CHECK(requests == std::vector<MockRequest>(
                        6, {"POST", "/v1/messages?beta=true", 200, "claude-opus-5-5", true, true}));

  // The transcripts: one line per content block, the default model, and
  // zeros written for the breakdown the mock left out.
  simdjson::dom::parser parser;
  simdjson::dom::element result;
  REQUIRE_FALSE(parser.parse(cc.result.out).get(result));
  CHECK(text(result, "subtype") == "success");
  const auto main_lines = assistant_lines(cc.project_dir + "/" + cc.session_id + ".jsonl");
  const std::vector<std::string> agent_files = subagent_transcripts(cc);
  REQUIRE(agent_files.size() == 1);
  const auto agent_lines = assistant_lines(agent_files[0]);
  for (size_t i = 0; i < served.size(); ++i) {
    const auto& lines = i >= kSubagentFirst && i <= kSubagentLast ? agent_lines : main_lines;
    INFO("response " << i << " " << served[i].message_id);
    REQUIRE(lines.count(served[i].message_id) == 1);
    const std::vector<std::string>& group = lines.at(served[i].message_id);
    CHECK(group.size() == served[i].response.blocks.size());
    for (const std::string& line : group) {
      simdjson::dom::parser line_parser;
      simdjson::dom::element doc;
      REQUIRE_FALSE(line_parser.parse(line).get(doc));
      CHECK(text(doc["message"], "model") == "claude-opus-5-5");
      const Element usage = doc["message"]["usage"];
      CHECK(number(usage, "cache_creation_input_tokens") ==
            served[i].response.usage.cache_creation_input_tokens);
      if (!served[i].response.usage.cache_creation) {  // M2: none served, zeros written
        CHECK(number(usage["cache_creation"], "ephemeral_5m_input_tokens") == 0);
        CHECK(number(usage["cache_creation"], "ephemeral_1h_input_tokens") == 0);
      }
      const MockUsage& sent = served[i].response.usage;
      if (sent.inference_geo) CHECK(text(usage, "inference_geo") == *sent.inference_geo);
      if (sent.iterations) {  // M4: the advisor calls as served
        simdjson::dom::array iterations;
        REQUIRE_FALSE(usage["iterations"].get_array().get(iterations));
        CHECK(iterations.size() == sent.iterations->size());
        CHECK(text(iterations.at(1), "type") == "advisor_message");
        CHECK(text(iterations.at(1), "model") == "claude-opus-5");
      }
    }
  }

  const CommandResult scan =
      run({tracker_bin(), "scan", "--claude-dir", home + "/.claude", "--state", state, "--json"},
          {"HOME=" + home});
  simdjson::dom::parser scan_parser;
  simdjson::dom::element scan_counts;
  {
    INFO("scan: " << scan.out << scan.err);
    REQUIRE(scan.exit_code == 0);
    REQUIRE_FALSE(scan_parser.parse(scan.out).get(scan_counts));
  }
  CHECK(number(scan_counts, "commits_new") == 1);  // the commit Claude Code made
  const CommandResult queue =
      run({tracker_bin(), "queue", "show", "--json", "--state", state}, {"HOME=" + home});
  REQUIRE(queue.exit_code == 0);

  // No canary reaches the store or the batch; each is in the transcripts
  // (the control).
  std::string transcripts;
  for (const std::string& f : list_files(cc.project_dir))
    transcripts += read_file(f);
  const std::string stored = store_contents(state + "/tracker.db");
  for (const char* canary : kCanaries) {
    INFO(canary);
    CHECK(transcripts.find(canary) != std::string::npos);
    CHECK(stored.find(canary) == std::string::npos);
    CHECK(queue.out.find(canary) == std::string::npos);
  }

  // Each request is one record with the tokens served (the rule for
  // writes the breakdown leaves out), however many lines it has; the
  // advisor calls are records of their own under their own model.
  simdjson::dom::parser queue_parser;
  simdjson::dom::element batch;
  REQUIRE_FALSE(queue_parser.parse(queue.out).get(batch));
  std::map<std::string, std::vector<simdjson::dom::element>> by_message;
  std::vector<Tokens> advisor_records;
  for (simdjson::dom::element r : batch["records"].get_array()) {
    if (text(r, "model") == "claude-opus-5")
      advisor_records.push_back(record_tokens(r));
    else
      by_message[text(r, "message_id")].push_back(r);
  }
  const std::string head = repo.git({"rev-parse", "HEAD"});
  for (size_t i = 0; i < served.size(); ++i) {
    INFO("response " << i << " " << served[i].message_id);
    REQUIRE(by_message[served[i].message_id].size() == 1);
    const simdjson::dom::element r = by_message[served[i].message_id][0];
    CHECK(record_tokens(r) == counted(served[i].response.usage));
    CHECK(text(r, "model") == "claude-opus-5-5");
    CHECK(text(r, "request_id") == served[i].request_id);
    CHECK(flag(r, "sidechain") == (i >= kSubagentFirst && i <= kSubagentLast));
    const auto searches = served[i].response.usage.server_tool_use;
    CHECK(number(r, "web_search_requests") == (searches ? searches->web_search_requests : 0));
    if (i == 1) {  // the git commit, with the sha of the repository's head
      const Element tool = r["tools"].at(0);
      CHECK(flag(tool, "git_commit"));
      const std::string sha = text(tool, "commit_sha");
      CHECK(sha.size() >= 7);
      CHECK(head.starts_with(sha));
    }
  }
  std::vector<Tokens> advisors;
  for (const MockIteration& it : *served[5].response.usage.iterations)
    if (it.type == "advisor_message") advisors.push_back(counted(it));
  CHECK(advisor_records == advisors);

  // By hand, nano-dollars, at the rates at the top of this file:
  //   M1 claude-opus-5-5, inference_geo "us":
  //      1,200 in × 4,000 + 310 out × 20,000 + 500 5m × 5,000 + 1,500 1h × 8,000
  //      + 15,000 read × 200 = 4,800,000 + 6,200,000 + 2,500,000 + 12,000,000
  //      + 3,000,000 = 28,500,000; × 1.1 = 31,350,000
  //   M2: 900 × 4,000 + 120 × 20,000 + 3,000 5m (no breakdown) × 5,000
  //      + 17,000 × 200 = 3,600,000 + 2,400,000 + 15,000,000 + 3,400,000 = 24,400,000
  //   M3: 700 × 4,000 + 95 × 20,000 + 800 5m × 5,000 + 20,000 × 200 = 2,800,000
  //      + 1,900,000 + 4,000,000 + 4,000,000 = 12,700,000; + 3 searches × 10,000,000
  //      = 42,700,000
  //   S1: 50 × 4,000 + 40 × 20,000 + 4,000 5m × 5,000 = 200,000 + 800,000
  //      + 20,000,000 = 21,000,000
  //   S2: 60 × 4,000 + 80 × 20,000 + 300 1h × 8,000 + 4,000 × 200 = 240,000
  //      + 1,600,000 + 2,400,000 + 800,000 = 5,040,000
  //   M4, "us": 400 × 4,000 + 150 × 20,000 + 24,000 × 200 = 1,600,000 + 3,000,000
  //      + 4,800,000 = 9,400,000; × 1.1 = 10,340,000; + 2 × 10,000,000 = 30,340,000
  //   claude-opus-5-5: 31,350,000 + 24,400,000 + 42,700,000 + 21,000,000
  //      + 5,040,000 + 30,340,000 = 154,830,000
  //   Advisor A, claude-opus-5, in M4 ("us"): 9,000 × 5,000 + 700 × 25,000
  //      + 1,200 5m × 6,250 + 3,000 × 500 = 45,000,000 + 17,500,000 + 7,500,000
  //      + 1,500,000 = 71,500,000; × 1.1 = 78,650,000
  //   Advisor B: 2,500 × 5,000 + 300 × 25,000 = 12,500,000 + 7,500,000
  //      = 20,000,000; × 1.1 = 22,000,000
  //   claude-opus-5: 78,650,000 + 22,000,000 = 100,650,000
  // Every sum is a multiple of 10, so × 1.1 is exact here. The advisor calls
  // take the premium of the request they ran in, as Claude Code's own price
  // does. Claude Code's own cost (its modelUsage costUSD, from its own price
  // table) is a second, independent computation: both models must agree.
  const int64_t m1 = request_nanos("claude-opus-5-5", counted(served[0].response.usage), true, 0);
  const int64_t m2 = request_nanos("claude-opus-5-5", counted(served[1].response.usage), false, 0);
  const int64_t m3 = request_nanos("claude-opus-5-5", counted(served[2].response.usage), false, 3);
  const int64_t s1 = request_nanos("claude-opus-5-5", counted(served[3].response.usage), false, 0);
  const int64_t s2 = request_nanos("claude-opus-5-5", counted(served[4].response.usage), false, 0);
  const int64_t m4 = request_nanos("claude-opus-5-5", counted(served[5].response.usage), true, 2);
  const int64_t a1 = request_nanos("claude-opus-5", advisors.at(0), true, 0);
  const int64_t a2 = request_nanos("claude-opus-5", advisors.at(1), true, 0);
  REQUIRE(std::vector<int64_t>{m1, m2, m3, s1, s2, m4, a1, a2} ==
          std::vector<int64_t>{31'350'000, 24'400'000, 42'700'000, 21'000'000, 5'040'000,
                               30'340'000, 78'650'000, 22'000'000});
  double main_usd = -1;
  CHECK_FALSE(result["modelUsage"]["claude-opus-5-5"]["costUSD"].get_double().get(main_usd));
  CHECK(std::llround(main_usd * 1e9) == m1 + m2 + m3 + s1 + s2 + m4);
  double advisor_usd = -1;
  CHECK_FALSE(result["modelUsage"]["claude-opus-5"]["costUSD"].get_double().get(advisor_usd));
  CHECK(std::llround(advisor_usd * 1e9) == a1 + a2);

  // The tracker's report by model: records, tokens and cost.
  struct Expected {
    int64_t records, input, output, cache_create, cache_read, nanos;
  };
  const std::map<std::string, Expected> expected = {
      {"claude-opus-5-5", {6, 3310, 795, 10'100, 80'000, m1 + m2 + m3 + s1 + s2 + m4}},
      {"claude-opus-5", {2, 11'500, 1000, 1200, 3000, a1 + a2}},
  };
  const CommandResult report =
      run({tracker_bin(), "report", "--state", state, "--group-by", "model", "--format", "json"},
          {"HOME=" + home});
  REQUIRE(report.exit_code == 0);
  simdjson::dom::parser report_parser;
  simdjson::dom::element doc;
  REQUIRE_FALSE(report_parser.parse(report.out).get(doc));
  std::map<std::string, simdjson::dom::element> rows;
  for (simdjson::dom::element row : doc["rows"].get_array())
    rows[text(row, "key")] = row;
  for (const auto& [model, want] : expected) {
    INFO("model " << model << "; report: " << report.out);
    CHECK(rows.count(model) == 1);
    if (!rows.count(model)) continue;
    const simdjson::dom::element row = rows.at(model);
    CHECK(number(row, "records") == want.records);
    CHECK(number(row, "input") == want.input);
    CHECK(number(row, "output") == want.output);
    CHECK(number(row, "cache_create") == want.cache_create);
    CHECK(number(row, "cache_read") == want.cache_read);
    CHECK(number(row, "cost_nanos") == want.nanos);
    double usd = -1;
    CHECK_FALSE(row["cost_usd"].get_double().get(usd));
    CHECK(std::llround(usd * 1e6) == (want.nanos + 500) / 1000);  // 6 decimals
  }
  CHECK(number(scan_counts, "unpriced_records") == 0);
}
