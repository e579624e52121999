// Subagents: Task/Skill calls, the subagent's own transcript (nested, flat, workflow or none)
// mirrored into the parent chain by agent_progress lines, its .meta.json, and the result the
// parent receives.
#include <algorithm>
#include <array>
#include <vector>

#include "tests/corpus/gen_internal.hpp"
#include "tests/corpus/vocabulary.hpp"

namespace codepulse::bench::corpus {

void Gen::prep_spawn(Session& s, ToolRun& t, Feat f) {
  if (t.tool == Tool::kSkill) {
    const std::string& skill = rng_.pick(kSkills);
    Json j(t.input);
    j.obj().k("skill").s(skill).k("args").s(with_canary(sentence(2, 6))).end();
    t.sub_model = Model::Haiku45;
    t.sub_kind = rng_.chance(1, 2) ? SubKind::kProgressOnly : SubKind::kNestedMirror;
    if (!s.ver->nested) t.sub_kind = SubKind::kFlat;
    t.sub_prompt = with_canary("Use the " + skill + " skill: " + sentence(5, 15));
    t.sub_type = "skill";
    t.sub_desc = skill;
    return;
  }
  static const std::array<const char*, 3> kTypes = {"Explore", "general-purpose", "Plan"};
  t.sub_type = kTypes[rng_.below(kTypes.size())];
  t.sub_desc = with_canary(sentence(3, 6));
  t.sub_prompt = prose(2, 8, true, true);
  const uint64_t mr = rng_.below(10);
  t.sub_model = mr < 4 ? Model::Sonnet45 : mr < 7 ? Model::Haiku45 : s.model;
  if (!s.ver->nested || f == Feat::kTaskFlat) {
    t.sub_kind = SubKind::kFlat;
  } else if (f == Feat::kTaskProgressOnly) {
    t.sub_kind = SubKind::kProgressOnly;
  } else if (f == Feat::kTaskNested) {
    t.sub_kind = SubKind::kNestedMirror;
  } else {
    t.sub_kind = rng_.chance(1, 4) ? SubKind::kProgressOnly : SubKind::kNestedMirror;
  }
  Json j(t.input);
  j.obj().k("description").s(t.sub_desc).k("prompt").s(t.sub_prompt);
  j.k("subagent_type").s(t.sub_type);
  if (rng_.chance(1, 2)) j.k("model").s(t.sub_model == Model::Haiku45 ? "haiku" : "sonnet");
  j.end();
}

void Gen::ensure_subagents_dir(Session& s) {
  if (!s.subagents_dir_made) {
    fs::create_directories(s.dir / "subagents");
    s.subagents_dir_made = true;
  }
}

// The subagent's first line, its prompt (with its mirror when the chain has a parent).
void Gen::subagent_prompt_line(Chain& c, const std::string& prompt) {
  tick(c, 2, 10);
  std::string line;
  Json j(line);
  open_line(j, c, "user");
  j.k("message").obj().k("role").s("user").k("content").s(prompt).end();
  const std::string u = uuid();
  j.k("uuid").s(u).k("timestamp").ts(c.now).end();
  c.last_uuid = u;
  emit(c, line, LineKind::kNormal);
  if (c.parent == nullptr) return;
  std::string pl;
  Json pj(pl);
  mirror_open(pj, c);
  pj.k("type").s("user");
  pj.k("message").obj().k("role").s("user").k("content").arr();
  pj.obj().k("type").s("text").k("text").s(prompt).end().end().end();
  pj.k("uuid").s(u).k("timestamp").ts(c.now).end();
  const std::string pu = mirror_close(pj, c);
  pj.k("timestamp").ts(c.now).end();
  c.parent->last_uuid = pu;
  emit(*c.parent, pl, LineKind::kNormal);
}

SubResult Gen::run_subagent(Session& s, Chain& parent, SubKind kind, Model m,
                            const std::string& prompt, const std::string& agent_type,
                            const std::string& desc, const std::string& task_tool_id,
                            const std::string& task_msg_id, const fs::path& file_override) {
  SubResult res;
  const std::string agent_id = "a" + hex(6);
  res.agent_id = agent_id;
  OutFile file;
  fs::path path;
  if (!file_override.empty()) {
    path = file_override;
  } else if (kind == SubKind::kFlat) {
    path = s.proj->dir / ("agent-" + agent_id + ".jsonl");
  } else if (kind == SubKind::kNestedMirror) {
    ensure_subagents_dir(s);
    path = s.dir / "subagents" / ("agent-" + agent_id + ".jsonl");
  }
  Chain c = side_chain(parent, agent_id);
  const int64_t t0 = c.now;
  if (!path.empty()) {
    open_file(file, path);
    c.out = &file;
  }
  const bool mirror = kind == SubKind::kNestedMirror || kind == SubKind::kProgressOnly;
  if (mirror) {
    c.parent = &parent;
    c.mirror_tool_use_id = "agent_" + task_msg_id;
    c.mirror_parent_tool_use_id = task_tool_id;
    c.mirror_prompt = prompt;
  }
  subagent_prompt_line(c, prompt);
  Ctx x;
  x.ctx = 0;
  x.pending = rng_.range(6000, 15000) + static_cast<int64_t>(prompt.size()) / 4;
  x.limit = kStdLimit;
  const int64_t n_req = rng_.range(2, base_budget_ < 400'000 ? 4 : 9);
  VerInfo v = *s.ver;
  if (kind != SubKind::kFlat) v.final_sometimes = false;  // subagent groups have no final line
  int tools_total = 0;
  for (int64_t k = 0; k <= n_req; ++k) {
    const bool report = k == n_req || x.ctx > 120'000;
    const int64_t n_tools = report ? 0 : v.request_id ? rng_.range(1, 3) : 1;
    const bool text = report || rng_.chance(1, 3);
    const int64_t out_tokens = report ? rng_.range(800, 5000) : rng_.range(40, 400);
    Req r = start_request(&s, c, x, m, out_tokens, v, kind != SubKind::kFlat);
    if (kind == SubKind::kFlat) r.has_final = rng_.chance(1, 3);
    r.cc_zero_bug = false;
    std::vector<ToolRun> tools(static_cast<size_t>(n_tools));
    for (auto& t : tools) {
      const uint64_t tr = rng_.below(10);
      t.tool = tr < 5 ? Tool::kRead : tr < 7 ? Tool::kGrep : tr < 9 ? Tool::kGlob : Tool::kBash;
      prepare_tool(s, t, true);
    }
    const int64_t blocks = (text ? 1 : 0) + n_tools;
    int64_t b = 0;
    if (text) {
      std::string txt = report ? prose(4, 14, true, true) : prose(1, 2, false, false);
      if (report) res.report = txt;
      assistant_line(c, r, text_block(txt), ++b == blocks, false, false);
    }
    for (auto& t : tools) {
      const std::string au = assistant_line(c, r, tool_use_block(t.id, tool_name(t.tool), t.input),
                                            ++b == blocks, false, true);
      tool_result_line(&s, c, t, au, true);
      x.pending += std::min<int64_t>(t.result_tokens, 40'000);
      ++tools_total;
    }
    x.pending += r.u.out;
    res.last = r.u;
    res.total_tokens = r.u.total();
    if (report) break;
  }
  res.tool_uses = tools_total;
  res.duration_ms = c.now - t0;
  parent.now = std::max(parent.now, c.now);
  if (file.is_open()) close_file(file);
  if (kind == SubKind::kNestedMirror && file_override.empty() && rng_.chance(3, 4)) {
    std::string mj;
    Json j(mj);
    j.obj().k("agentType").s(agent_type).k("description").s(desc);
    j.k("toolUseId").s(task_tool_id).end();
    write_whole_file(s.dir / "subagents" / ("agent-" + agent_id + ".meta.json"), mj);
  }
  if (res.report.empty()) res.report = prose(2, 5, false, true);
  return res;
}

void Gen::run_spawn(Session& s, Chain& c, Ctx& x, ToolRun& t, const std::string& task_msg_id,
                    const std::string& assistant_uuid) {
  SubResult sub = run_subagent(s, c, t.sub_kind, t.sub_model, t.sub_prompt, t.sub_type, t.sub_desc,
                               t.id, task_msg_id, {});
  if (t.tool == Tool::kSkill) {
    t.content_json = json_string_with_canary("Launching skill: " + t.sub_desc);
    std::string tur;
    Json j(tur);
    j.obj().k("success").b(true).k("commandName").s(t.sub_desc);
    j.k("allowedTools").arr().s("Read").s("Grep").s("Glob").end();
    j.k("model").s(model_name(Model::Haiku45)).end();
    t.tur_json = std::move(tur);
  } else {
    std::string content;
    {
      Json j(content);
      j.arr();
      j.obj().k("type").s("text").k("text").s(sub.report).end();
      j.obj().k("type").s("text");
      j.k("text").s(
          "agentId: " + sub.agent_id +
          " (for resuming to continue this agent's work if needed)\n<usage>total_tokens: " +
          itos(sub.total_tokens) + "\ntool_uses: " + itos(sub.tool_uses) +
          "\nduration_ms: " + itos(sub.duration_ms) + "</usage>");
      j.end();
      j.end();
    }
    t.content_json = content;
    std::string tur;
    Json j(tur);
    j.obj().k("status").s("completed").k("prompt").s(t.sub_prompt).k("agentId").s(sub.agent_id);
    j.k("content").arr().obj().k("type").s("text").k("text").s(sub.report).end().end();
    j.k("totalDurationMs").n(sub.duration_ms).k("totalTokens").n(sub.total_tokens);
    j.k("totalToolUseCount").n(sub.tool_uses);
    j.k("usage");
    Req tmp;
    tmp.u = sub.last;
    usage_json(tur, tmp, true, sub.last.out);  // a copy of the last request: never counted
    j.end();
    t.tur_json = std::move(tur);
  }
  tool_result_line(&s, c, t, assistant_uuid, false);
  if (t.tool == Tool::kSkill) {
    tick(c, 5, 50);
    std::string line;
    Json j(line);
    open_line(j, c, "user");
    j.k("message").obj().k("role").s("user").k("content").arr();
    j.obj().k("type").s("text");
    j.k("text").s(with_canary("Base directory for this skill: /home/dev/.claude/skills/" +
                              t.sub_desc + "\n\n" + prose(2, 6, false, true)));
    j.end().end().end();
    j.k("isMeta").b(true);
    const std::string u = uuid();
    j.k("uuid").s(u).k("timestamp").ts(c.now).k("sourceToolUseID").s(t.id).end();
    c.last_uuid = u;
    emit(c, line, LineKind::kNormal);
  }
  x.pending += 300 + static_cast<int64_t>(sub.report.size()) / 4;
}

}  // namespace codepulse::bench::corpus
