// The envelope every transcript line starts with, the agent_progress mirror frame, and the
// lines that carry no usage: hooks, system, file history, prompts, summary, queue, last prompt.
#include <cstring>
#include <utility>

#include "tests/corpus/gen_internal.hpp"
#include "tests/corpus/vocabulary.hpp"

namespace codepulse::bench::corpus {

Chain side_chain(const Chain& from, std::string agent_id) {
  Chain c;
  c.cwd = from.cwd;
  c.session_id = from.session_id;
  c.version = from.version;
  c.branch = from.branch;
  c.slug = from.slug;
  c.slug_on = from.slug_on;
  c.agent_id = std::move(agent_id);
  c.sidechain = true;
  c.now = from.now;
  return c;
}

void Gen::envelope(Json& j, const Chain& c) {
  j.k("parentUuid");
  if (c.last_uuid.empty()) {
    j.null();
  } else {
    j.s(c.last_uuid);
  }
  envelope_after_parent(j, c);
}

void Gen::open_line(Json& j, const Chain& c, const char* type) {
  j.obj();
  envelope(j, c);
  j.k("type").s(type);
}

void Gen::envelope_after_parent(Json& j, const Chain& c) {
  j.k("isSidechain").b(c.sidechain);
  j.k("userType").s("external");
  j.k("cwd").s(c.cwd);
  j.k("sessionId").s(c.session_id);
  j.k("version").s(c.version);
  j.k("gitBranch").s(c.branch);
  if (!c.agent_id.empty()) j.k("agentId").s(c.agent_id);
  if (c.slug_on && !c.slug.empty()) j.k("slug").s(c.slug);
}

void Gen::mirror_open(Json& pj, const Chain& c) {
  open_line(pj, *c.parent, "progress");
  pj.k("data").obj();
  pj.k("message").obj();
}

std::string Gen::mirror_close(Json& pj, const Chain& c) {
  pj.k("normalizedMessages").arr().end();
  pj.k("type").s("agent_progress");
  pj.k("prompt").s(c.mirror_prompt);
  pj.k("agentId").s(c.agent_id);
  pj.end();
  pj.k("toolUseID").s(c.mirror_tool_use_id);
  pj.k("parentToolUseID").s(c.mirror_parent_tool_use_id);
  std::string pu = uuid();
  pj.k("uuid").s(pu);
  return pu;
}

void Gen::hook_line(Chain& c, const std::string& event, const std::string& name,
                    const std::string& tool_use_id, bool tear, bool no_ts) {
  tick(c, 1, 40);
  std::string line;
  line.reserve(700);
  Json j(line);
  open_line(j, c, "progress");
  j.k("data").obj();
  j.k("type").s("hook_progress");
  j.k("hookEvent").s(event);
  j.k("hookName").s(name);
  std::string cmd = rng_.pick(kHookCommands);
  j.k("command").s(with_canary(std::move(cmd)));
  j.end();
  j.k("parentToolUseID").s(tool_use_id);
  j.k("toolUseID").s(tool_use_id);
  if (!no_ts) j.k("timestamp").ts(c.now);
  const std::string u = uuid();
  j.k("uuid").s(u);
  j.end();
  c.last_uuid = u;
  if (tear) {
    truncate_torn(line, 4);
    emit(c, line, LineKind::kMalformed);
  } else {
    emit(c, line, LineKind::kNormal);
  }
}

void Gen::system_line(Chain& c, const char* subtype, int64_t duration_ms, bool invalid_json) {
  tick(c, 5, 200);
  std::string line;
  Json j(line);
  open_line(j, c, "system");
  j.k("subtype").s(subtype);
  const std::string u = uuid();
  if (std::strcmp(subtype, "stop_hook_summary") == 0) {
    j.k("hookCount").n(2);
    j.k("hookInfos").arr();
    for (int i = 0; i < 2; ++i) {
      j.obj().k("command").s(with_canary(rng_.pick(kHookCommands))).end();
    }
    j.end();
    j.k("hookErrors").arr().end();
    j.k("preventedContinuation").b(false);
    j.k("stopReason").s("");
    j.k("hasOutput").b(true);
    j.k("level").s("suggestion");
    j.k("timestamp").ts(c.now);
    j.k("uuid").s(u);
    j.k("toolUseID").s(uuid());
  } else {
    if (invalid_json) {
      j.k("durationMs").raw("NaN");
    } else {
      j.k("durationMs").n(duration_ms);
    }
    j.k("timestamp").ts(c.now);
    j.k("uuid").s(u);
    j.k("isMeta").b(false);
  }
  j.end();
  c.last_uuid = u;
  emit(c, line, invalid_json ? LineKind::kMalformed : LineKind::kNormal);
}

void Gen::file_history_line(Chain& c, const std::string& message_id, bool update) {
  std::string line;
  Json j(line);
  j.obj();
  j.k("type").s("file-history-snapshot");
  j.k("messageId").s(message_id);
  j.k("snapshot").obj();
  j.k("messageId").s(message_id);
  j.k("trackedFileBackups").obj();
  if (update) {
    j.k("src/" + hex(4) + ".txt").obj();
    j.k("backupFileName").s(hex(16) + "@v1");
    j.k("version").n(1);
    j.k("backupTime").ts(c.now);
    j.end();
  }
  j.end();
  j.k("timestamp").ts(c.now);
  j.end();
  j.k("isSnapshotUpdate").b(update);
  j.end();
  emit(c, line, LineKind::kNormal);
}

void Gen::user_prompt_line(Chain& c, const std::string& text, bool bad_utf8) {
  std::string line;
  line.reserve(text.size() + 600);
  Json j(line);
  open_line(j, c, "user");
  j.k("message").obj().k("role").s("user").k("content");
  const size_t content_at = line.size();
  j.s(text).end();
  if (bad_utf8) {
    // invalid UTF-8 bytes at the start of the prompt string
    line.insert(content_at + 1, "\xFF\xFE\xC3(");
  }
  const std::string u = uuid();
  j.k("uuid").s(u);
  j.k("timestamp").ts(c.now);
  j.k("thinkingMetadata").obj().k("maxThinkingTokens").n(31999).end();
  j.k("todos").arr().end();
  j.k("permissionMode").s(rng_.chance(1, 2) ? "default" : "bypassPermissions");
  j.end();
  c.last_uuid = u;
  emit(c, line, bad_utf8 ? LineKind::kMalformed : LineKind::kNormal);
}

void Gen::summary_line(Chain& c) {
  std::string line;
  Json j(line);
  j.obj();
  j.k("type").s("summary");
  j.k("summary").s(with_canary(sentence(4, 10)));
  j.k("leafUuid").s(uuid());
  j.end();
  emit(c, line, LineKind::kNormal);
}

void Gen::queue_lines(Chain& c) {
  for (const char* op : {"enqueue", "remove"}) {
    tick(c, 100, 3000);
    std::string line;
    Json j(line);
    j.obj();
    j.k("type").s("queue-operation");
    j.k("operation").s(op);
    j.k("timestamp").ts(c.now);
    j.k("sessionId").s(c.session_id);
    if (op[0] == 'e') j.k("content").s(with_canary(sentence(3, 12)));
    j.end();
    emit(c, line, LineKind::kNormal);
  }
}

void Gen::last_prompt_line(Chain& c, const std::string& text) {
  std::string line;
  Json j(line);
  j.obj();
  j.k("type").s("last-prompt");
  j.k("lastPrompt").s(text);
  j.k("sessionId").s(c.session_id);
  j.end();
  emit(c, line, LineKind::kNormal);
}

}  // namespace codepulse::bench::corpus
