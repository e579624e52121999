// The Codex rollout generator (codex_corpus.hpp).
#include "tests/corpus/codex_corpus.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "tests/corpus/codex_lines.hpp"
#include "tests/corpus/json_text.hpp"
#include "tests/corpus/rng.hpp"

namespace codepulse::bench {
namespace {

namespace fs = std::filesystem;
using codex::RolloutStyle;
using codex::RolloutWriter;
using codex::Usage;
using corpus::Rng;

const std::vector<std::string> kModels = {"gpt-5.5", "gpt-5.6-sol", "gpt-6-sol", "gpt-5.3-codex",
                                          "codex-auto-review"};
const std::vector<std::string> kProjects = {"api", "web", "billing", "infra", "mobile", "docs"};
const std::vector<std::string> kBranches = {"main", "feat/PROJ-12-login", "fix/OPS-7", "dev"};
const std::vector<std::string> kWords = {
    "the",  "build", "fails",  "because", "of",    "a",      "missing", "header", "in",
    "src",  "we",    "should", "check",   "tests", "before", "merge",   "value",  "returns",
    "null", "when",  "config", "loads",   "{",     "}",      "\"q\"",   "->",     "\n"};

// The model the tracker names a request by (ccusage's dated codex-auto-review table).
std::string reader_model(const std::string& model, int64_t ms) {
  if (model != "codex-auto-review") return model;
  std::string day;
  corpus::append_day(day, ms);
  if (day >= "2026-07-30") return "gpt-5.6-luna";
  if (day >= "2026-03-05") return "gpt-5.4";
  if (day >= "2026-02-05") return "gpt-5.3-codex";
  if (day >= "2025-12-11") return "gpt-5.2-codex";
  if (day >= "2025-11-13") return "gpt-5.1-codex";
  if (day >= "2025-09-15") return "gpt-5-codex";
  return "gpt-5";
}

class Generator {
 public:
  explicit Generator(const CodexCorpusOptions& o) : o_(o), rng_(o.seed * 7919 + 17) {
    for (int i = 0; i < 6000; ++i) {
      words_ += rng_.pick(kWords);
      words_ += ' ';
    }
    instructions_ = "You are Codex, a coding agent. " + words_.substr(0, 12'000);
    static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 8192; ++i)
      b64_ += kB64[rng_.below(64)];
  }

  CodexCorpusTruth run() {
    while (static_cast<uint64_t>(truth_.bytes) < o_.target_bytes)
      session();
    return truth_;
  }

 private:
  // `base`, and the canary when there is one.
  std::string text(const std::string& base) {
    if (o_.canary.empty()) return base;
    return base + " " + o_.canary + "-" + std::to_string(++canaries_);
  }
  std::string filler(int64_t bytes) {
    const size_t n = static_cast<size_t>(std::min<int64_t>(bytes, words_.size() / 2));
    return text(words_.substr(rng_.below(words_.size() - n), n));
  }
  std::string encrypted(int64_t bytes) {
    std::string s;
    while (static_cast<int64_t>(s.size()) < bytes)
      s += b64_.substr(rng_.below(b64_.size() / 2), b64_.size() / 2);
    s.resize(static_cast<size_t>(bytes));
    return s;
  }
  std::string hex_id(const char* prefix) {
    static const char* kHex = "0123456789abcdef";
    std::string s = prefix;
    uint64_t v = rng_.next();
    for (int i = 0; i < 16; ++i, v >>= 4)
      s.push_back(kHex[v & 15]);
    return s;
  }

  void count(int64_t ms, const std::string& model, const Usage& u) {
    std::string key;
    corpus::append_day(key, ms);
    CodexDayModel& d = truth_.by_day_model[key + "|" + reader_model(model, ms)];
    ++d.requests;
    d.input += u.input - u.cached - u.cache_write;
    d.cache_read += u.cached;
    d.cache_write += u.cache_write;
    d.output += u.output;
    d.reasoning += u.reasoning;
  }

  void save(const std::string& rel, const std::string& content) {
    const fs::path p = fs::path(o_.root) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!f) throw std::runtime_error("cannot write " + p.string());
    ++truth_.files;
    truth_.bytes += static_cast<int64_t>(content.size());
    truth_.lines += std::count(content.begin(), content.end(), '\n');
  }

