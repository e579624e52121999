// The flow of a session: its turns (prompt, requests until the answer, stop hooks) and each
// main request with its content blocks, tool calls and results.
#include <vector>

#include "tests/corpus/gen_internal.hpp"

namespace codepulse::bench::corpus {

void Gen::main_request(Session& s, bool answer) {
  Chain& c = s.main;
  const int64_t trigger = s.long_ctx ? kLongLimit - 50'000 : 185'000;
  if (s.x.ctx + s.x.pending + 6'000 > trigger ||
      (s.want_compact && !s.compacted && s.x.ctx > 30'000)) {
    compact(s);
  }
  if (take(s, Feat::kSynthetic) || rng_.chance(1, 120)) synthetic_line(c);

  // Without requestId, ccusage 20.x only merges lines of one message through its sidechain
  // fallback, so such sessions write one non-sidechain line per message (single-block requests).
  const bool single = !s.ver->request_id;
  std::vector<ToolRun> tools;
  if (!answer) {
    const int64_t n = single || rng_.chance(2, 3) ? 1 : rng_.range(2, 3);
    for (int64_t i = 0; i < n; ++i) {
      ToolRun t;
      t.tool = pick_tool(s, t.feat);
      const bool last = ends_request(t.tool);
      tools.push_back(std::move(t));
      if (last) break;
    }
  }
  const bool thinking = !single && s.thinking && rng_.chance(1, 2);
  const bool text = answer || (!single && rng_.chance(1, 2));
  bool web = false;
  for (auto& t : tools) {
    prepare_tool(s, t, false);
    if (t.tool == Tool::kWebSearch) web = true;
  }
  int64_t out_tokens = rng_.range(30, 300) * static_cast<int64_t>(tools.size() + 1);
  if (answer) out_tokens += rng_.range(200, 2500);
  if (thinking) out_tokens += rng_.range(100, 3000);
  s.x.limit = s.ctx_limit();
  Req r = start_request(&s, c, s.x, s.model, out_tokens, *s.ver, false);
  if (web) {
    r.u.ws = rng_.range(1, 3);
    if (!r.all_final) r.has_final = true;
  }
  if (take(s, Feat::kNoFinal)) r.has_final = false;
  const int64_t blocks = (thinking ? 1 : 0) + (text ? 1 : 0) + static_cast<int64_t>(tools.size());
  r.blocks = static_cast<int>(blocks);
  int64_t b = 0;
  // bad assistant lines (only in main chains; the truth skips torn lines by construction)
  const bool tear_only = blocks == 1 && bad(s, Feat::kTornOnlyLine, 4000);
  int64_t tear_at = -1;
  if (blocks > 1 && bad(s, Feat::kTornAssistant, 3000)) tear_at = rng_.range(1, blocks);
  bool any_recorded = false;
  // keep_whole: a torn git commit tool_use would hide the command that makes its result a commit
  auto next = [&](const std::string& block, bool keep_whole) {
    ++b;
    const bool tear = !keep_whole && (tear_only || b == tear_at);
    any_recorded = any_recorded || !tear;
    return assistant_line(c, r, block, b == blocks, tear, false);
  };
  if (!c.slug_on) c.slug_on = true;
  if (thinking) next(thinking_block(), false);
  if (text) next(text_block(prose(answer ? 3 : 1, answer ? 16 : 3, true, answer)), false);
  for (size_t i = 0; i < tools.size(); ++i) {
    ToolRun& t = tools[i];
    const std::string name = tool_use_name(t.tool);
    const std::string au = next(tool_use_block(t.id, name, t.input), t.tool == Tool::kBash);
    if (t.tool == Tool::kTask || t.tool == Tool::kSkill) {
      run_spawn(s, c, s.x, t, r.id, au);
    } else {
      tool_result_line(&s, c, t, au, false);
      s.x.pending += std::min<int64_t>(t.result_tokens, 60'000);
    }
  }
  s.x.pending += r.u.out;
  if (any_recorded) {
    s.last_req = r;
    s.have_last_req = true;
  }
}

void Gen::run_turn(Session& s) {
  Chain& c = s.main;
  c.now += rng_.chance(1, 15) ? rng_.range(3'600'000, 20 * 3'600'000) : rng_.range(5'000, 900'000);
  if (rng_.chance(1, 25)) queue_lines(c);
  const std::string prompt = prose(1, 4, true, false);
  day_guard(c);
  user_prompt_line(c, prompt, bad(s, Feat::kInvalidUtf8, 3000));
  file_history_line(c, c.last_uuid, false);
  const int64_t n_req = rng_.log_range(1, base_budget_ < 300'000 ? 6 : 40);
  for (int64_t k = 0; k < n_req; ++k) {
    const bool over =
        (written_ >= s.budget_end || written_ >= static_cast<int64_t>(opts_.target_bytes)) &&
        s.forced.empty();
    const bool answer = k + 1 == n_req || over;
    main_request(s, answer);
    if (bad(s, Feat::kTornHook, 2500))
      hook_line(c, "PostToolUse", "PostToolUse:Bash", "toolu_x", true, false);
    if (bad(s, Feat::kNoTimestamp, 2500)) {
      hook_line(c, "PostToolUse", "PostToolUse:Read", b62("toolu_01", 22), false, true);
    }
    if (answer) break;
  }
  if (s.ver->nested) {
    hook_line(c, "Stop", "Stop", uuid(), false, false);
    system_line(c, "stop_hook_summary", 0, false);
    const int64_t duration = rng_.range(3'000, 900'000);
    system_line(c, "turn_duration", duration, bad(s, Feat::kInvalidJson, 3000));
  }
  if (rng_.chance(1, 6)) file_history_line(c, c.last_uuid, true);
}

void Gen::run_session(Session& s) {
  Chain& c = s.main;
  if (s.summary_first) summary_line(c);
  for (int i = 0; i < (s.ver->nested ? 2 : 1); ++i) {
    hook_line(c, "SessionStart", "SessionStart:startup", uuid(), false, false);
  }
  file_history_line(c, uuid(), false);
  std::string last_prompt;
  int turns = 0;
  while (turns == 0 ||
         (written_ < s.budget_end && written_ < static_cast<int64_t>(opts_.target_bytes)) ||
         !s.forced.empty()) {
    run_turn(s);
    ++turns;
    if (turns == 2 && s.want_journal) workflow(s);
    if (turns == 2 && s.want_btw) btw_replay(s);
    if (turns > 400) break;
  }
  if (s.want_btw && turns < 2) btw_replay(s);
  if (s.want_journal && turns < 2) workflow(s);
  if (s.want_last_prompt) last_prompt_line(c, with_canary(sentence(3, 10)));
}

}  // namespace codepulse::bench::corpus
