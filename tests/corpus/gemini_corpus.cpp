// The Gemini CLI corpus generator (gemini_corpus.hpp): projects, sessions
// and their subagents, written line by line as Gemini CLI writes them, the
// truth counted as each billed message is written.
#include "tests/corpus/gemini_corpus.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "tests/corpus/gemini_lines.hpp"
#include "tests/corpus/json_text.hpp"
#include "tests/corpus/rng.hpp"

namespace codepulse::bench::gemini {
namespace {

namespace fs = std::filesystem;
using corpus::Rng;

const std::vector<std::string> kModels = {"gemini-2.5-pro", "gemini-2.5-flash",
                                          "gemini-3.1-pro-preview", "gemini-3-flash-preview"};
const std::vector<std::string> kWords = {"parse", "index", "cache", "retry", "buffer", "token",
                                         "route", "query", "shard", "merge", "flush",  "stream"};

struct Session {
  std::string id, project_dir, cwd, model;
  std::string text;               // the .jsonl being written
  std::vector<std::string> kept;  // its messages as JSON, for checkpoints and .json copies
  int64_t ts = 0;
  bool counted_twice_by_ccusage = false;  // its messages also sit in a resumed .jsonl
};

class Writer {
 public:
  explicit Writer(const CorpusOptions& o) : o_(o), rng_(o.seed) {}