  Usage next_usage(int64_t& context, bool legacy) {
    Usage u;
    u.input = context;
    u.cached = rng_.chance(1, 8) ? 0 : rng_.range(context / 2, context * 19 / 20);
    if (!legacy && rng_.chance(1, 3)) u.cache_write = rng_.range(0, u.input - u.cached);
    u.output = rng_.log_range(20, 3000);
    u.reasoning = rng_.range(0, u.output / 2);
    context += u.output + rng_.log_range(50, 6000);
    if (context > 250'000) context = rng_.range(12'000, 30'000);  // compacted
    return u;
  }

  // One turn of `responses` responses; `ms` moves on.
  void turn(RolloutWriter& w, int64_t& ms, const std::string& model, const std::string& cwd,
            int64_t& context, bool legacy, bool count_it) {
    ms += rng_.range(10'000, 1'800'000);
    w.turn_start(ms, codex::uuid7(ms, rng_.next()), model, cwd,
                 text("please " + words_.substr(rng_.below(4000), 60)),
                 text("developer instructions: " + words_.substr(rng_.below(4000), 400)));
    const int responses = static_cast<int>(rng_.range(1, 6));
    for (int r = 0; r < responses; ++r) {
      ms += rng_.range(300, 30'000);
      w.reasoning(ms, text("thinking about the task"), encrypted(rng_.log_range(300, 4000)));
      const Usage u = next_usage(context, legacy);
      const std::string response = hex_id("resp_"), call = hex_id("call_");
      const bool last = r + 1 == responses;
      const int64_t at = ms + 5;
      if (last) {
        w.answer(ms, text("done: " + words_.substr(rng_.below(4000), 200)));
        w.usage(at, response, u);
      } else if (rng_.chance(1, 2)) {
        const std::string cmd =
            rng_.chance(1, 6) ? text("git commit -am 'wip'") : text("rg -n value src | head");
        w.exec_call(ms, call, cmd);
        w.usage(at, response, u);
        w.exec_output(at + 20, call, cmd, filler(rng_.log_range(100, 30'000)));
      } else {
        const std::string path = "src/" + hex_id("f") + ".c";
        std::string patch = "*** Begin Patch\n*** Update File: " + path + "\n@@\n";
        for (int64_t i = rng_.range(1, 30); i > 0; --i)
          patch += (i % 3 ? "+" : "-") + text("line " + std::to_string(i)) + "\n";
        patch += "*** End Patch\n";
        w.patch_call(ms, call, patch);
        w.usage(at, response, u);
        w.patch_output(at + 20, call, path, filler(rng_.log_range(50, 2000)));
      }
      w.token_count(at);  // the row of the response, at its record's time
      if (rng_.chance(1, 4)) w.token_count(at + 900);  // written again unchanged
      if (count_it) count(at, model, u);
    }
    w.task_complete(ms + 50, text("finished"));
  }

  void session() {
    int64_t ms = o_.start_ms + static_cast<int64_t>(rng_.below(60 * corpus::kDayMs));
    const bool legacy = rng_.chance(static_cast<uint64_t>(o_.legacy_percent), 100);
    RolloutStyle style;
    style.records = style.paginated = !legacy;
    if (legacy) style.cli_version = "0.142.5";
    const std::string thread = codex::uuid7(ms, rng_.next());
    const std::string model = rng_.pick(kModels);
    const std::string cwd = "/home/dev/src/" + rng_.pick(kProjects);
    RolloutWriter w(thread, style);
    const int64_t began = ms;
    w.session_meta(ms, cwd, rng_.pick(kBranches), text(instructions_));
    int64_t context = rng_.range(6'000, 14'000);
    for (int64_t t = rng_.range(1, 6); t > 0; --t)
      turn(w, ms, model, cwd, context, legacy, true);
    const bool torn = o_.bad_lines && rng_.chance(1, 5);
    if (torn) {
      const std::string last_line = w.text.substr(w.text.rfind('\n', w.text.size() - 2) + 1);
      w.text += last_line.substr(0, last_line.size() / 2) + "\n";  // torn, then written on
      ++truth_.bad_lines;
      w.text +=
          "{\"timestamp\":\"2026-06-13T00:00:00.000Z\",\"type\":\"response_item\","
          "\"payload\":{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":"
          "\"input_text\",\"text\":\"bad \xff\xfe byte\"}]}}\n";
      turn(w, ms, model, cwd, context, legacy, true);
    }
    save(codex::rollout_path(began, thread), w.text);
    ++truth_.sessions;
    if (o_.forks && rng_.chance(1, 3)) {
      fork(w, ms, model, cwd, context, style);
      if (torn) ++truth_.bad_lines;  // the fork copies the torn line too
    }
  }

  // A fork or a spawned subagent of the session `parent` wrote.
  void fork(const RolloutWriter& parent, int64_t ms, const std::string& model,
            const std::string& cwd, int64_t context, const RolloutStyle& style) {
    ms += rng_.range(1'000, 600'000);
    const std::string child = codex::uuid7(ms, rng_.next());
    const bool spawned = rng_.chance(1, 2);
    const int64_t began = ms;
    RolloutWriter w(child, style);
    w.set_totals(parent.totals());
    const std::string& p = parent.thread();
    if (spawned) {
      w.session_meta(
          ms, cwd, "", text(instructions_),
          "{\"subagent\":{\"thread_spawn\":{\"parent_thread_id\":\"" + p + "\",\"depth\":1}}}",
          "subagent", "\"parent_thread_id\":\"" + p + "\"");
    } else {
      w.session_meta(ms, cwd, "", text(instructions_), "\"exec\"", "user",
                     "\"forked_from_id\":\"" + p + "\"");
    }
    // The parent's history, copied with its own times (a spawned subagent's
    // copy leaves out the parent's token_usage_record lines).
    size_t pos = 0;
    while (pos < parent.text.size()) {
      const size_t eol = parent.text.find('\n', pos) + 1;
      const std::string_view line(parent.text.data() + pos, eol - pos);
      pos = eol;
      if (spawned && line.find("\"type\":\"token_usage_record\"") != std::string_view::npos)
        continue;
      w.text.append(line);
    }
    for (int64_t t = rng_.range(1, 3); t > 0; --t)
      turn(w, ms, model, cwd, context, !style.records, true);
    save(codex::rollout_path(began, child), w.text);
    ++truth_.forks;
  }

  const CodexCorpusOptions& o_;
  Rng rng_;
  CodexCorpusTruth truth_;
  std::string words_, b64_;
  std::string instructions_;  // base_instructions: about 12 KB, as Codex's
  int64_t canaries_ = 0;
};

}  // namespace

CodexCorpusTruth generate_codex_corpus(const CodexCorpusOptions& opts) {
  Generator g(opts);
  return g.run();
}

}  // namespace codepulse::bench
