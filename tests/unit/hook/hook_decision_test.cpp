// The hook's decisions (tracker/hook/hook_decision.hpp): ok says nothing,
// warn and forecast_over warn, over with enforcement blocks a prompt (and
// only warns at session start), an unexpired override lets it through, and a
// stale, missing or unreadable state, malformed input or an unknown event
// fail open: exit 0, at most a note on standard error.
#include "tracker/hook/hook_decision.hpp"

#include <simdjson.h>

#include <catch2/catch.hpp>

#include "tests/support/budget_fixtures.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using namespace codepulse::test;

namespace {

constexpr int64_t kNow = 1'796'000'000'000;  // 2026-11-30T00:53:20Z

const char* kPrompt =
    R"({"session_id":"s1","transcript_path":"/home/dev/.claude/projects/x/s1.jsonl",)"
    R"("cwd":"/home/dev/app","permission_mode":"default","hook_event_name":"UserPromptSubmit",)"
    R"("prompt":"refactor the parser"})";
const char* kStart = R"({"session_id":"s1","transcript_path":"/t.jsonl","cwd":"/home/dev/app",)"
                     R"("hook_event_name":"SessionStart","source":"startup"})";

Result<BudgetState> fresh(std::vector<BudgetStanding> budgets) {
  return budget_state(kNow - 60'000, std::move(budgets));
}

// The answer's JSON as a parsed document (it must be one).
struct Output {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  explicit Output(const HookAnswer& a) {
    REQUIRE(a.exit_code == 0);
    REQUIRE_FALSE(parser.parse(a.out).get(doc));
  }
  std::string text(const char* key) {
    std::string_view v;
    return doc[key].get_string().get(v) ? "" : std::string(v);
  }
};

}  // namespace

TEST_CASE("the hook says nothing while every budget is ok", "[unit][hook]") {
  for (const char* input : {kPrompt, kStart}) {
    const HookAnswer a = answer_hook(input, fresh({budget("ok")}), kNow);
    CHECK(a.exit_code == 0);
    CHECK(a.out.empty());
    CHECK(a.err.empty());
  }
  const HookAnswer none = answer_hook(kPrompt, fresh({}), kNow);
  CHECK(none.out.empty());
}

TEST_CASE("the hook warns at warn and forecast_over, to the user and the transcript",
          "[unit][hook]") {
  for (const char* state : {"warn", "forecast_over"}) {
    for (const char* input : {kPrompt, kStart}) {
      INFO(state << " " << input);
      Output o(answer_hook(input, fresh({budget(state, true)}), kNow));
      const std::string shown = o.text("systemMessage");
      CHECK(
          shown.starts_with("codepulse: the team budget platform (month 2026-12-01 to "
                            "2026-12-31, effective cost): $412.30 of $500.00 spent (82 %), "
                            "forecast $610.00 by 2026-12-31. Team platform: $500 a month."));
      CHECK(o.text("decision").empty());
      // Not in the model's context: only shown and kept in the transcript.
      CHECK(o.doc["hookSpecificOutput"].error() == simdjson::NO_SUCH_FIELD);
    }
  }
}

TEST_CASE("over with enforcement blocks a prompt with the reason and how to get more",
          "[unit][hook]") {
  const auto state = fresh({budget("warn"), budget("over", true, "Ask Dana in #finops")});
  Output o(answer_hook(kPrompt, state, kNow));
  CHECK(o.text("decision") == "block");
  const std::string reason = o.text("reason");
  CHECK(reason.find("this prompt is blocked") != std::string::npos);
  CHECK(reason.find("$512.50 of $500.00 spent (103 %). Ask Dana in #finops.") != std::string::npos);
  CHECK(reason.find("time-limited override") != std::string::npos);
  CHECK(reason.find("budget platform") != std::string::npos);

  // Session start cannot block: it warns that prompts will be.
  Output start(answer_hook(kStart, state, kNow));
  CHECK(start.text("decision").empty());
  CHECK(start.text("systemMessage").find("New prompts will be blocked") != std::string::npos);

  // Without enforcement, over only warns.
  Output soft(answer_hook(kPrompt, fresh({budget("over", false)}), kNow));
  CHECK(soft.text("decision").empty());
  CHECK(soft.text("systemMessage").find("This budget warns only.") != std::string::npos);
}

TEST_CASE("an admin's unexpired override lets prompts through, with a warning", "[unit][hook]") {
  BudgetStanding b = budget("over", true);
  b.override_until = "2026-11-30T06:00:00Z";  // kNow + about 5 h
  Output o(answer_hook(kPrompt, fresh({b}), kNow));
  CHECK(o.text("decision").empty());
  CHECK(o.text("systemMessage").find("override is in force until 2026-11-30T06:00:00Z") !=
        std::string::npos);
  // Expired: blocked again.
  b.override_until = "2026-11-29T23:00:00Z";
  Output expired(answer_hook(kPrompt, fresh({b}), kNow));
  CHECK(expired.text("decision") == "block");
}

TEST_CASE("a stale, missing or unreadable state fails open", "[unit][hook]") {
  const std::vector<BudgetStanding> over = {budget("over", true)};
  // 36 hours old still applies; a minute more does not.
  Output edge(answer_hook(kPrompt, budget_state(kNow - kBudgetStateStaleMs, over), kNow));
  CHECK(edge.text("decision") == "block");
  const HookAnswer stale =
      answer_hook(kPrompt, budget_state(kNow - kBudgetStateStaleMs - 60'000, over), kNow);
  CHECK(stale.exit_code == 0);
  CHECK(stale.out.empty());
  CHECK(stale.err ==
        "codepulse-tracker hook: budgets not checked: the budget state is 36 h old "
        "(is the tracker running?)\n");

  const HookAnswer missing =
      answer_hook(kPrompt, Result<BudgetState>(make_error("no budget state at /s/b.json")), kNow);
  CHECK(missing.exit_code == 0);
  CHECK(missing.out.empty());
  CHECK(missing.err.empty());
  const HookAnswer unreadable = answer_hook(
      kPrompt, Result<BudgetState>(make_error("/s/b.json: the budget state is not JSON")), kNow);
  CHECK(unreadable.exit_code == 0);
  CHECK(unreadable.out.empty());
  CHECK(unreadable.err ==
        "codepulse-tracker hook: budgets not checked: /s/b.json: the budget state is not JSON\n");
}

TEST_CASE("malformed input and unknown events fail open with one line", "[unit][hook]") {
  const auto over = fresh({budget("over", true)});
  for (const std::string input : {"", "not json", "{\"hook_event_name\": 7}", "[]",
                                  "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\"}"}) {
    INFO(input);
    const HookAnswer a = answer_hook(input, over, kNow);
    CHECK(a.exit_code == 0);
    CHECK(a.out.empty());
    CHECK(a.err.starts_with("codepulse-tracker hook: ignored: "));
    CHECK(std::count(a.err.begin(), a.err.end(), '\n') == 1);
  }
}
