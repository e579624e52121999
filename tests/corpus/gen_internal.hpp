// The corpus generator (class Gen) shared by the files of tests/corpus/: one random stream, the
// running truth and the writers of every line shape. A group of members whose comment names a
// file is defined there.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tests/corpus/gen_state.hpp"
#include "tests/corpus/generator.hpp"
#include "tests/corpus/json_text.hpp"
#include "tests/corpus/json_writer.hpp"
#include "tests/corpus/out_file.hpp"
#include "tests/corpus/rng.hpp"

namespace codepulse::bench::corpus {

class Gen {
 public:
  explicit Gen(const CorpusOptions& o) : opts_(o), rng_(o.seed ^ 0x5EEDC0DE5EEDC0DEULL) {
    canary_esc_ = escaped(o.canary);
  }
  CorpusTruth run();

 private:
  // --- infrastructure
  void open_file(OutFile& f, const fs::path& p) { f.open(p, &written_); }
  void close_file(OutFile& f) {
    truth_.bytes += f.close();
    truth_.files += 1;
  }
  void write_line(OutFile& f, std::string_view line, LineKind kind) {
    f.write(line);
    f.write("\n");
    truth_.lines += 1;
    if (kind == LineKind::kUsage) truth_.usage_lines += 1;
    if (kind == LineKind::kMalformed) truth_.malformed_lines += 1;
  }
  // A file written in one piece (tool-results .txt, .meta.json).
  void write_whole_file(const fs::path& p, std::string_view text) {
    OutFile f;
    open_file(f, p);
    f.write(text);
    close_file(f);
  }
  void emit(Chain& c, std::string_view line, LineKind kind) {
    if (c.out == nullptr) return;
    const bool tee_now = c.tee != nullptr && c.out->bytes() < c.tee_limit;
    write_line(*c.out, line, kind);
    if (tee_now) {
      write_line(*c.tee, line, kind);
      tee_last_uuid_ = c.last_uuid;
      tee_end_ms_ = c.now;
    }
  }

  // --- truth bookkeeping (truth.cpp)
  void record(const std::string& id, const std::string& rid, bool sidechain, int64_t ts,
              const std::string& model, const Usage& u);
  uint16_t intern_model(const std::string& m);
  void add_patch_truth(const Session& s, const std::string& abs, int64_t added, int64_t removed);
  void total_by_day_model();

  // --- ids and text (text.cpp)
  std::string uuid();
  std::string b62(std::string prefix, int n);
  std::string hex(int n);
  std::string canary() {
    if (opts_.canary.empty()) return {};
    return opts_.canary + "-" + itos(++canary_n_);
  }
  void canary_esc(std::string& o) {  // appends " <canary>-<n>" (escaped) when enabled
    if (opts_.canary.empty()) return;
    o += ' ';
    o += canary_esc_;
    o += '-';
    append_int(o, ++canary_n_);
  }
  // The JSON string value of text, the canary (when enabled) and tail.
  std::string json_string_with_canary(std::string_view text, std::string_view tail = {}) {
    std::string o = "\"";
    escape_into(o, text);
    canary_esc(o);
    escape_into(o, tail);
    o += '"';
    return o;
  }
  std::string sentence(int min_words, int max_words);
  std::string prose(int min_sent, int max_sent, bool non_ascii, bool markdown);
  std::string with_canary(std::string s) {
    if (!opts_.canary.empty()) {
      s += ' ';
      s += canary();
    }
    return s;
  }
  void build_code_pool();
  // file content helpers (escaped output)
  void content_esc(std::string& o, uint64_t seed, int64_t start, int64_t n, bool numbered);
  // lines [start, start+n) of the file identified by seed as one JSON string value
  void content_string(Json& j, uint64_t seed, int64_t start, int64_t n) {
    j.str_begin();
    content_esc(j.out(), seed, start, n, false);
    j.str_end();
  }

  // --- time
  void tick(Chain& c, int64_t lo, int64_t hi) { c.now += rng_.range(lo, hi); }
  void day_guard(Chain& c) {
    const int64_t tod = c.now % kDayMs;
    if (tod > kDayMs - 180'000) c.now += (kDayMs - tod) + rng_.range(500, 20'000);
  }

  // --- envelope and generic lines (lines.cpp)
  void envelope(Json& j, const Chain& c);
  // the envelope's fields after parentUuid (compact_boundary writes its own parent fields)
  void envelope_after_parent(Json& j, const Chain& c);
  // Opens a transcript line of chain c: the envelope, then "type".
  void open_line(Json& j, const Chain& c, const char* type);
  // Cuts a line short (a torn write): keeps between size/min_div and size-2 bytes.
  void truncate_torn(std::string& line, int64_t min_div) {
    line.resize(static_cast<size_t>(rng_.range(static_cast<int64_t>(line.size()) / min_div,
                                               static_cast<int64_t>(line.size()) - 2)));
  }
  // The agent_progress line that mirrors a line of subagent chain c into c.parent: open writes
  // up to data.message (the caller writes its members and closes it), close writes the rest up
  // to the uuid and returns it (the caller writes the timestamp and closes the line).
  void mirror_open(Json& pj, const Chain& c);
  std::string mirror_close(Json& pj, const Chain& c);
  void hook_line(Chain& c, const std::string& event, const std::string& name,
                 const std::string& tool_use_id, bool tear, bool no_ts);
  void system_line(Chain& c, const char* subtype, int64_t duration_ms, bool invalid_json);
  void file_history_line(Chain& c, const std::string& message_id, bool update);
  void user_prompt_line(Chain& c, const std::string& text, bool bad_utf8);
  void summary_line(Chain& c);
  void queue_lines(Chain& c);
  void last_prompt_line(Chain& c, const std::string& text);

