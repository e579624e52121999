// The hook's decision: which budgets warn, which block a prompt, and the
// JSON Claude Code reads (systemMessage, decision and reason).
#include "tracker/hook/hook_decision.hpp"

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "common/json_writer.hpp"
#include "common/time.hpp"

namespace codepulse::tracker {
namespace {

constexpr std::string_view kNote = "codepulse-tracker hook: ";

// "$412.30"
std::string dollars(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "$%.2f", v);
  return buf;
}

// "the team budget platform (month 2026-12-01 to 2026-12-31, effective cost)"
std::string which(const BudgetStanding& b) {
  return "the " + b.scope + " budget " + b.value + " (" + b.period + " " + b.period_start + " to " +
         b.period_end + ", " + b.basis + " cost)";
}

// One line per budget: what is spent of what, and the collector's message.
std::string standing_line(const BudgetStanding& b) {
  std::string line = which(b) + ": " + dollars(b.spent_usd) + " of " + dollars(b.limit_usd) +
                     " spent (" + std::to_string(std::lround(b.percent)) + " %)";
  if (b.state == "forecast_over" || b.state == "warn")
    line += ", forecast " + dollars(b.forecast_usd) + " by " + b.period_end;
  line += ".";
  if (!b.message.empty()) {
    line += " " + b.message;
    if (b.message.find_last_of(".!?") != b.message.size() - 1) line += ".";
  }
  return line;
}

bool override_in_force(const BudgetStanding& b, int64_t now_ms) {
  if (!b.override_until) return false;
  const auto until = parse_iso8601_utc_ms(*b.override_until);
  return until && *until > now_ms;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines)
    out += (out.empty() ? "" : "\n") + l;
  return out;
}

HookAnswer note(const std::string& why) {
  return {0, "", std::string(kNote) + why + "\n"};
}

}  // namespace

HookAnswer answer_hook(std::string_view input, const Result<BudgetState>& state, int64_t now_ms) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view event;
  if (parser.parse(simdjson::padded_string(input)).get(doc))
    return note("ignored: standard input is not JSON");
  if (doc["hook_event_name"].get_string().get(event))
    return note("ignored: no hook_event_name in the input");
  if (event != "SessionStart" && event != "UserPromptSubmit")
    return note("ignored: event " + std::string(event).substr(0, 64) +
                " (only SessionStart and UserPromptSubmit are answered)");
  if (!state) {
    // No budgets kept (no collector, or one without budgets): nothing to say.
    if (state.error().message.starts_with("no budget state")) return {};
    return note("budgets not checked: " + state.error().message);
  }
  const int64_t age_ms = now_ms - state->received_ms;
  if (age_ms > kBudgetStateStaleMs)
    return note("budgets not checked: the budget state is " + std::to_string(age_ms / 3'600'000) +
                " h old (is the tracker running?)");

  std::vector<std::string> warnings, blocking;
  for (const BudgetStanding& b : state->budgets) {
    if (b.state == "ok") continue;
    if (b.state == "over" && b.enforce && !override_in_force(b, now_ms)) {
      blocking.push_back(standing_line(b));
      continue;
    }
    std::string line = standing_line(b);
    if (b.state == "over")
      line += b.enforce ? " An admin's override is in force until " + *b.override_until + "."
                        : " This budget warns only.";
    warnings.push_back("codepulse: " + line);
  }
  const bool prompt = event == "UserPromptSubmit";
  std::string out;
  JsonWriter w(out);
  if (prompt && !blocking.empty()) {
    const std::string reason =
        "codepulse: this prompt is blocked because a budget your organisation enforces is used "
        "up.\n" +
        joined(blocking) +
        "\nTo get more: ask a codepulse admin to raise the budget or to grant you a time-limited "
        "override. The tracker learns of it at its next exchange with the collector "
        "('codepulse-tracker flush' asks at once); then prompts go through again.";
    w.begin_object().field("decision", "block").field("reason", reason).end_object();
    return {0, out + "\n", ""};
  }
  for (const std::string& b : blocking)  // SessionStart cannot block: it says what will
    warnings.push_back("codepulse: " + b +
                       " New prompts will be blocked until an admin raises "
                       "the budget or grants a time-limited override.");
  if (warnings.empty()) return {};
  // Shown to the user and kept in the transcript; not added to the model's
  // context, where it would cost tokens on every prompt.
  w.begin_object().field("systemMessage", joined(warnings)).end_object();
  return {0, out + "\n", ""};
}

}  // namespace codepulse::tracker
