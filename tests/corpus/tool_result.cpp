// The user line that carries a tool's result (and toolUseResult), with the hook and
// bash_progress lines around it, its effects on the truth and its progress mirror.
#include "tests/corpus/gen_internal.hpp"

namespace codepulse::bench::corpus {

void Gen::tool_result_line(Session* s, Chain& c, ToolRun& t, const std::string& assistant_uuid,
                           bool mirror) {
  const std::string name = tool_name(t.tool);
  const bool hooks = s != nullptr && runs_hooks(t.tool);
  const int pre = hooks ? s->hooks_pre : 0;
  const int post = hooks ? s->hooks_post : 0;
  for (int i = 0; i < pre && c.out != nullptr; ++i) {
    hook_line(c, "PreToolUse", "PreToolUse:" + name, t.id, false, false);
  }
  for (int i = 0; i < t.bash_progress; ++i) {
    tick(c, 300, 900);
    std::string line;
    Json j(line);
    open_line(j, c, "progress");
    j.k("data").obj().k("type").s("bash_progress");
    j.k("output").s(with_canary(sentence(3, 12)));
    j.k("fullOutput").s(with_canary(prose(1, 4, false, false)));
    j.k("elapsedTimeSeconds").n(i + 2).k("totalLines").n(rng_.range(1, 400));
    j.k("timeoutMs").n(120000).end();
    j.k("toolUseID").s("bash-progress-" + itos(s != nullptr ? s->bash_progress_n++ : i));
    j.k("parentToolUseID").s(t.id);
    const std::string u = uuid();
    j.k("uuid").s(u);
    j.k("timestamp").ts(c.now);
    j.end();
    c.last_uuid = u;
    emit(c, line, LineKind::kNormal);
  }
  tick(c, 20, 900);
  std::string line;
  line.reserve(t.content_json.size() + t.tur_json.size() + 700);
  Json j(line);
  open_line(j, c, "user");
  std::string msg;
  {
    Json m(msg);
    m.obj().k("role").s("user").k("content").arr().obj();
    m.k("tool_use_id").s(t.id);
    m.k("type").s("tool_result");
    m.k("content").raw(t.content_json);
    if (t.has_is_error_field) m.k("is_error").b(t.is_error);
    m.end().end().end();
  }
  j.k("message").raw(msg);
  const std::string u = uuid();
  j.k("uuid").s(u);
  j.k("timestamp").ts(c.now);
  if (!t.tur_json.empty()) j.k("toolUseResult").raw(t.tur_json);
  j.k("sourceToolAssistantUUID").s(assistant_uuid);
  j.end();
  c.last_uuid = u;
  emit(c, line, LineKind::kNormal);
  if (s != nullptr && c.out != nullptr) {
    if (!t.patch_abs.empty()) add_patch_truth(*s, t.patch_abs, t.added, t.removed);
    if (!t.commit_sha.empty()) truth_.commit_shas.insert(t.commit_sha);
    if (!t.big_output.empty()) {
      const fs::path dir = s->dir / "tool-results";
      fs::create_directories(dir);
      write_whole_file(dir / (t.id + ".txt"), t.big_output);
    }
  }
  if (mirror && c.parent != nullptr) {
    Chain& p = *c.parent;
    std::string pl;
    pl.reserve(msg.size() + 900);
    Json pj(pl);
    mirror_open(pj, c);
    pj.k("type").s("user").k("message").raw(msg);
    pj.k("uuid").s(u).k("timestamp").ts(c.now).end();
    const std::string pu = mirror_close(pj, c);
    p.now = c.now + rng_.range(1, 200);
    pj.k("timestamp").ts(p.now);
    pj.end();
    p.last_uuid = pu;
    emit(p, pl, LineKind::kNormal);
  }
  for (int i = 0; i < post && c.out != nullptr; ++i) {
    hook_line(c, "PostToolUse", "PostToolUse:" + name, t.id, false, false);
  }
}

}  // namespace codepulse::bench::corpus