  CorpusTruth run() {
    fs::create_directories(o_.root + "/tmp");
    std::string registry = "{\n  \"projects\": {";
    for (int p = 0; p < o_.projects; ++p) {
      const std::string cwd = "/home/dev/src/app" + std::to_string(p);
      const std::string slug = "app" + std::to_string(p);
      registry += (p ? ",\n    \"" : "\n    \"") + cwd + "\": \"" + slug + "\"";
      const std::string dir = o_.root + "/tmp/" + slug;
      fs::create_directories(dir + "/chats");
      // Every other project has lost its .project_root: projects.json tells.
      if (p % 2 == 0) write(dir + "/.project_root", cwd);
      projects_.push_back({dir, cwd});
    }
    write(o_.root + "/projects.json", registry + "\n  }\n}");
    int64_t ts = o_.start_ms;
    while (static_cast<uint64_t>(truth_.bytes) < o_.target_bytes) {
      ts += rng_.range(60'000, 3 * 3'600'000);
      session(ts);
    }
    return truth_;
  }

 private:
  std::string text(size_t size) {
    std::string s;
    if (!o_.canary.empty()) s = o_.canary + "-" + std::to_string(++canaries_) + " ";
    while (s.size() < size) {
      s += rng_.pick(kWords);
      s += rng_.chance(1, 8) ? "\n" : " ";
    }
    return s;
  }
  std::string uuid() {
    static const char* hex = "0123456789abcdef";
    std::string u;
    for (int i = 0; i < 32; ++i) {
      if (i == 8 || i == 12 || i == 16 || i == 20) u += '-';
      u += hex[rng_.below(16)];
    }
    return u;
  }
  void write(const std::string& path, const std::string& content) {
    std::ofstream f(path, std::ios::binary);
    f << content;
    f.close();
    if (!f) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    truth_.bytes += static_cast<int64_t>(content.size());
    ++truth_.files;
  }
  static void line(Session& s, const std::string& json) {
    s.text += json;
    s.text += '\n';
  }
  void bill(const GeminiMessage& m, bool twice_by_ccusage) {
    std::string key;
    corpus::append_day(key, m.ts_ms);
    key += "|" + m.model;
    const Tokens& t = m.tokens;
    for (auto* table : {&truth_.by_day_model, &truth_.ccusage_by_day_model}) {
      DayModel& d = (*table)[key];
      const int64_t times = table == &truth_.ccusage_by_day_model && twice_by_ccusage ? 2 : 1;
      d.requests += times;
      d.input += times * (t.input - t.cached + t.tool);
      d.cache_read += times * t.cached;
      d.output += times * (t.output + (table == &truth_.by_day_model ? t.thoughts : 0));
      d.reasoning += times * t.thoughts;
    }
  }
  Tokens tokens() {
    Tokens t;
    t.input = rng_.log_range(800, 180'000);
    t.cached = rng_.chance(2, 3) ? rng_.range(0, t.input) : 0;
    t.output = rng_.log_range(5, 4'000);
    t.thoughts = rng_.chance(1, 2) ? rng_.log_range(10, 3'000) : 0;
    t.tool = rng_.chance(1, 10) ? rng_.range(1, 400) : 0;
    return t;
  }
  ToolCall tool_call(const Session& s, int n) {
    ToolCall c;
    const uint64_t pick = rng_.below(10);
    const std::string file = "src/" + rng_.pick(kWords) + std::to_string(rng_.below(40)) + ".ts";
    c.text = text(static_cast<size_t>(rng_.log_range(40, 8'000)));
    if (pick < 3) {
      c.kind = ToolCall::Kind::kReadFile;
      c.path = rng_.chance(1, 2) ? file : s.cwd + "/" + file;
    } else if (pick < 5) {
      c.kind = ToolCall::Kind::kReplace;
      c.path = s.cwd + "/" + file;
      c.added = rng_.range(1, 40);
      c.removed = rng_.range(0, 30);
    } else if (pick < 6) {
      c.kind = ToolCall::Kind::kWriteFile;
      c.path = s.cwd + "/" + file;
      c.added = rng_.range(1, 200);
    } else if (pick < 8) {
      c.kind = ToolCall::Kind::kShell;
      if (rng_.chance(1, 4)) {
        c.command = "git commit -am '" + text(20) + "'";
        std::string sha;
        for (int i = 0; i < 7; ++i)
          sha += "0123456789abcdef"[rng_.below(16)];
        c.text = "[main " + sha + "] " + text(30) + "\n 1 file changed";
        ++truth_.commits;
      } else {
        c.command = "npm test -- " + text(12);
      }
    } else {
      c.kind = ToolCall::Kind::kOther;
      c.name = "google_web_search";
    }
    if (rng_.chance(1, 20)) c.status = "error";
    const char* name = c.kind == ToolCall::Kind::kShell ? "run_shell_command" : "tool";
    c.id = std::string(name) + "__" + name + "_" + std::to_string(s.ts) + "_" + std::to_string(n);
    return c;
  }

  // A gemini message: written (with tokens, or first with null tokens), then
  // again with its tool calls and their responses; billed once.
  void step(Session& s, bool last, bool subagent) {
    GeminiMessage m;
    m.id = uuid();
    s.ts += rng_.range(200, 90'000);
    m.ts_ms = s.ts;
    m.model = s.model;
    m.content =
        rng_.chance(1, 2) || last ? text(static_cast<size_t>(rng_.log_range(10, 3'000))) : "";
    if (rng_.chance(1, 3)) m.thought = text(static_cast<size_t>(rng_.log_range(20, 800)));
    m.tokens = tokens();
    if (rng_.chance(1, 10)) {  // text first, its usage after it
      GeminiMessage pending = m;
      pending.has_tokens = false;
      line(s, gemini_json(pending));
      line(s, set_last_updated(m.ts_ms));
    }
    line(s, gemini_json(m));
    line(s, set_last_updated(m.ts_ms));
    bill(m, s.counted_twice_by_ccusage);
    if (!last) {
      const int calls = static_cast<int>(rng_.range(1, 3));
      for (int i = 0; i < calls; ++i)
        m.calls.push_back(tool_call(s, i));
      if (!subagent && rng_.chance(1, 25)) subagent_call(s, m);
      m.with_tool_calls = true;
      const std::string full = gemini_json(m);
      line(s, full);
      s.kept.push_back(full);
      const std::string answer = function_response_json(uuid(), m.ts_ms + 80, m.calls);
      line(s, answer);
      s.kept.push_back(answer);
      line(s, set_last_updated(m.ts_ms + 80));
    } else {
      s.kept.push_back(gemini_json(m));
    }
  }

  // invoke_agent: a subagent session of its own in chats/<parent>/.
  void subagent_call(Session& parent, GeminiMessage& m) {
    Session sub;
    sub.id = uuid();
    sub.project_dir = parent.project_dir;
    sub.cwd = parent.cwd;
    sub.model = parent.model;
    sub.ts = parent.ts + 100;
    line(sub, header_line(sub.id, "hash", sub.ts, true, {sub.cwd}));
    line(sub, user_prompt_json(uuid(), sub.ts, text(200)));
    line(sub, set_last_updated(sub.ts));
    const int steps = static_cast<int>(rng_.range(1, 4));
    for (int i = 0; i < steps; ++i)
      step(sub, i + 1 == steps, true);
    line(sub, set_summary(text(100)));
    const std::string dir = parent.project_dir + "/chats/" + parent.id;
    fs::create_directories(dir);
    write(dir + "/" + sub.id + ".jsonl", sub.text);
    ++truth_.subagents;
    ToolCall call;
    call.kind = ToolCall::Kind::kOther;
    call.name = "invoke_agent";
    call.id = "invoke_agent__invoke_agent_" + std::to_string(parent.ts) + "_9";
    call.text = text(120);
    call.agent_id = sub.id;
    m.calls.push_back(call);
    parent.ts = sub.ts + 100;
  }

  void turns(Session& s, int count) {
    for (int t = 0; t < count; ++t) {
      s.ts += rng_.range(2'000, 600'000);
      const std::string prompt = user_prompt_json(uuid(), s.ts, text(rng_.log_range(10, 2'000)));
      line(s, prompt);
      s.kept.push_back(prompt);
      line(s, set_last_updated(s.ts));
      const int steps = static_cast<int>(rng_.range(1, 8));
      for (int i = 0; i < steps; ++i)
        step(s, i + 1 == steps, false);
      // A checkpoint of the whole conversation, as after a compression or a
      // rollback: rare in real sessions.
      if (rng_.chance(1, 40)) line(s, set_messages(s.kept, s.ts));
      if (rng_.chance(1, 30)) line(s, rewind_to(s.kept.back().substr(7, 36)));
    }
  }

  std::string file_name(const Session& s, int64_t start) {
    std::string name = "session-";
    corpus::append_ts(name, start);
    name.resize(8 + 16);  // session-YYYY-MM-DDTHH:MM
    for (char& c : name)
      if (c == ':') c = '-';
    return name + "-" + s.id.substr(0, 8);
  }

  void session(int64_t start) {
    const auto& [dir, cwd] = projects_[rng_.below(projects_.size())];
    Session s;
    s.id = uuid();
    s.project_dir = dir;
    s.cwd = cwd;
    s.model = rng_.pick(kModels);
    s.ts = start;
    ++truth_.sessions;
    const std::string base = dir + "/chats/" + file_name(s, start);
    // The first two sessions are a resumed and a plain legacy one.
    const uint64_t kind = !o_.legacy_sessions    ? 19
                          : truth_.sessions <= 2 ? 2 - truth_.sessions
                                                 : rng_.below(20);
    if (kind < 2) {  // a legacy .json, maybe resumed into a .jsonl copy later
      const bool resumed = kind == 1;
      s.counted_twice_by_ccusage = resumed;
      turns(s, static_cast<int>(rng_.range(1, 3)));
      write(base + ".json", legacy_session_json(s.id, "hash", start, s.kept));
      ++truth_.legacy;
      if (!resumed) return;
      ++truth_.resumed;
      s.text.clear();
      line(s, header_line(s.id, "hash", start));
      for (const std::string& m : s.kept)
        line(s, m);
      line(s, "{\"$set\":{\"sessionId\":\"" + s.id + "\"}}");
      s.counted_twice_by_ccusage = false;
      turns(s, static_cast<int>(rng_.range(1, 3)));
      write(base + ".jsonl", s.text);
      return;
    }
    line(s, header_line(s.id, "hash", start));
    line(s, set_messages({session_context_json(start, cwd)}, start));
    turns(s, static_cast<int>(rng_.log_range(1, 12)));
    write(base + ".jsonl", s.text);
  }

  const CorpusOptions& o_;
  Rng rng_;
  CorpusTruth truth_;
  std::vector<std::pair<std::string, std::string>> projects_;  // tmp folder, cwd
  int64_t canaries_ = 0;
};

}  // namespace

CorpusTruth write_corpus(const CorpusOptions& options) {
  return Writer(options).run();
}

std::string truth_json(const CorpusTruth& truth) {
  std::string o = "{";
  for (const auto* table : {&truth.by_day_model, &truth.ccusage_by_day_model}) {
    o += table == &truth.by_day_model ? "\"codepulse\":{" : ",\"ccusage\":{";
    bool first = true;
    for (const auto& [key, d] : *table) {
      o += first ? "\"" : ",\"";
      first = false;
      o += key + "\":{\"requests\":" + corpus::itos(d.requests) +
           ",\"input\":" + corpus::itos(d.input) + ",\"output\":" + corpus::itos(d.output) +
           ",\"cache_read\":" + corpus::itos(d.cache_read) +
           ",\"reasoning\":" + corpus::itos(d.reasoning) + "}";
    }
    o += "}";
  }
  o += ",\"files\":" + corpus::itos(truth.files) + ",\"bytes\":" + corpus::itos(truth.bytes) +
       ",\"sessions\":" + corpus::itos(truth.sessions) +
       ",\"subagents\":" + corpus::itos(truth.subagents) +
       ",\"legacy\":" + corpus::itos(truth.legacy) + ",\"resumed\":" + corpus::itos(truth.resumed) +
       ",\"commits\":" + corpus::itos(truth.commits) + "}\n";
  return o;
}

}  // namespace codepulse::bench::gemini
