// The side chains of a session: compaction (agent-acompact-* and compact_boundary), the /btw
// replay, and workflow journals with their agents.
#include "tests/corpus/gen_internal.hpp"

namespace codepulse::bench::corpus {

void Gen::compact(Session& s) {
  Chain& c = s.main;
  const int64_t pre = s.x.ctx + s.x.pending;
  if (s.ver->nested) {
    ensure_subagents_dir(s);
    OutFile f;
    open_file(f, s.dir / "subagents" / ("agent-acompact-" + hex(6) + ".jsonl"));
    Chain a = side_chain(c, "acompact-" + hex(6));
    a.out = &f;
    a.slug_on = true;
    a.last_uuid = c.last_uuid;
    for (int i = 0; i < 2; ++i) {
      tick(a, 100, 2000);
      std::string line;
      Json j(line);
      open_line(j, a, "user");
      j.k("message").obj().k("role").s("user");
      j.k("content").s(i == 0 ? with_canary("<system-reminder>\n" + prose(1, 3, false, false) +
                                            "\n</system-reminder>")
                              : with_canary("Your task is to create a detailed summary of the "
                                            "conversation so far. " +
                                            sentence(5, 12)));
      j.end();
      if (i == 0) j.k("isMeta").b(true);
      const std::string u = uuid();
      j.k("uuid").s(u).k("timestamp").ts(a.now).end();
      a.last_uuid = u;
      emit(a, line, LineKind::kNormal);
    }
    Ctx ax = s.x;
    ax.pending = std::min<int64_t>(ax.pending + rng_.range(2000, 9000), 60'000);
    ax.limit = s.ctx_limit();
    if (ax.ctx + ax.pending + 3 > ax.limit) ax.ctx = ax.limit - ax.pending - 3;
    Req r = start_request(&s, a, ax, s.model, rng_.range(2000, 9000), *s.ver, true);
    r.u.in = 3;
    assistant_line(a, r, text_block(prose(10, 40, false, true)), true, false, false);
    c.now = a.now;
    close_file(f);
  }
  tick(c, 100, 800);
  {
    std::string line;
    Json j(line);
    j.obj();
    j.k("parentUuid").null();
    j.k("logicalParentUuid").s(c.last_uuid);
    envelope_after_parent(j, c);
    j.k("type").s("system").k("subtype").s("compact_boundary");
    j.k("content").s("Conversation compacted").k("isMeta").b(false);
    j.k("timestamp").ts(c.now);
    const std::string u = uuid();
    j.k("uuid").s(u).k("level").s("info");
    j.k("compactMetadata").obj().k("trigger").s("auto").k("preTokens").n(pre).end();
    j.end();
    c.last_uuid = u;
    emit(c, line, LineKind::kNormal);
  }
  {
    std::string line;
    Json j(line);
    open_line(j, c, "user");
    j.k("message").obj().k("role").s("user");
    j.k("content").s(
        "This session is being continued from a previous conversation that ran out of context. "
        "The summary below covers the earlier portion of the conversation.\n\n" +
        prose(8, 30, true, true));
    j.end();
    j.k("isVisibleInTranscriptOnly").b(true).k("isCompactSummary").b(true);
    const std::string u = uuid();
    j.k("uuid").s(u).k("timestamp").ts(c.now).end();
    c.last_uuid = u;
    emit(c, line, LineKind::kNormal);
  }
  s.x.ctx = rng_.range(14'000, 30'000);
  s.x.pending = rng_.range(2'000, 8'000);
  if (s.long_ctx) s.x.ctx = rng_.range(150'000, 190'000);
  s.compacted = true;
}

// /btw side question: a sidechain log that replays the last main message with a new requestId
// (it must collapse into the main record) and then answers with its own request.
void Gen::btw_replay(Session& s) {
  if (!s.have_last_req || s.last_req.rid.empty()) return;
  ensure_subagents_dir(s);
  OutFile f;
  open_file(f, s.dir / "subagents" / ("agent-aside_question-" + hex(6) + ".jsonl"));
  Chain a = side_chain(s.main, "aside_question-" + hex(6));
  a.out = &f;
  a.slug_on = true;
  a.last_uuid = s.main.last_uuid;
  user_prompt_line(a, with_canary("/btw " + sentence(4, 10)), false);
  Req replay = s.last_req;
  replay.rid = b62("req_011C", 20);
  replay.u.out += rng_.range(50, 500);  // larger than the main record, and still loses to it
  replay.all_final = true;
  assistant_line(a, replay, text_block(prose(1, 3, false, false)), true, false, false);
  Ctx ax;
  ax.ctx = s.x.ctx;
  ax.pending = 200;
  ax.limit = s.ctx_limit();
  if (ax.ctx + ax.pending + 3000 > ax.limit) ax.ctx = ax.limit - 3000 - ax.pending;
  Req r = start_request(&s, a, ax, s.model, rng_.range(50, 600), *s.ver, true);
  assistant_line(a, r, text_block(prose(1, 4, true, false)), true, false, false);
  s.main.now = a.now;
  close_file(f);
}

// Workflow agents: <session>/subagents/workflows/<wf>/journal.jsonl (not a transcript) and the
// agents' own transcripts next to it.
void Gen::workflow(Session& s) {
  ensure_subagents_dir(s);
  const fs::path dir = s.dir / "subagents" / "workflows" / ("wf_" + hex(6));
  fs::create_directories(dir);
  OutFile journal;
  open_file(journal, dir / "journal.jsonl");
  const int64_t n = rng_.range(1, 2);
  for (int64_t i = 0; i < n; ++i) {
    const std::string key = "v2:" + hex(4);
    const std::string agent = "ag" + hex(6);
    {
      std::string line;
      Json j(line);
      j.obj().k("type").s("started").k("key").s(key).k("agentId").s(agent).end();
      write_line(journal, line, LineKind::kNormal);
    }
    const std::string prompt = with_canary(sentence(5, 12));
    const std::string tool_id = b62("toolu_01", 22);
    const std::string msg_id = b62("msg_01", 22);
    run_subagent(s, s.main, SubKind::kWorkflow, Model::Sonnet45, prompt, "workflow",
                 "workflow step", tool_id, msg_id, dir / ("agent-" + agent + ".jsonl"));
    std::string line;
    Json j(line);
    j.obj().k("type").s("result").k("key").s(key).k("agentId").s(agent);
    j.k("result").s(with_canary(sentence(4, 10))).end();
    write_line(journal, line, LineKind::kNormal);
  }
  close_file(journal);
}

}  // namespace codepulse::bench::corpus