  // --- requests (assistant_lines.cpp)
  Req start_request(Session* s, Chain& c, Ctx& x, Model m, int64_t output, const VerInfo& v,
                    bool sidechain_sub);
  void usage_json(std::string& o, const Req& r, bool final_shape, int64_t out);
  // writes one assistant line carrying `block_json`; returns the line uuid
  std::string assistant_line(Chain& c, const Req& r, const std::string& block_json, bool last,
                             bool tear, bool mirror);
  void synthetic_line(Chain& c);
  std::string tool_use_block(const std::string& id, const std::string& name,
                             const std::string& input_json);
  std::string text_block(const std::string& text);
  std::string thinking_block();

  // --- tool choice (tool_choice.cpp)
  Tool pick_tool(Session& s, Feat& feat);
  void prepare_tool(Session& s, ToolRun& t, bool subagent);
  // tool_name(), or a random MCP tool
  std::string tool_use_name(Tool t);
  // --- file tools (file_tools.cpp)
  void prep_read(Session& s, ToolRun& t, bool subagent, bool big);
  void prep_edit(Session& s, ToolRun& t, Feat f);
  void prep_write(Session& s, ToolRun& t, bool create);
  void prep_multiedit(Session& s, ToolRun& t);
  std::string patch_json(int hunks, int64_t file_lines, uint64_t seed, int64_t& added,
                         int64_t& removed);
  void patch_line(Json& j, char tag, uint64_t line_hash);
  // --- Bash (shell_tool.cpp)
  void prep_bash(Session& s, ToolRun& t, Feat f, bool subagent);
  // --- Grep, Glob, MCP, WebSearch (lookup_tools.cpp)
  void prep_grep(Session& s, ToolRun& t);
  void prep_glob(Session& s, ToolRun& t);
  void prep_mcp(ToolRun& t);
  void prep_websearch(ToolRun& t);
  // --- tool results (tool_result.cpp)
  // writes the user tool_result line (+ hooks, bash progress, progress mirror)
  void tool_result_line(Session* s, Chain& c, ToolRun& t, const std::string& assistant_uuid,
                        bool mirror);

  // --- subagents (subagents.cpp)
  void prep_spawn(Session& s, ToolRun& t, Feat f);
  void run_spawn(Session& s, Chain& c, Ctx& x, ToolRun& t, const std::string& task_msg_id,
                 const std::string& assistant_uuid);
  SubResult run_subagent(Session& s, Chain& parent, SubKind kind, Model m,
                         const std::string& prompt, const std::string& agent_type,
                         const std::string& desc, const std::string& task_tool_id,
                         const std::string& task_msg_id, const fs::path& file_override);
  void subagent_prompt_line(Chain& c, const std::string& prompt);
  void ensure_subagents_dir(Session& s);

  // --- side chains of a session (side_chains.cpp)
  void compact(Session& s);
  void btw_replay(Session& s);
  void workflow(Session& s);

  // --- session flow (session_flow.cpp)
  void run_session(Session& s);
  void run_turn(Session& s);
  void main_request(Session& s, bool answer);
  bool take(Session& s, Feat f) {
    auto it = std::find(s.forced.begin(), s.forced.end(), f);
    if (it == s.forced.end()) return false;
    s.forced.erase(it);
    return true;
  }
  bool bad(Session& s, Feat f, uint64_t one_in) {
    if (!opts_.include_bad_lines) return false;
    if (take(s, f)) return true;
    return rng_.chance(1, one_in);
  }

  // --- projects, sessions and the whole run (generator.cpp)
  void setup_projects();
  std::unique_ptr<Session> make_session(int index, Project* p, const VerInfo* v, Model m);
  void force_shapes(int index, Session& s);
  std::string abs_path(const Session& s, const FileEntry& f) const {
    return s.proj->cwd + "/" + f.rel;
  }
  FileEntry& pick_file(Session& s) {
    auto& files = s.proj->files;
    // skew towards the first files (hot files)
    const auto n = static_cast<int64_t>(files.size());
    const int64_t i =
        rng_.chance(1, 2) ? rng_.range(0, std::min<int64_t>(n - 1, 7)) : rng_.range(0, n - 1);
    return files[static_cast<size_t>(i)];
  }

  const CorpusOptions& opts_;
  Rng rng_;
  CorpusTruth truth_;
  int64_t written_ = 0;
  int64_t canary_n_ = 0;
  std::string canary_esc_;
  std::vector<std::string> pool_raw_, pool_esc_;
  std::vector<Project> projects_;
  fs::path projects_root_;
  int64_t base_budget_ = 0;
  std::string tee_last_uuid_;
  int64_t tee_end_ms_ = 0;
  std::unordered_map<std::string, Cand> cands_;
  std::unordered_map<std::string, std::string> id_key_;
  std::vector<std::string> models_;
};

}  // namespace codepulse::bench::corpus
