#include "tests/corpus/generator.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace codepulse::bench {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kStdLimit = 200'000;  // max input+cache_create+cache_read without long context
constexpr int64_t kLongLimit = 600'000;

// ---------------------------------------------------------------------------------------------
// Deterministic random numbers (xoshiro256**, seeded with splitmix64). Integer-only helpers so
// the output does not depend on floating-point library details.

uint64_t splitmix64(uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t hash2(uint64_t a, uint64_t b) {
  uint64_t s = a ^ (b * 0xD1B54A32D192ED03ULL);
  return splitmix64(s);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t s = seed;
    for (auto& w : s_)
      w = splitmix64(s);
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
  int64_t range(int64_t lo, int64_t hi) {  // inclusive
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // true with probability num/den
  bool chance(uint64_t num, uint64_t den) { return below(den) < num; }
  // roughly log-uniform in [lo, hi]
  int64_t log_range(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    int steps = 0;
    while ((lo << (steps + 1)) <= hi && steps < 40)
      ++steps;
    int64_t base = lo << range(0, steps);
    return std::min(hi, base + range(0, base));
  }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }
  template <class T, size_t N>
  const T& pick(const std::array<T, N>& v) {
    return v[below(N)];
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> s_{};
};

// ---------------------------------------------------------------------------------------------
// String helpers

void append_int(std::string& o, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  o.append(buf, r.ptr);
}

std::string itos(int64_t v) {
  std::string s;
  append_int(s, v);
  return s;
}

// JSON string escaping as JSON.stringify does it (non-ASCII bytes pass through unchanged).
void escape_into(std::string& o, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    o.append(s.data() + start, i - start);
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      case '\t':
        o += "\\t";
        break;
      case '\r':
        o += "\\r";
        break;
      default:
        o += "\\u00";
        o += kHex[c >> 4];
        o += kHex[c & 15];
        break;
    }
    start = i + 1;
  }
  o.append(s.data() + start, s.size() - start);
}

std::string escaped(std::string_view s) {
  std::string o;
  o.reserve(s.size() + 16);
  escape_into(o, s);
  return o;
}

// civil_from_days (H. Hinnant), days since 1970-01-01 -> y/m/d
void civil(int64_t days, int64_t& y, unsigned& m, unsigned& d) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

void append_2(std::string& o, unsigned v) {
  o += static_cast<char>('0' + v / 10);
  o += static_cast<char>('0' + v % 10);
}

void append_day(std::string& o, int64_t ms) {
  int64_t y = 0;
  unsigned m = 0, d = 0;
  civil(ms / kDayMs, y, m, d);
  append_int(o, y);
  o += '-';
  append_2(o, m);
  o += '-';
  append_2(o, d);
}

// "2026-02-12T16:05:13.088Z"
void append_ts(std::string& o, int64_t ms) {
  append_day(o, ms);
  const int64_t in_day = ms % kDayMs;
  const auto secs = static_cast<unsigned>(in_day / 1000);
  const auto millis = static_cast<unsigned>(in_day % 1000);
  o += 'T';
  append_2(o, secs / 3600);
  o += ':';
  append_2(o, (secs / 60) % 60);
  o += ':';
  append_2(o, secs % 60);
  o += '.';
  o += static_cast<char>('0' + millis / 100);
  append_2(o, millis % 100);
  o += 'Z';
}

// ---------------------------------------------------------------------------------------------
// Minimal streaming JSON writer; keys are written verbatim (they are ASCII identifiers).

class Json {
 public:
  explicit Json(std::string& out) : o_(out) {}
  Json& obj() {
    prefix();
    o_ += '{';
    stack_.push_back('}');
    first_.push_back(true);
    return *this;
  }
  Json& arr() {
    prefix();
    o_ += '[';
    stack_.push_back(']');
    first_.push_back(true);
    return *this;
  }
  Json& end() {
    o_ += stack_.back();
    stack_.pop_back();
    first_.pop_back();
    return *this;
  }
  Json& k(std::string_view key) {
    sep();
    o_ += '"';
    o_.append(key);
    o_ += "\":";
    after_key_ = true;
    return *this;
  }
  Json& s(std::string_view v) {
    prefix();
    o_ += '"';
    escape_into(o_, v);
    o_ += '"';
    return *this;
  }
  Json& esc(std::string_view already_escaped) {
    prefix();
    o_ += '"';
    o_.append(already_escaped);
    o_ += '"';
    return *this;
  }
  Json& n(int64_t v) {
    prefix();
    append_int(o_, v);
    return *this;
  }
  Json& b(bool v) {
    prefix();
    o_ += v ? "true" : "false";
    return *this;
  }
  Json& null() {
    prefix();
    o_ += "null";
    return *this;
  }
  Json& raw(std::string_view json) {
    prefix();
    o_.append(json);
    return *this;
  }
  Json& ts(int64_t ms) {
    prefix();
    o_ += '"';
    append_ts(o_, ms);
    o_ += '"';
    return *this;
  }
  // Opens a string value; append escaped text to out() and call str_end().
  Json& str_begin() {
    prefix();
    o_ += '"';
    return *this;
  }
  Json& str_end() {
    o_ += '"';
    return *this;
  }
  std::string& out() { return o_; }

 private:
  void sep() {
    if (!first_.empty()) {
      if (!first_.back()) o_ += ',';
      first_.back() = false;
    }
  }
  void prefix() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    sep();
  }
  std::string& o_;
  std::vector<char> stack_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

// ---------------------------------------------------------------------------------------------
// Buffered output file that keeps running byte counts.

class OutFile {
 public:
  OutFile() = default;
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;
  ~OutFile() {
    if (f_ != nullptr) std::fclose(f_);
  }
  void open(const fs::path& p, int64_t* global_bytes) {
    path_ = p;
    global_ = global_bytes;
    f_ = std::fopen(p.c_str(), "wb");
    if (f_ == nullptr) {
      throw std::runtime_error("cannot create " + p.string() + ": " + std::strerror(errno));
    }
    buf_.reserve(kBuf);
  }
  bool is_open() const { return f_ != nullptr; }
  void write(std::string_view s) {
    bytes_ += static_cast<int64_t>(s.size());
    *global_ += static_cast<int64_t>(s.size());
    if (buf_.size() + s.size() > kBuf) {
      flush();
      if (s.size() >= kBuf) {
        put(s.data(), s.size());
        return;
      }
    }
    buf_.append(s);
  }
  int64_t bytes() const { return bytes_; }
  // Returns the number of bytes written.
  int64_t close() {
    flush();
    if (std::fclose(f_) != 0) {
      f_ = nullptr;
      throw std::runtime_error("cannot write " + path_.string() + ": " + std::strerror(errno));
    }
    f_ = nullptr;
    std::string().swap(buf_);
    return bytes_;
  }

 private:
  static constexpr size_t kBuf = 1 << 20;
  void flush() {
    if (!buf_.empty()) put(buf_.data(), buf_.size());
    buf_.clear();
  }
  void put(const char* p, size_t n) {
    if (std::fwrite(p, 1, n, f_) != n) {
      throw std::runtime_error("cannot write " + path_.string() + ": " + std::strerror(errno));
    }
  }
  std::FILE* f_ = nullptr;
  std::string buf_;
  int64_t bytes_ = 0;
  int64_t* global_ = nullptr;
  fs::path path_;
};

// ---------------------------------------------------------------------------------------------
// Static vocabulary

const std::vector<std::string> kWords = {
    "parser",    "buffer",   "session", "request",    "cache",     "token",    "config",
    "handler",   "module",   "test",    "fixture",    "schema",    "index",    "query",
    "worker",    "thread",   "queue",   "stream",     "offset",    "ledger",   "daemon",
    "collector", "tracker",  "metric",  "latency",    "timeout",   "retry",    "backoff",
    "endpoint",  "payload",  "header",  "checksum",   "snapshot",  "rollback", "migration",
    "the",       "a",        "and",     "then",       "with",      "from",     "into",
    "should",    "we",       "it",      "this",       "that",      "now",      "first",
    "update",    "refactor", "extract", "inline",     "rename",    "verify",   "check",
    "read",      "write",    "merge",   "split",      "compute",   "render",   "load",
    "file",      "function", "struct",  "field",      "value",     "result",   "error",
    "path",      "line",     "column",  "branch",     "commit",    "build",    "linker",
    "compiler",  "warning",  "failing", "passing",    "green",     "flaky",    "slow",
    "fast",      "small",    "large",   "missing",    "duplicate", "stale",    "fresh",
    "because",   "so",       "but",     "also",       "still",     "only",     "every",
    "component", "view",     "layout",  "transcript", "project",   "usage",    "model",
    "price",     "cost",     "daily",   "report",     "summary",   "window",   "limit"};

const std::vector<std::string> kNonAscii = {"🚀 ship it",
                                            "修复登录错误",
                                            "日本語のテキストを確認",
                                            "שלום עולם",
                                            "مرحبا بالعالم",
                                            "Ωμέγα café naïve",
                                            "한국어 지원 추가",
                                            "✅ tests pass 🎉",
                                            "Привет, мир",
                                            "emoji 😀👍🏽 in code",
                                            "עברית and English",
                                            "数据库迁移完成",
                                            "¿qué pasó? ñandú",
                                            "🐛🔥 regression",
                                            "नमस्ते दुनिया"};

const std::vector<std::string> kHookCommands = {
    "${CLAUDE_PLUGIN_ROOT}/scripts/tool-call-capture.sh",
    "cd ${CLAUDE_PLUGIN_ROOT}/hooks && bun run ./guardian.ts",
    "${CLAUDE_PLUGIN_ROOT}/scripts/pre-commit.sh", "/home/dev/.claude/hooks/format-on-save.sh",
    "/home/dev/.claude/hooks/tmux-waiting.sh clear"};

const std::vector<std::string> kMcpTools = {
    "mcp__github__get_issue", "mcp__github__search_code", "mcp__linear__list_issues",
    "mcp__plugin_showcase_example__inspect_repository_structure", "mcp__sentry__get_event"};

const std::vector<std::string> kSkills = {"elixir:hex-docs-search", "frontend:design-review",
                                          "release-notes", "pdf", "security-review"};

struct ProjectTemplate {
  const char* cwd;
  const char* branch;
  const char* ext;
};

const std::vector<ProjectTemplate> kProjects = {
    {"/home/dev/src/codepulse", "main", "cpp"},
    {"/home/dev/work/my_app.v2", "develop", "py"},
    {"/Users/alice/Projects/web-frontend", "main", "ts"},
    {"/home/dev/src/spotter-worktrees/spotter-dov", "spotter-dov", "ex"},
    {"/home/dev/src/café-tracker", "master", "go"},
    {"/srv/build/infra_tools", "", "py"},
    {"/home/dev/src/api-gateway", "feature/rate-limit", "rs"},
    {"/home/dev/src/ml_pipeline", "main", "py"},
};

const std::vector<std::string> kModuleNames = {
    "parser", "session_store", "http_client", "config", "ledger",   "scanner",  "pricing",
    "report", "cli",           "metrics",     "worker", "util",     "schema",   "cache",
    "auth",   "router",        "format",      "queue",  "snapshot", "exporter", "limits"};

enum class Model : uint8_t { Opus46, Sonnet45, Sonnet46, Opus41, Haiku45 };

const char* model_name(Model m) {
  switch (m) {
    case Model::Opus46:
      return "claude-opus-4-6";
    case Model::Sonnet45:
      return "claude-sonnet-4-5-20250929";
    case Model::Sonnet46:
      return "claude-sonnet-4-6";
    case Model::Opus41:
      return "claude-opus-4-1-20250805";
    case Model::Haiku45:
      return "claude-haiku-4-5-20251001";
  }
  return "claude-opus-4-6";
}

// Claude Code version behaviour
struct VerInfo {
  const char* str;
  bool nested;           // subagents in <session>/subagents/ (2.1.x) vs flat (2.0.x)
  bool final_sometimes;  // last line of a request sometimes carries the final output count
  bool all_final;        // every line carries the final usage (>= 2.1.97)
  bool request_id;       // lines carry a top-level requestId
};

const VerInfo kV2076{"2.0.76", false, true, false, true};
const VerInfo kV2138{"2.1.38", true, true, false, true};
const VerInfo kV2139{"2.1.39", true, true, false, true};
const VerInfo kV2163{"2.1.63", true, true, false, false};
const VerInfo kV21112{"2.1.112", true, false, true, true};

// ---------------------------------------------------------------------------------------------
// Generator state

struct FileEntry {
  std::string rel;
  int64_t lines;
  uint64_t seed;
};

struct Project {
  std::string cwd;
  std::string short_name;
  std::string ext;
  std::string branch;
  fs::path dir;
  std::vector<FileEntry> files;
};

enum class LineKind { kNormal, kUsage, kMalformed };

// One stream of transcript lines (a session file or a subagent file) and its envelope.
struct Chain {
  OutFile* out = nullptr;  // null: the stream has no file (progress-only subagent)
  OutFile* tee = nullptr;  // resumed copy of the prefix
  int64_t tee_limit = 0;
  std::string cwd, session_id, version, branch, slug, agent_id;
  bool sidechain = false;
  bool slug_on = false;
  std::string last_uuid;
  int64_t now = 0;
  // agent_progress mirroring into the parent chain
  Chain* parent = nullptr;
  std::string mirror_tool_use_id;
  std::string mirror_parent_tool_use_id;
  std::string mirror_prompt;
};

// Token context of one conversation.
struct Ctx {
  int64_t ctx = 0;      // tokens already cached
  int64_t pending = 0;  // new tokens since the last request
  int64_t limit = kStdLimit;
};

struct Usage {
  int64_t in = 0, cc5 = 0, cc1h = 0, cr = 0, out = 0, ws = 0;
  int64_t cc() const { return cc5 + cc1h; }
  int64_t total() const { return in + cc() + cr + out; }
};

struct Req {
  std::string model, id, rid;  // rid empty: no requestId
  Usage u;                     // final usage (u.out = final output count)
  int64_t out_ph = 1;          // placeholder output count
  bool has_final = false;      // the last line carries the final count
  bool all_final = false;      // every line carries the final count
  bool cc_zero_bug = false;
  const char* geo = "global";
  int blocks = 0;
};

enum class Tool {
  kRead,
  kBash,
  kEdit,
  kGrep,
  kGlob,
  kWrite,
  kMultiEdit,
  kTask,
  kSkill,
  kMcp,
  kWebSearch
};

// Forced features make sure small corpora contain every shape.
enum class Feat {
  kNone,
  kTaskNested,
  kTaskProgressOnly,
  kTaskFlat,
  kSkillFork,
  kEdit,
  kEditOutside,
  kEditPrefixTrap,
  kEditError,
  kWriteCreate,
  kWriteUpdate,
  kMultiEdit,
  kCommit,
  kCommitFail,
  kGitLog,
  kBigBash,
  kBigRead,
  kGrep,
  kGlob,
  kMcp,
  kWebSearch,
  kSynthetic,
  kTornHook,
  kTornAssistant,
  kTornOnlyLine,
  kInvalidJson,
  kInvalidUtf8,
  kNoTimestamp,
  kNoFinal,
};

struct Session {
  Project* proj = nullptr;
  const VerInfo* ver = nullptr;
  Model model = Model::Opus46;
  bool thinking = true;
  int ttl = 0;  // 0: 5m writes, 1: 1h writes, 2: mixed
  bool long_ctx = false;
  bool cc_zero_bug = false;
  Ctx x;
  int64_t budget_end = 0;
  int64_t max_read_bytes = 0;
  fs::path dir;  // <project>/<session id>/
  bool subagents_dir_made = false;
  std::vector<Feat> forced;
  Chain main;
  OutFile file;
  int bash_progress_n = 0;
  int hooks_pre = 0, hooks_post = 0;  // configured hook commands per tool call
  bool want_btw = false, want_journal = false, want_compact = false, want_last_prompt = false;
  bool summary_first = false;
  // last main request that was recorded, for the /btw replay
  Req last_req;
  bool have_last_req = false;
  bool compacted = false;
};

struct Cand {
  Usage u;
  int64_t ts = 0;
  uint16_t model = 0;
  bool sidechain = false;
};

struct SubResult {
  std::string agent_id;
  Usage last;
  int64_t total_tokens = 0;
  int tool_uses = 0;
  int64_t duration_ms = 0;
  std::string report;
};

enum class SubKind { kNestedMirror, kProgressOnly, kFlat, kWorkflow };

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
  void record(const std::string& id, const std::string& rid, bool sidechain, int64_t ts,
              const std::string& model, const Usage& u);
  uint16_t intern_model(const std::string& m);
  void add_patch_truth(const Session& s, const std::string& abs, int64_t added, int64_t removed);

  // --- ids and text
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

  // --- time
  void tick(Chain& c, int64_t lo, int64_t hi) { c.now += rng_.range(lo, hi); }
  void day_guard(Chain& c) {
    const int64_t tod = c.now % kDayMs;
    if (tod > kDayMs - 180'000) c.now += (kDayMs - tod) + rng_.range(500, 20'000);
  }

  // --- envelope and generic lines
  void envelope(Json& j, Chain& c);
  void hook_line(Chain& c, const std::string& event, const std::string& name,
                 const std::string& tool_use_id, bool tear, bool no_ts);
  void system_line(Chain& c, const char* subtype, int64_t duration_ms, bool invalid_json);
  void file_history_line(Chain& c, const std::string& message_id, bool update);
  void user_prompt_line(Chain& c, const std::string& text, bool bad_utf8);
  void summary_line(Chain& c);
  void queue_lines(Chain& c);
  void last_prompt_line(Chain& c, const std::string& text);

  // --- requests
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

  // --- tools
  struct ToolRun {
    Tool tool = Tool::kRead;
    Feat feat = Feat::kNone;
    std::string id, input;
    // prepared result
    std::string content_json;  // JSON value of tool_result.content
    std::string tur_json;      // JSON value of toolUseResult, empty: none
    bool is_error = false;
    bool has_is_error_field = false;
    int64_t result_tokens = 0;
    // effects applied once the result line is written
    std::string patch_abs;
    int64_t added = 0, removed = 0;
    std::string commit_sha;
    std::string big_output;  // goes to tool-results/<id>.txt
    int bash_progress = 0;
    // subagent spawns
    SubKind sub_kind = SubKind::kNestedMirror;
    Model sub_model = Model::Haiku45;
    std::string sub_prompt, sub_desc, sub_type;
  };
  Tool pick_tool(Session& s, Feat& feat, bool& special_only);
  void prepare_tool(Session& s, ToolRun& t, bool subagent);
  void prep_read(Session& s, ToolRun& t, bool subagent, bool big);
  void prep_edit(Session& s, ToolRun& t, Feat f);
  void prep_write(Session& s, ToolRun& t, bool create);
  void prep_multiedit(Session& s, ToolRun& t);
  void prep_bash(Session& s, ToolRun& t, Feat f, bool subagent);
  void prep_grep(Session& s, ToolRun& t);
  void prep_glob(Session& s, ToolRun& t);
  void prep_mcp(ToolRun& t);
  void prep_websearch(ToolRun& t);
  void prep_spawn(Session& s, ToolRun& t, Feat f);
  std::string patch_json(int hunks, int64_t file_lines, uint64_t seed, int64_t& added,
                         int64_t& removed);
  // writes the user tool_result line (+ hooks); returns the result tokens
  void tool_result_line(Session* s, Chain& c, ToolRun& t, const std::string& assistant_uuid,
                        bool mirror);
  void run_spawn(Session& s, Chain& c, Ctx& x, ToolRun& t, const std::string& task_msg_id,
                 const std::string& assistant_uuid);
  SubResult run_subagent(Session& s, Chain& parent, SubKind kind, Model m,
                         const std::string& prompt, const std::string& agent_type,
                         const std::string& desc, const std::string& task_tool_id,
                         const std::string& task_msg_id, const fs::path& file_override);

  // --- session structure
  void run_session(Session& s);
  void run_turn(Session& s);
  void main_request(Session& s, bool answer);
  void compact(Session& s);
  void btw_replay(Session& s);
  void workflow(Session& s);
  void ensure_subagents_dir(Session& s);
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
  void setup_projects();
  std::unique_ptr<Session> make_session(int index, Project* p, const VerInfo* v, Model m);
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

// ---------------------------------------------------------------------------------------------
// Truth bookkeeping

uint16_t Gen::intern_model(const std::string& m) {
  for (size_t i = 0; i < models_.size(); ++i) {
    if (models_[i] == m) return static_cast<uint16_t>(i);
  }
  models_.push_back(m);
  return static_cast<uint16_t>(models_.size() - 1);
}

void Gen::record(const std::string& id, const std::string& rid, bool sidechain, int64_t ts,
                 const std::string& model, const Usage& u) {
  Cand c{u, ts, intern_model(model), sidechain};
  std::string key = id;
  key += '\x1f';
  key += rid;
  auto it = cands_.find(key);
  if (it != cands_.end()) {
    Cand& ex = it->second;
    const int64_t te = ex.u.total(), tc = c.u.total();
    // The corpus keeps copies that differ in sidechain flag identical, and all lines of a request
    // on one UTC day, so that first-wins/sidechain-first (ccusage) and this rule agree.
    if (ex.sidechain != c.sidechain && te != tc) {
      throw std::logic_error("corpus generator: sidechain copy with different usage");
    }
    if (tc == te && ex.ts / kDayMs != c.ts / kDayMs) {
      throw std::logic_error("corpus generator: request lines span two UTC days");
    }
    if (tc >= te) ex = c;
    return;
  }
  auto jt = id_key_.find(id);
  if (jt != id_key_.end()) {
    Cand& ex = cands_.at(jt->second);
    if (ex.sidechain == c.sidechain) {
      throw std::logic_error("corpus generator: message id reused with a new requestId");
    }
    if (!c.sidechain) {  // the non-sidechain record replaces a sidechain replay
      cands_.erase(jt->second);
      cands_.emplace(key, c);
      jt->second = key;
    }
    return;
  }
  cands_.emplace(key, c);
  id_key_.emplace(id, std::move(key));
}

void Gen::add_patch_truth(const Session& s, const std::string& abs, int64_t added,
                          int64_t removed) {
  const std::string& cwd = s.proj->cwd;
  if (abs.size() <= cwd.size() + 1 || abs.compare(0, cwd.size(), cwd) != 0 ||
      abs[cwd.size()] != '/') {
    return;  // outside the repository
  }
  if (added == 0 && removed == 0) return;
  auto& e = truth_.lines_by_file[abs.substr(cwd.size() + 1)];
  e.first += added;
  e.second += removed;
}

// ---------------------------------------------------------------------------------------------
// Ids and text

std::string Gen::uuid() {
  static constexpr char kHex[] = "0123456789abcdef";
  const uint64_t a = rng_.next(), b = rng_.next();
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 32; ++i) {
    uint64_t nib = (i < 16 ? (a >> (i * 4)) : (b >> ((i - 16) * 4))) & 15;
    if (i == 12) nib = 4;
    if (i == 16) nib = 8 | (nib & 3);
    if (i == 8 || i == 12 || i == 16 || i == 20) s += '-';
    s += kHex[nib];
  }
  return s;
}

std::string Gen::b62(std::string prefix, int n) {
  static constexpr char kAlpha[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  for (int i = 0; i < n; ++i)
    prefix += kAlpha[rng_.below(62)];
  return prefix;
}

std::string Gen::hex(int n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i)
    s += kHex[rng_.below(16)];
  return s;
}

std::string Gen::sentence(int min_words, int max_words) {
  const int64_t n = rng_.range(min_words, max_words);
  std::string s;
  for (int64_t i = 0; i < n; ++i) {
    const std::string& w = rng_.pick(kWords);
    if (i == 0) {
      s += static_cast<char>(w[0] >= 'a' && w[0] <= 'z' ? w[0] - 32 : w[0]);
      s.append(w, 1);
    } else {
      s += ' ';
      s += w;
    }
  }
  s += rng_.chance(1, 8) ? "?" : ".";
  return s;
}

std::string Gen::prose(int min_sent, int max_sent, bool non_ascii, bool markdown) {
  const int64_t n = rng_.range(min_sent, max_sent);
  std::string s;
  for (int64_t i = 0; i < n; ++i) {
    if (i > 0) s += (markdown && rng_.chance(1, 3)) ? "\n\n- " : " ";
    s += sentence(4, 18);
    if (non_ascii && rng_.chance(1, 6)) {
      s += ' ';
      s += rng_.pick(kNonAscii);
    }
    if (markdown && rng_.chance(1, 10)) {
      s += "\n\n```\n";
      s += pool_raw_[rng_.below(pool_raw_.size())];
      s += "\n```\n";
    }
  }
  return with_canary(std::move(s));
}

void Gen::build_code_pool() {
  static const std::array<const char*, 16> kIds = {
      "value", "count", "buffer", "offset", "result",  "items", "cfg",   "session",
      "token", "index", "path",   "entry",  "request", "resp",  "cache", "state"};
  static const std::array<const char*, 12> kFns = {
      "compute",   "parse_line", "flush", "load_config", "emit",   "lookup",
      "normalize", "hash_key",   "merge", "validate",    "render", "dispatch"};
  static const std::array<const char*, 5> kIndent = {"", "  ", "    ", "      ", "\t"};
  Rng r(opts_.seed * 7919 + 17);
  pool_raw_.reserve(2048);
  for (int i = 0; i < 2048; ++i) {
    std::string ind = kIndent[r.below(kIndent.size())];
    const std::string id = kIds[r.below(kIds.size())];
    const std::string id2 = kIds[r.below(kIds.size())];
    const std::string fn = kFns[r.below(kFns.size())];
    const std::string num = itos(r.range(0, 4096));
    std::string line;
    switch (r.below(18)) {
      case 0:
        line = ind + "const auto " + id + " = " + fn + "(" + id2 + ", " + num + ");";
        break;
      case 1:
        line = ind + "if (" + id + " > " + num + ") {";
        break;
      case 2:
        line = ind + "return " + id + ";";
        break;
      case 3:
        line = ind + "}";
        break;
      case 4:
        line = ind + "// " + sentence(3, 9);
        break;
      case 5:
        line = ind + "def " + fn + "(self, " + id + "):";
        break;
      case 6:
        line = ind + id + " = " + fn + "(\"" + kWords[r.below(kWords.size())] + "\")";
        break;
      case 7:
        line = ind + "printf(\"%d\\n\", " + id + ");";
        break;
      case 8:
        line = ind + "--" + id + ";";
        break;
      case 9:
        line = ind + "++" + id + ";";
        break;
      case 10:
        line.clear();
        break;
      case 11:
        line = ind + id + ": " + num + ",";
        break;
      case 12:
        line = ind + "# TODO: " + kNonAscii[r.below(kNonAscii.size())];
        break;
      case 13:
        line = ind + "for (size_t i = 0; i < " + id + ".size(); ++i) {";
        break;
      case 14:
        line = ind + "let " + id + " = " + id2 + ".iter().map(|x| x * " + num + ").collect();";
        break;
      case 15:
        line = ind + "log.info(\"" + fn + " done in %s ms\", " + id + ")";
        break;
      case 16:
        line = ind + "-" + num + " + " + id + " // sign first";
        break;
      default:
        line = ind + id + "." + fn + "(" + id2 + ")";
        break;
    }
    pool_raw_.push_back(line);
    pool_esc_.push_back(escaped(line));
  }
}

// Appends escaped file content for lines [start, start+n) of the file identified by seed.
// numbered: the Read tool_result form ("     1→text").
void Gen::content_esc(std::string& o, uint64_t seed, int64_t start, int64_t n, bool numbered) {
  char num[32];
  for (int64_t i = 0; i < n; ++i) {
    const int64_t line_no = start + i;
    if (numbered) {
      const int len = std::snprintf(num, sizeof(num), "%6lld", static_cast<long long>(line_no));
      o.append(num, static_cast<size_t>(len));
      o += "\xE2\x86\x92";  // →
    }
    if (i == 0 && !opts_.canary.empty()) {
      o += "//";
      canary_esc(o);
    } else {
      o += pool_esc_[hash2(seed, static_cast<uint64_t>(line_no)) % pool_esc_.size()];
    }
    if (i + 1 < n) o += "\\n";
  }
}

// ---------------------------------------------------------------------------------------------
// Generic lines

void Gen::envelope(Json& j, Chain& c) {
  j.k("parentUuid");
  if (c.last_uuid.empty()) {
    j.null();
  } else {
    j.s(c.last_uuid);
  }
  j.k("isSidechain").b(c.sidechain);
  j.k("userType").s("external");
  j.k("cwd").s(c.cwd);
  j.k("sessionId").s(c.session_id);
  j.k("version").s(c.version);
  j.k("gitBranch").s(c.branch);
  if (!c.agent_id.empty()) j.k("agentId").s(c.agent_id);
  if (c.slug_on && !c.slug.empty()) j.k("slug").s(c.slug);
}

void Gen::hook_line(Chain& c, const std::string& event, const std::string& name,
                    const std::string& tool_use_id, bool tear, bool no_ts) {
  tick(c, 1, 40);
  std::string line;
  line.reserve(700);
  Json j(line);
  j.obj();
  envelope(j, c);
  j.k("type").s("progress");
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
    line.resize(static_cast<size_t>(
        rng_.range(static_cast<int64_t>(line.size() / 4), static_cast<int64_t>(line.size()) - 2)));
    emit(c, line, LineKind::kMalformed);
  } else {
    emit(c, line, LineKind::kNormal);
  }
}

void Gen::system_line(Chain& c, const char* subtype, int64_t duration_ms, bool invalid_json) {
  tick(c, 5, 200);
  std::string line;
  Json j(line);
  j.obj();
  envelope(j, c);
  j.k("type").s("system");
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
  j.obj();
  envelope(j, c);
  j.k("type").s("user");
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

// ---------------------------------------------------------------------------------------------
// Assistant lines

Req Gen::start_request(Session* s, Chain& c, Ctx& x, Model m, int64_t output, const VerInfo& v,
                       bool sidechain_sub) {
  day_guard(c);
  Req r;
  r.model = model_name(m);
  r.id = b62("msg_01", 22);
  if (v.request_id) r.rid = b62("req_011C", 20);
  r.u.in = rng_.chance(9, 10) ? rng_.range(1, 3) : rng_.range(4, 2500);
  int64_t cc = std::max<int64_t>(x.pending, rng_.range(40, 400));
  r.u.cr = x.ctx;
  if (r.u.in + cc + r.u.cr > x.limit) {
    cc = std::max<int64_t>(0, x.limit - r.u.in - r.u.cr);
  }
  if (r.u.in + cc + r.u.cr > x.limit) r.u.cr = x.limit - r.u.in - cc;
  const int ttl = s != nullptr ? s->ttl : 0;
  if (ttl == 0) {
    r.u.cc5 = cc;
  } else if (ttl == 1) {
    r.u.cc1h = cc;
  } else {
    r.u.cc1h = cc * rng_.range(0, 10) / 10;
    r.u.cc5 = cc - r.u.cc1h;
  }
  x.ctx = r.u.cr + cc;
  x.pending = 0;
  r.u.out = std::max<int64_t>(output, 11);
  r.out_ph = rng_.range(1, 10);
  r.all_final = v.all_final;
  r.has_final = !sidechain_sub && v.final_sometimes && rng_.chance(1, 2);
  r.geo = rng_.chance(1, 2) ? "global" : "not_available";
  r.cc_zero_bug = s != nullptr && s->cc_zero_bug && !sidechain_sub;
  return r;
}

void Gen::usage_json(std::string& o, const Req& r, bool final_shape, int64_t out) {
  const Usage& u = r.u;
  Json j(o);
  j.obj();
  j.k("input_tokens").n(u.in);
  j.k("cache_creation_input_tokens").n(r.cc_zero_bug ? 0 : u.cc());
  j.k("cache_read_input_tokens").n(u.cr);
  if (!final_shape) {
    j.k("cache_creation").obj();
    j.k("ephemeral_5m_input_tokens").n(u.cc5);
    j.k("ephemeral_1h_input_tokens").n(u.cc1h);
    j.end();
    j.k("output_tokens").n(out);
    j.k("service_tier").s("standard");
    j.k("inference_geo").s(r.geo);
  } else {
    j.k("output_tokens").n(out);
    j.k("server_tool_use").obj();
    j.k("web_search_requests").n(u.ws);
    j.k("web_fetch_requests").n(0);
    j.end();
    j.k("service_tier").s("standard");
    j.k("cache_creation").obj();
    j.k("ephemeral_1h_input_tokens").n(u.cc1h);
    j.k("ephemeral_5m_input_tokens").n(u.cc5);
    j.end();
    j.k("inference_geo").s("");
    j.k("iterations").arr().end();
  }
  j.end();
}

std::string Gen::assistant_line(Chain& c, const Req& r, const std::string& block_json, bool last,
                                bool tear, bool mirror) {
  tick(c, 150, 1500);
  const bool final_usage = r.all_final || (last && r.has_final);
  Usage eff = r.u;
  if (!final_usage) {
    eff.out = r.out_ph;
    eff.ws = 0;
  }
  std::string msg;
  msg.reserve(block_json.size() + 700);
  {
    Json m(msg);
    m.obj();
    m.k("model").s(r.model);
    m.k("id").s(r.id);
    m.k("type").s("message");
    m.k("role").s("assistant");
    m.k("content").arr().raw(block_json).end();
    m.k("stop_reason");
    if (r.all_final && last) {
      m.s(block_json.find("\"type\":\"tool_use\"") != std::string::npos ? "tool_use" : "end_turn");
    } else {
      m.null();
    }
    m.k("stop_sequence").null();
    m.k("usage");
    usage_json(msg, r, final_usage, eff.out);
    // the object is closed below (the progress mirror appends context_management first)
  }
  const std::string u = uuid();
  std::string line;
  line.reserve(msg.size() + 600);
  Json j(line);
  j.obj();
  envelope(j, c);
  j.k("message").raw(msg).out() += '}';
  if (!r.rid.empty()) j.k("requestId").s(r.rid);
  j.k("type").s("assistant");
  j.k("uuid").s(u);
  j.k("timestamp").ts(c.now);
  j.end();
  c.last_uuid = u;
  if (tear) {
    line.resize(static_cast<size_t>(
        rng_.range(static_cast<int64_t>(line.size() / 3), static_cast<int64_t>(line.size()) - 2)));
    emit(c, line, LineKind::kMalformed);
  } else if (c.out != nullptr) {
    emit(c, line, LineKind::kUsage);
    record(r.id, r.rid, c.sidechain, c.now, r.model, eff);
  }
  if (mirror && c.parent != nullptr) {
    Chain& p = *c.parent;
    p.now = c.now;
    std::string pl;
    pl.reserve(msg.size() + 1200);
    Json pj(pl);
    pj.obj();
    envelope(pj, p);
    pj.k("type").s("progress");
    pj.k("data").obj();
    pj.k("message").obj();
    pj.k("type").s("assistant");
    pj.k("timestamp").ts(c.now);
    pj.k("message").raw(msg).out() += ",\"context_management\":null}";
    if (!r.rid.empty()) pj.k("requestId").s(r.rid);
    pj.k("uuid").s(u);
    pj.end();
    pj.k("normalizedMessages").arr().end();
    pj.k("type").s("agent_progress");
    pj.k("prompt").s(c.mirror_prompt);
    pj.k("agentId").s(c.agent_id);
    pj.end();
    pj.k("toolUseID").s(c.mirror_tool_use_id);
    pj.k("parentToolUseID").s(c.mirror_parent_tool_use_id);
    const std::string pu = uuid();
    pj.k("uuid").s(pu);
    pj.k("timestamp").ts(c.now);
    pj.end();
    p.last_uuid = pu;
    emit(p, pl, LineKind::kUsage);
    record(r.id, r.rid, false, c.now, r.model, eff);
  }
  return u;
}

void Gen::synthetic_line(Chain& c) {
  tick(c, 500, 30000);
  std::string line;
  Json j(line);
  j.obj();
  envelope(j, c);
  j.k("type").s("assistant");
  const std::string u = uuid();
  j.k("uuid").s(u);
  j.k("timestamp").ts(c.now);
  j.k("message").obj();
  j.k("id").s(uuid());
  j.k("model").s("<synthetic>");
  j.k("role").s("assistant");
  j.k("stop_reason").s("stop_sequence");
  j.k("stop_sequence").s("");
  j.k("type").s("message");
  j.k("usage").obj();
  j.k("input_tokens").n(0);
  j.k("output_tokens").n(0);
  j.k("cache_creation_input_tokens").n(0);
  j.k("cache_read_input_tokens").n(0);
  j.k("server_tool_use").obj().k("web_search_requests").n(0).end();
  j.end();
  j.k("content").arr().obj().k("type").s("text");
  j.k("text").s(
      "API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":"
      "\"Overloaded\"}}");
  j.end().end();
  j.end();
  j.k("isApiErrorMessage").b(true);
  j.k("error").s("rate_limit");
  j.k("apiErrorStatus").n(529);
  j.end();
  c.last_uuid = u;
  emit(c, line, LineKind::kNormal);
}

std::string Gen::tool_use_block(const std::string& id, const std::string& name,
                                const std::string& input_json) {
  std::string b;
  b.reserve(input_json.size() + 160);
  Json j(b);
  j.obj();
  j.k("type").s("tool_use");
  j.k("id").s(id);
  j.k("name").s(name);
  j.k("input").raw(input_json);
  j.k("caller").obj().k("type").s("direct").end();
  j.end();
  return b;
}

std::string Gen::text_block(const std::string& text) {
  std::string b;
  Json j(b);
  j.obj().k("type").s("text").k("text").s(text).end();
  return b;
}

std::string Gen::thinking_block() {
  std::string b;
  Json j(b);
  j.obj().k("type").s("thinking").k("thinking").s(prose(2, 12, false, false));
  j.k("signature").s(b62("Es", static_cast<int>(rng_.range(200, 900))));
  j.end();
  return b;
}

// ---------------------------------------------------------------------------------------------
// Tools

Tool Gen::pick_tool(Session& s, Feat& feat, bool& special_only) {
  special_only = false;
  feat = Feat::kNone;
  static const std::array<Feat, 20> kToolFeats = {Feat::kTaskNested,
                                                  Feat::kTaskProgressOnly,
                                                  Feat::kTaskFlat,
                                                  Feat::kSkillFork,
                                                  Feat::kEdit,
                                                  Feat::kEditOutside,
                                                  Feat::kEditPrefixTrap,
                                                  Feat::kEditError,
                                                  Feat::kWriteCreate,
                                                  Feat::kWriteUpdate,
                                                  Feat::kMultiEdit,
                                                  Feat::kCommit,
                                                  Feat::kCommitFail,
                                                  Feat::kGitLog,
                                                  Feat::kBigBash,
                                                  Feat::kBigRead,
                                                  Feat::kGrep,
                                                  Feat::kGlob,
                                                  Feat::kMcp,
                                                  Feat::kWebSearch};
  for (Feat f : kToolFeats) {
    if (take(s, f)) {
      feat = f;
      switch (f) {
        case Feat::kTaskNested:
        case Feat::kTaskProgressOnly:
        case Feat::kTaskFlat:
          special_only = true;
          return Tool::kTask;
        case Feat::kSkillFork:
          special_only = true;
          return Tool::kSkill;
        case Feat::kEdit:
        case Feat::kEditOutside:
        case Feat::kEditPrefixTrap:
        case Feat::kEditError:
          return Tool::kEdit;
        case Feat::kWriteCreate:
        case Feat::kWriteUpdate:
          return Tool::kWrite;
        case Feat::kMultiEdit:
          return Tool::kMultiEdit;
        case Feat::kCommit:
        case Feat::kCommitFail:
        case Feat::kGitLog:
        case Feat::kBigBash:
          return Tool::kBash;
        case Feat::kBigRead:
          return Tool::kRead;
        case Feat::kGrep:
          return Tool::kGrep;
        case Feat::kGlob:
          return Tool::kGlob;
        case Feat::kMcp:
          return Tool::kMcp;
        case Feat::kWebSearch:
          special_only = true;
          return Tool::kWebSearch;
        default:
          break;
      }
    }
  }
  const uint64_t r = rng_.below(100);
  if (r < 30) return Tool::kRead;
  if (r < 50) return Tool::kBash;
  if (r < 66) return Tool::kEdit;
  if (r < 74) return Tool::kGrep;
  if (r < 79) return Tool::kGlob;
  if (r < 84) return Tool::kWrite;
  if (r < 86) return Tool::kMultiEdit;
  if (r < 88) {
    special_only = true;
    return Tool::kTask;
  }
  if (r < 89) {
    special_only = true;
    return Tool::kSkill;
  }
  if (r < 93) return Tool::kMcp;
  if (opts_.include_web_search && r < 99) {
    special_only = true;
    return Tool::kWebSearch;
  }
  return Tool::kRead;
}

void Gen::prepare_tool(Session& s, ToolRun& t, bool subagent) {
  t.id = b62("toolu_01", 22);
  switch (t.tool) {
    case Tool::kRead:
      prep_read(s, t, subagent, t.feat == Feat::kBigRead);
      break;
    case Tool::kBash:
      prep_bash(s, t, t.feat, subagent);
      break;
    case Tool::kEdit:
      prep_edit(s, t, t.feat);
      break;
    case Tool::kGrep:
      prep_grep(s, t);
      break;
    case Tool::kGlob:
      prep_glob(s, t);
      break;
    case Tool::kWrite:
      prep_write(
          s, t,
          t.feat == Feat::kWriteCreate || (t.feat != Feat::kWriteUpdate && rng_.chance(1, 2)));
      break;
    case Tool::kMultiEdit:
      prep_multiedit(s, t);
      break;
    case Tool::kMcp:
      prep_mcp(t);
      break;
    case Tool::kWebSearch:
      prep_websearch(t);
      break;
    case Tool::kTask:
    case Tool::kSkill:
      prep_spawn(s, t, t.feat);
      break;
  }
}

void Gen::prep_read(Session& s, ToolRun& t, bool subagent, bool big) {
  FileEntry& f = pick_file(s);
  const std::string abs = abs_path(s, f);
  int64_t total = f.lines;
  int64_t n = total;
  const int64_t cap_lines = std::max<int64_t>(20, s.max_read_bytes / (subagent ? 160 : 40));
  if (big) {
    n = std::max<int64_t>(cap_lines, 40);
    total = std::max(total, n);
  } else if (rng_.chance(1, 12)) {
    n = std::min(cap_lines, rng_.log_range(1000, 5000));
    total = std::max(total, n);
  } else {
    n = std::min({n, cap_lines, rng_.log_range(20, 600)});
  }
  n = std::max<int64_t>(1, std::min(n, total));
  int64_t start = 1;
  std::string in;
  {
    Json j(in);
    j.obj().k("file_path").s(abs);
    if (n < total && rng_.chance(1, 2)) {
      start = rng_.range(1, total - n + 1);
      j.k("offset").n(start).k("limit").n(n);
    }
    j.end();
  }
  t.input = std::move(in);
  if (rng_.chance(1, 40)) {
    t.content_json = "\"<tool_use_error>File does not exist.";
    canary_esc(t.content_json);
    t.content_json += "</tool_use_error>\"";
    t.tur_json = "\"Error: File does not exist.";
    canary_esc(t.tur_json);
    t.tur_json += '"';
    t.is_error = true;
    t.has_is_error_field = true;
    t.result_tokens = 20;
    return;
  }
  std::string c;
  c.reserve(static_cast<size_t>(n * 48 + 16));
  c += '"';
  content_esc(c, f.seed, start, n, true);
  c += '"';
  t.content_json = std::move(c);
  std::string tur;
  tur.reserve(static_cast<size_t>(n * 42 + abs.size() + 200));
  Json j(tur);
  j.obj().k("type").s("text").k("file").obj();
  j.k("filePath").s(abs);
  j.k("content").str_begin();
  content_esc(tur, f.seed, start, n, false);
  j.str_end();
  j.k("numLines").n(n).k("startLine").n(start).k("totalLines").n(total);
  j.end().end();
  t.tur_json = std::move(tur);
  t.result_tokens = static_cast<int64_t>(t.content_json.size()) / 4;
}

std::string Gen::patch_json(int hunks, int64_t file_lines, uint64_t seed, int64_t& added,
                            int64_t& removed) {
  std::string o;
  Json j(o);
  j.arr();
  int64_t pos = 1;
  int64_t shift = 0;
  for (int h = 0; h < hunks; ++h) {
    pos += rng_.range(0, std::max<int64_t>(1, file_lines / (hunks + 1)));
    const int64_t ctx_before = std::min<int64_t>(3, pos - 1);
    const int64_t rem = rng_.chance(1, 5) ? 0 : rng_.range(1, 8);
    const int64_t add = rng_.chance(1, 6) ? 0 : rng_.range(1, 14);
    const int64_t ctx_after = rng_.range(0, 3);
    const int64_t old_start = pos - ctx_before;
    j.obj();
    j.k("oldStart").n(old_start);
    j.k("oldLines").n(ctx_before + rem + ctx_after);
    j.k("newStart").n(old_start + shift);
    j.k("newLines").n(ctx_before + add + ctx_after);
    j.k("lines").arr();
    auto line = [&](char tag, int64_t k) {
      j.str_begin();
      o += tag;
      o += pool_esc_[hash2(seed ^ static_cast<uint64_t>(tag), static_cast<uint64_t>(k)) %
                     pool_esc_.size()];
      canary_esc(o);
      j.str_end();
    };
    for (int64_t i = 0; i < ctx_before; ++i)
      line(' ', old_start + i);
    for (int64_t i = 0; i < rem; ++i)
      line('-', pos + i);
    for (int64_t i = 0; i < add; ++i)
      line('+', pos * 31 + i);
    for (int64_t i = 0; i < ctx_after; ++i)
      line(' ', pos + rem + i);
    j.end();
    j.end();
    added += add;
    removed += rem;
    shift += add - rem;
    pos += rem + ctx_after + 1;
  }
  j.end();
  return o;
}

void Gen::prep_edit(Session& s, ToolRun& t, Feat f) {
  std::string abs;
  FileEntry* fe = nullptr;
  if (f == Feat::kEditOutside || (f == Feat::kNone && rng_.chance(1, 25))) {
    static const std::array<const char*, 3> kOutside = {
        "/home/dev/.claude/CLAUDE.md", "/tmp/scratch/notes.md", "/etc/hosts.local"};
    abs = kOutside[rng_.below(kOutside.size())];
  } else if (f == Feat::kEditPrefixTrap || (f == Feat::kNone && rng_.chance(1, 40))) {
    abs = s.proj->cwd + "-old/src/" + s.proj->short_name + "_legacy." + s.proj->ext;
  } else {
    fe = &pick_file(s);
    abs = abs_path(s, *fe);
  }
  const int64_t file_lines = fe != nullptr ? fe->lines : rng_.range(10, 200);
  const uint64_t seed = fe != nullptr ? fe->seed : rng_.next();
  std::string old_s = pool_raw_[rng_.below(pool_raw_.size())] + "\n";
  old_s += pool_raw_[rng_.below(pool_raw_.size())] + " " + canary();
  const std::string new_s = with_canary(pool_raw_[rng_.below(pool_raw_.size())]);
  {
    Json j(t.input);
    j.obj().k("replace_all").b(false).k("file_path").s(abs);
    j.k("old_string").s(old_s).k("new_string").s(new_s).end();
  }
  if (f == Feat::kEditError || (f == Feat::kNone && rng_.chance(1, 20))) {
    t.content_json =
        "\"<tool_use_error>String to replace not found in file.\\nString: " + escaped(old_s) +
        "</tool_use_error>\"";
    t.tur_json = "\"Error: String to replace not found in file.\\nString: " + escaped(old_s) + "\"";
    t.is_error = true;
    t.has_is_error_field = true;
    t.result_tokens = 40;
    return;
  }
  int64_t added = 0, removed = 0;
  const std::string patch =
      patch_json(static_cast<int>(rng_.range(1, 3)), file_lines, seed, added, removed);
  t.content_json = "\"The file " + escaped(abs) + " has been updated successfully.";
  canary_esc(t.content_json);
  t.content_json += '"';
  std::string tur;
  tur.reserve(static_cast<size_t>(file_lines * 42 + patch.size() + 400));
  Json j(tur);
  j.obj();
  j.k("filePath").s(abs);
  j.k("oldString").s(old_s);
  j.k("newString").s(new_s);
  j.k("originalFile").str_begin();
  content_esc(tur, seed, 1, std::min<int64_t>(file_lines, s.max_read_bytes / 40 + 1), false);
  j.str_end();
  j.k("structuredPatch").raw(patch);
  j.k("userModified").b(false);
  j.k("replaceAll").b(false);
  j.end();
  t.tur_json = std::move(tur);
  t.patch_abs = abs;
  t.added = added;
  t.removed = removed;
  if (fe != nullptr) fe->lines = std::max<int64_t>(1, fe->lines + added - removed);
  t.result_tokens = 60;
}

void Gen::prep_write(Session& s, ToolRun& t, bool create) {
  FileEntry* fe = nullptr;
  if (create) {
    FileEntry nf;
    nf.rel = (rng_.chance(1, 2) ? "src/" : "tests/") + s.proj->short_name + "/";
    nf.rel += rng_.pick(kModuleNames) + "_";
    nf.rel += hex(4) + "." + s.proj->ext;
    nf.lines = rng_.log_range(5, 400);
    nf.seed = rng_.next();
    s.proj->files.push_back(nf);
    fe = &s.proj->files.back();
  } else {
    fe = &pick_file(s);
  }
  const std::string abs = abs_path(s, *fe);
  const int64_t old_lines = fe->lines;
  const uint64_t old_seed = fe->seed;
  const int64_t n_lines = create ? fe->lines : std::max<int64_t>(1, old_lines + rng_.range(-5, 30));
  const int64_t n_cap = std::min<int64_t>(n_lines, s.max_read_bytes / 40 + 1);
  const uint64_t new_seed = create ? fe->seed : rng_.next();
  {
    Json j(t.input);
    j.obj().k("file_path").s(abs).k("content").str_begin();
    content_esc(t.input, new_seed, 1, n_cap, false);
    j.str_end().end();
  }
  int64_t added = 0, removed = 0;
  std::string patch = "[]";
  // 2.1.3x writes an empty structuredPatch for new files; newer versions write the hunk.
  if (!create) {
    patch = patch_json(static_cast<int>(rng_.range(1, 4)), old_lines, new_seed, added, removed);
  } else if (s.ver->all_final) {
    std::string o;
    Json j(o);
    j.arr().obj();
    j.k("oldStart").n(0).k("oldLines").n(0).k("newStart").n(1).k("newLines").n(n_cap);
    j.k("lines").arr();
    for (int64_t i = 0; i < n_cap; ++i) {
      j.str_begin();
      o += '+';
      o += pool_esc_[hash2(new_seed, static_cast<uint64_t>(i + 1)) % pool_esc_.size()];
      canary_esc(o);
      j.str_end();
    }
    j.end().end().end();
    patch = std::move(o);
    added = n_cap;
  }
  t.content_json = create ? "\"File created successfully at: " + escaped(abs)
                          : "\"The file " + escaped(abs) + " has been updated.";
  canary_esc(t.content_json);
  t.content_json += '"';
  std::string tur;
  Json j(tur);
  j.obj();
  j.k("type").s(create ? "create" : "update");
  j.k("filePath").s(abs);
  j.k("content").str_begin();
  content_esc(tur, new_seed, 1, n_cap, false);
  j.str_end();
  j.k("structuredPatch").raw(patch);
  j.k("originalFile");
  if (create) {
    j.null();
  } else {
    j.str_begin();
    content_esc(tur, old_seed, 1, std::min<int64_t>(old_lines, s.max_read_bytes / 40 + 1), false);
    j.str_end();
  }
  j.end();
  t.tur_json = std::move(tur);
  t.patch_abs = abs;
  t.added = added;
  t.removed = removed;
  fe->lines = n_lines;
  fe->seed = new_seed;
  t.result_tokens = 40;
}

void Gen::prep_multiedit(Session& s, ToolRun& t) {
  FileEntry& fe = pick_file(s);
  const std::string abs = abs_path(s, fe);
  const int64_t n_edits = rng_.range(2, 4);
  std::string edits;
  {
    Json e(edits);
    e.arr();
    for (int64_t i = 0; i < n_edits; ++i) {
      e.obj();
      e.k("old_string").s(with_canary(pool_raw_[rng_.below(pool_raw_.size())]));
      e.k("new_string").s(with_canary(pool_raw_[rng_.below(pool_raw_.size())]));
      e.k("replace_all").b(false);
      e.end();
    }
    e.end();
  }
  {
    Json j(t.input);
    j.obj().k("file_path").s(abs).k("edits").raw(edits).end();
  }
  int64_t added = 0, removed = 0;
  const std::string patch =
      patch_json(static_cast<int>(n_edits), fe.lines, fe.seed, added, removed);
  t.content_json = "\"Applied " + itos(n_edits) + " edits to " + escaped(abs) + ":";
  canary_esc(t.content_json);
  t.content_json += '"';
  std::string tur;
  Json j(tur);
  j.obj();
  j.k("filePath").s(abs);
  j.k("edits").raw(edits);
  j.k("originalFileContents").str_begin();
  content_esc(tur, fe.seed, 1, std::min<int64_t>(fe.lines, s.max_read_bytes / 40 + 1), false);
  j.str_end();
  j.k("structuredPatch").raw(patch);
  j.k("userModified").b(false);
  j.end();
  t.tur_json = std::move(tur);
  t.patch_abs = abs;
  t.added = added;
  t.removed = removed;
  fe.lines = std::max<int64_t>(1, fe.lines + added - removed);
  t.result_tokens = 80;
}

void Gen::prep_bash(Session& s, ToolRun& t, Feat f, bool subagent) {
  std::string cmd, desc, out, err;
  bool error = false;
  const uint64_t r = rng_.below(100);
  const bool commit =
      !subagent && (f == Feat::kCommit || f == Feat::kCommitFail || (f == Feat::kNone && r < 8));
  const bool gitlog = f == Feat::kGitLog || (f == Feat::kNone && r >= 8 && r < 13);
  const bool big = !subagent && (f == Feat::kBigBash ||
                                 (f == Feat::kNone && r >= 13 && r < 16 && s.ver->nested));
  const std::string branch = s.proj->branch.empty() ? "main" : s.proj->branch;
  if (commit) {
    const std::string msg = sentence(3, 8);
    cmd = "git add -A && git commit -m \"$(cat <<'EOF'\n" + msg + "\n\n" + canary() +
          "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nEOF\n)\"";
    desc = "Commit changes";
    if (f == Feat::kCommitFail || (f == Feat::kNone && rng_.chance(1, 6))) {
      error = true;
      out = "Exit code 1\npre-commit hook failed: lint errors in 2 files " + canary();
    } else {
      const std::string sha = hex(rng_.chance(1, 5) ? 9 : 7);
      std::string head = "[" + branch;
      if (rng_.chance(1, 30)) head += " (root-commit)";
      out = head + " " + sha + "] " + msg + "\n " + itos(rng_.range(1, 9)) + " files changed, ";
      out += itos(rng_.range(1, 300)) + " insertions(+), ";
      out += itos(rng_.range(0, 90)) + " deletions(-)";
      if (!opts_.canary.empty()) out += "\n create mode 100644 " + canary();
      t.commit_sha = sha;
    }
  } else if (gitlog) {
    cmd = "git log --oneline -5";
    desc = "Show recent commits";
    for (int i = 0; i < 5; ++i) {
      out += hex(7) + " ";
      out += sentence(3, 7) + "\n";
    }
    out += canary();
  } else {
    static const std::array<const char*, 10> kCmds = {
        "npm test",        "cargo build 2>&1 | tail -40",
        "ls -la src",      "git status",
        "git diff --stat", "make -j8 2>&1 | tail -60",
        "pytest -x -q",    "rg -n 'TODO' src",
        "mix test",        "go test ./..."};
    cmd = kCmds[rng_.below(kCmds.size())];
    cmd += " # " + canary();
    desc = sentence(2, 5);
    const int64_t lines =
        big ? std::max<int64_t>(800, s.max_read_bytes / 50) : rng_.log_range(1, 60);
    if (big && !opts_.canary.empty()) out = canary() + "\n";
    for (int64_t i = 0; i < lines; ++i) {
      out += rng_.chance(1, 3) ? pool_raw_[rng_.below(pool_raw_.size())] : sentence(3, 10);
      out += '\n';
    }
    out += canary();
    if (rng_.chance(1, 6)) err = "warning: " + sentence(3, 8);
    if (!big && rng_.chance(1, 12)) {
      error = true;
      out = "Exit code 1\n" + out;
    }
    t.bash_progress = big                 ? static_cast<int>(rng_.range(3, 10))
                      : rng_.chance(1, 3) ? static_cast<int>(rng_.range(1, 8))
                                          : 0;
  }
  {
    Json j(t.input);
    j.obj().k("command").s(cmd).k("description").s(with_canary(desc));
    if (rng_.chance(1, 4)) j.k("timeout").n(120000);
    j.end();
  }
  t.has_is_error_field = true;
  t.is_error = error;
  if (big) {
    t.big_output = out;
    const std::string saved = "/home/dev/.claude/projects/" + s.proj->dir.filename().string() +
                              "/" + s.main.session_id + "/tool-results/" + t.id + ".txt";
    std::string preview = out.substr(0, 2000);
    // do not cut a UTF-8 sequence in half
    while (!preview.empty() && (static_cast<unsigned char>(preview.back()) & 0xC0) == 0x80) {
      preview.pop_back();
    }
    if (!preview.empty() && static_cast<unsigned char>(preview.back()) >= 0xC0) {
      preview.pop_back();
    }
    const std::string msg = "Output too large (" + itos(static_cast<int64_t>(out.size()) / 1024) +
                            "KB). Full output saved to: " + saved + "\n\nPreview (first 2KB):\n" +
                            preview;
    t.content_json = "\"" + escaped(msg) + "\"";
    std::string tur;
    Json j(tur);
    j.obj().k("stdout").s(preview).k("stderr").s("").k("interrupted").b(false);
    j.k("isImage").b(false).k("noOutputExpected").b(false).end();
    t.tur_json = std::move(tur);
    t.result_tokens = 700;
    return;
  }
  t.content_json = "\"" + escaped(out + (err.empty() ? "" : "\n" + err)) + "\"";
  if (error) {
    t.tur_json = "\"Error: " + escaped(out) + "\"";
  } else {
    std::string tur;
    Json j(tur);
    j.obj().k("stdout").s(out).k("stderr").s(err).k("interrupted").b(false);
    j.k("isImage").b(false).k("noOutputExpected").b(false).end();
    t.tur_json = std::move(tur);
  }
  t.result_tokens = static_cast<int64_t>(out.size()) / 4 + 10;
}

void Gen::prep_grep(Session& s, ToolRun& t) {
  const bool content = rng_.chance(1, 2);
  {
    Json j(t.input);
    j.obj().k("pattern").s(rng_.pick(kWords) + "|" + canary());
    j.k("path").s(s.proj->cwd);
    j.k("output_mode").s(content ? "content" : "files_with_matches").end();
  }
  const int64_t n = rng_.range(0, 12);
  std::string text;
  std::vector<std::string> names;
  for (int64_t i = 0; i < n; ++i) {
    const FileEntry& f = pick_file(s);
    if (content) {
      text += f.rel + ":" + itos(rng_.range(1, f.lines)) + ":";
      text += pool_raw_[rng_.below(pool_raw_.size())] + "\n";
    } else {
      names.push_back(abs_path(s, f));
    }
  }
  text += canary();
  if (!content) {
    std::string listing = n == 0 ? "No files found" : "Found " + itos(n) + " files";
    for (const auto& nm : names)
      listing += "\n" + nm;
    text = with_canary(std::move(listing));
  }
  t.content_json = "\"" + escaped(text) + "\"";
  std::string tur;
  Json j(tur);
  j.obj().k("mode").s(content ? "content" : "files_with_matches");
  j.k("numFiles").n(static_cast<int64_t>(names.size())).k("filenames").arr();
  for (const auto& nm : names)
    j.s(nm);
  j.end();
  if (content) j.k("content").s(text).k("numLines").n(n);
  j.end();
  t.tur_json = std::move(tur);
  t.result_tokens = static_cast<int64_t>(text.size()) / 4 + 10;
}

void Gen::prep_glob(Session& s, ToolRun& t) {
  {
    Json j(t.input);
    j.obj().k("pattern").s("**/{*." + s.proj->ext + "," + canary() + "}");
    j.k("path").s(s.proj->cwd).end();
  }
  const int64_t n = rng_.range(1, 20);
  std::string text;
  std::string tur;
  Json j(tur);
  j.obj().k("filenames").arr();
  for (int64_t i = 0; i < n; ++i) {
    const std::string p = abs_path(s, pick_file(s));
    text += p + "\n";
    j.s(p);
  }
  j.end();
  j.k("durationMs").n(rng_.range(5, 400)).k("numFiles").n(n).k("truncated").b(false).end();
  text = with_canary(std::move(text));
  t.content_json = "\"" + escaped(text) + "\"";
  t.tur_json = std::move(tur);
  t.result_tokens = static_cast<int64_t>(text.size()) / 4 + 10;
}

void Gen::prep_mcp(ToolRun& t) {
  {
    Json j(t.input);
    j.obj().k("query").s(with_canary(sentence(2, 6))).k("limit").n(rng_.range(5, 50)).end();
  }
  const std::string text = prose(2, 10, true, true);
  std::string blocks;
  Json j(blocks);
  j.arr().obj().k("type").s("text").k("text").s(text).end().end();
  t.content_json = blocks;
  t.tur_json = std::move(blocks);
  t.result_tokens = static_cast<int64_t>(text.size()) / 4 + 10;
}

void Gen::prep_websearch(ToolRun& t) {
  const std::string q = with_canary(sentence(3, 7));
  {
    Json j(t.input);
    j.obj().k("query").s(q).end();
  }
  const std::string text =
      "Web search results for query: \"" + q + "\"\n\n" + prose(3, 8, false, true);
  t.content_json = "\"" + escaped(text) + "\"";
  std::string tur;
  Json j(tur);
  j.obj().k("query").s(q).k("results").arr();
  for (int i = 0; i < 3; ++i) {
    j.obj().k("title").s(with_canary(sentence(3, 6)));
    j.k("url").s("https://example.com/" + hex(8)).end();
  }
  j.end().k("durationSeconds").n(rng_.range(1, 9)).end();
  t.tur_json = std::move(tur);
  t.result_tokens = static_cast<int64_t>(text.size()) / 4 + 200;
}

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

void Gen::tool_result_line(Session* s, Chain& c, ToolRun& t, const std::string& assistant_uuid,
                           bool mirror) {
  const std::string tool_name = t.tool == Tool::kRead        ? "Read"
                                : t.tool == Tool::kBash      ? "Bash"
                                : t.tool == Tool::kEdit      ? "Edit"
                                : t.tool == Tool::kWrite     ? "Write"
                                : t.tool == Tool::kMultiEdit ? "MultiEdit"
                                : t.tool == Tool::kGrep      ? "Grep"
                                : t.tool == Tool::kGlob      ? "Glob"
                                                             : "Other";
  const int pre = s != nullptr && tool_name != "Other" ? s->hooks_pre : 0;
  const int post = s != nullptr && tool_name != "Other" ? s->hooks_post : 0;
  for (int i = 0; i < pre && c.out != nullptr; ++i) {
    hook_line(c, "PreToolUse", "PreToolUse:" + tool_name, t.id, false, false);
  }
  for (int i = 0; i < t.bash_progress; ++i) {
    tick(c, 300, 900);
    std::string line;
    Json j(line);
    j.obj();
    envelope(j, c);
    j.k("type").s("progress");
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
  j.obj();
  envelope(j, c);
  j.k("type").s("user");
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
      OutFile f;
      open_file(f, dir / (t.id + ".txt"));
      f.write(t.big_output);
      close_file(f);
    }
  }
  if (mirror && c.parent != nullptr) {
    Chain& p = *c.parent;
    std::string pl;
    pl.reserve(msg.size() + 900);
    Json pj(pl);
    pj.obj();
    envelope(pj, p);
    pj.k("type").s("progress");
    pj.k("data").obj();
    pj.k("message").obj().k("type").s("user").k("message").raw(msg);
    pj.k("uuid").s(u).k("timestamp").ts(c.now).end();
    pj.k("normalizedMessages").arr().end();
    pj.k("type").s("agent_progress");
    pj.k("prompt").s(c.mirror_prompt);
    pj.k("agentId").s(c.agent_id);
    pj.end();
    pj.k("toolUseID").s(c.mirror_tool_use_id);
    pj.k("parentToolUseID").s(c.mirror_parent_tool_use_id);
    const std::string pu = uuid();
    pj.k("uuid").s(pu);
    p.now = c.now + rng_.range(1, 200);
    pj.k("timestamp").ts(p.now);
    pj.end();
    p.last_uuid = pu;
    emit(p, pl, LineKind::kNormal);
  }
  for (int i = 0; i < post && c.out != nullptr; ++i) {
    hook_line(c, "PostToolUse", "PostToolUse:" + tool_name, t.id, false, false);
  }
}

// ---------------------------------------------------------------------------------------------
// Subagents

void Gen::ensure_subagents_dir(Session& s) {
  if (!s.subagents_dir_made) {
    fs::create_directories(s.dir / "subagents");
    s.subagents_dir_made = true;
  }
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
  Chain c;
  c.cwd = parent.cwd;
  c.session_id = parent.session_id;
  c.version = parent.version;
  c.branch = parent.branch;
  c.slug = parent.slug;
  c.slug_on = parent.slug_on;
  c.agent_id = agent_id;
  c.sidechain = true;
  c.now = parent.now;
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
  // first line: the prompt
  {
    tick(c, 2, 10);
    std::string line;
    Json j(line);
    j.obj();
    envelope(j, c);
    j.k("type").s("user");
    j.k("message").obj().k("role").s("user").k("content").s(prompt).end();
    const std::string u = uuid();
    j.k("uuid").s(u).k("timestamp").ts(c.now).end();
    c.last_uuid = u;
    emit(c, line, LineKind::kNormal);
    if (mirror) {
      std::string pl;
      Json pj(pl);
      pj.obj();
      envelope(pj, parent);
      pj.k("type").s("progress");
      pj.k("data").obj().k("message").obj().k("type").s("user");
      pj.k("message").obj().k("role").s("user").k("content").arr();
      pj.obj().k("type").s("text").k("text").s(prompt).end().end().end();
      pj.k("uuid").s(u).k("timestamp").ts(c.now).end();
      pj.k("normalizedMessages").arr().end();
      pj.k("type").s("agent_progress").k("prompt").s(prompt).k("agentId").s(agent_id).end();
      pj.k("toolUseID").s(c.mirror_tool_use_id).k("parentToolUseID").s(task_tool_id);
      const std::string pu = uuid();
      pj.k("uuid").s(pu).k("timestamp").ts(c.now).end();
      parent.last_uuid = pu;
      emit(parent, pl, LineKind::kNormal);
    }
  }
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
      const std::string au = assistant_line(c, r,
                                            tool_use_block(t.id,
                                                           t.tool == Tool::kRead   ? "Read"
                                                           : t.tool == Tool::kGrep ? "Grep"
                                                           : t.tool == Tool::kGlob ? "Glob"
                                                                                   : "Bash",
                                                           t.input),
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
    OutFile meta;
    open_file(meta, s.dir / "subagents" / ("agent-" + agent_id + ".meta.json"));
    std::string mj;
    Json j(mj);
    j.obj().k("agentType").s(agent_type).k("description").s(desc);
    j.k("toolUseId").s(task_tool_id).end();
    meta.write(mj);
    close_file(meta);
  }
  if (res.report.empty()) res.report = prose(2, 5, false, true);
  return res;
}

void Gen::run_spawn(Session& s, Chain& c, Ctx& x, ToolRun& t, const std::string& task_msg_id,
                    const std::string& assistant_uuid) {
  SubResult sub = run_subagent(s, c, t.sub_kind, t.sub_model, t.sub_prompt, t.sub_type, t.sub_desc,
                               t.id, task_msg_id, {});
  if (t.tool == Tool::kSkill) {
    t.content_json = "\"Launching skill: " + escaped(t.sub_desc);
    canary_esc(t.content_json);
    t.content_json += '"';
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
    j.obj();
    envelope(j, c);
    j.k("type").s("user");
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

// ---------------------------------------------------------------------------------------------
// Sessions

void Gen::compact(Session& s) {
  Chain& c = s.main;
  const int64_t pre = s.x.ctx + s.x.pending;
  if (s.ver->nested) {
    ensure_subagents_dir(s);
    OutFile f;
    open_file(f, s.dir / "subagents" / ("agent-acompact-" + hex(6) + ".jsonl"));
    Chain a;
    a.out = &f;
    a.cwd = c.cwd;
    a.session_id = c.session_id;
    a.version = c.version;
    a.branch = c.branch;
    a.slug = c.slug;
    a.slug_on = true;
    a.agent_id = "acompact-" + hex(6);
    a.sidechain = true;
    a.now = c.now;
    a.last_uuid = c.last_uuid;
    for (int i = 0; i < 2; ++i) {
      tick(a, 100, 2000);
      std::string line;
      Json j(line);
      j.obj();
      envelope(j, a);
      j.k("type").s("user");
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
    ax.limit = s.long_ctx ? kLongLimit : kStdLimit;
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
    j.k("isSidechain").b(false);
    j.k("userType").s("external");
    j.k("cwd").s(c.cwd);
    j.k("sessionId").s(c.session_id);
    j.k("version").s(c.version);
    j.k("gitBranch").s(c.branch);
    if (c.slug_on) j.k("slug").s(c.slug);
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
    j.obj();
    envelope(j, c);
    j.k("type").s("user");
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
  Chain a;
  a.out = &f;
  a.cwd = s.main.cwd;
  a.session_id = s.main.session_id;
  a.version = s.main.version;
  a.branch = s.main.branch;
  a.slug = s.main.slug;
  a.slug_on = true;
  a.agent_id = "aside_question-" + hex(6);
  a.sidechain = true;
  a.now = s.main.now;
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
  ax.limit = s.long_ctx ? kLongLimit : kStdLimit;
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
      bool special = false;
      t.tool = pick_tool(s, t.feat, special);
      tools.push_back(std::move(t));
      if (special) break;  // spawns and web searches are the last block of their request
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
  s.x.limit = s.long_ctx ? kLongLimit : kStdLimit;
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
    const std::string name = t.tool == Tool::kRead        ? "Read"
                             : t.tool == Tool::kBash      ? "Bash"
                             : t.tool == Tool::kEdit      ? "Edit"
                             : t.tool == Tool::kWrite     ? "Write"
                             : t.tool == Tool::kMultiEdit ? "MultiEdit"
                             : t.tool == Tool::kGrep      ? "Grep"
                             : t.tool == Tool::kGlob      ? "Glob"
                             : t.tool == Tool::kTask      ? "Task"
                             : t.tool == Tool::kSkill     ? "Skill"
                             : t.tool == Tool::kWebSearch ? "WebSearch"
                                                          : rng_.pick(kMcpTools);
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

void Gen::setup_projects() {
  const int n = std::max(1, opts_.projects);
  for (int i = 0; i < n; ++i) {
    const ProjectTemplate& t = kProjects[static_cast<size_t>(i) % kProjects.size()];
    Project p;
    p.cwd = t.cwd;
    if (i >= static_cast<int>(kProjects.size())) {
      p.cwd += "-" + itos(i / static_cast<int>(kProjects.size()) + 1);
    }
    p.branch = t.branch;
    p.ext = t.ext;
    // short name: last path component, made unique and ASCII
    std::string last = p.cwd.substr(p.cwd.rfind('/') + 1);
    for (char& ch : last) {
      if (static_cast<unsigned char>(ch) >= 0x80) ch = 'x';
    }
    p.short_name = last;
    // encoded directory name: every UTF-16 code unit that is not [A-Za-z0-9] becomes '-'
    std::string enc;
    for (size_t k = 0; k < p.cwd.size();) {
      const auto ch = static_cast<unsigned char>(p.cwd[k]);
      if (ch < 0x80) {
        enc += std::isalnum(ch) != 0 ? static_cast<char>(ch) : '-';
        ++k;
      } else {
        const size_t len = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : 2;
        enc += len == 4 ? "--" : "-";
        k += len;
      }
    }
    p.dir = projects_root_ / enc;
    fs::create_directories(p.dir);
    Rng r(hash2(opts_.seed, static_cast<uint64_t>(i) + 101));
    const int64_t n_files = r.range(15, 40);
    for (int64_t f = 0; f < n_files; ++f) {
      FileEntry fe;
      const std::string& mod = kModuleNames[r.below(kModuleNames.size())];
      switch (r.below(4)) {
        case 0:
          fe.rel = "src/" + p.short_name + "/" + mod + "." + p.ext;
          break;
        case 1:
          fe.rel = "lib/" + p.short_name + "_" + mod + "." + p.ext;
          break;
        case 2:
          fe.rel = "tests/" + p.short_name + "/test_" + mod + "." + p.ext;
          break;
        default:
          fe.rel = "docs/" + p.short_name + "-" + mod + ".md";
          break;
      }
      fe.lines = r.log_range(20, 3000);
      fe.seed = r.next();
      p.files.push_back(fe);
    }
    projects_.push_back(std::move(p));
  }
}

std::unique_ptr<Session> Gen::make_session(int index, Project* p, const VerInfo* v, Model m) {
  auto s = std::make_unique<Session>();
  s->proj = p;
  s->ver = v;
  s->model = m;
  s->thinking = m != Model::Haiku45 && rng_.chance(3, 4);
  const uint64_t ttl = rng_.below(10);
  s->ttl = ttl < 6 ? 0 : ttl < 9 ? 1 : 2;
  s->cc_zero_bug = v->all_final && rng_.chance(1, 10);
  s->want_last_prompt = v->all_final || rng_.chance(1, 4);
  s->summary_first = rng_.chance(1, 12);
  s->want_btw = v->nested && v->request_id && rng_.chance(1, 40);
  s->want_journal = v->nested && rng_.chance(1, 30);
  if (rng_.chance(3, 4)) {
    s->hooks_pre = static_cast<int>(rng_.range(0, 3));
    s->hooks_post = static_cast<int>(rng_.range(1, 4));
  }
  const std::string sid = uuid();
  s->dir = p->dir / sid;
  Chain& c = s->main;
  c.cwd = p->cwd;
  c.session_id = sid;
  c.version = v->str;
  c.branch = p->branch;
  static const std::array<const char*, 12> kSlugWords = {
      "radiant", "floating", "music",    "lexical", "painting", "whisper",
      "humble",  "seeking",  "umbrella", "quiet",   "copper",   "harbor"};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) c.slug += '-';
    c.slug += kSlugWords[rng_.below(kSlugWords.size())];
  }
  const int64_t target = static_cast<int64_t>(opts_.target_bytes);
  const int64_t frac = std::min<int64_t>(written_, target);
  const int64_t span = 60 * kDayMs;
  const int64_t when =
      target > 0 ? static_cast<int64_t>(static_cast<double>(frac) / static_cast<double>(target) *
                                        static_cast<double>(span))
                 : 0;
  c.now = opts_.start_ms + when + rng_.range(0, 8 * 3'600'000);
  s->budget_end = written_ + base_budget_ * rng_.range(30, 170) / 100;
  s->max_read_bytes = std::clamp<int64_t>(base_budget_ / 3, 8'000, 220'000);
  if (opts_.max_read_bytes > 0)
    s->max_read_bytes = std::min(s->max_read_bytes, opts_.max_read_bytes);
  s->x.ctx = rng_.range(9'000, 14'000);
  s->x.pending = rng_.range(3'000, 16'000);
  (void)index;
  return s;
}

CorpusTruth Gen::run() {
  projects_root_ = fs::path(opts_.root) / "projects";
  std::error_code ec;
  if (fs::exists(projects_root_, ec) && !fs::is_empty(projects_root_, ec)) {
    throw std::runtime_error(projects_root_.string() + " already exists and is not empty");
  }
  fs::create_directories(projects_root_, ec);
  if (ec) {
    throw std::runtime_error("cannot create " + projects_root_.string() + ": " + ec.message());
  }
  const auto target = static_cast<int64_t>(opts_.target_bytes);
  base_budget_ = std::clamp<int64_t>(target / 6, 48 << 10, 3 << 20);
  build_code_pool();
  setup_projects();

  const std::array<const VerInfo*, 6> kVers = {&kV2139,  &kV2139, &kV21112,
                                               &kV21112, &kV2138, &kV2163};
  constexpr int kForcedSessions = 5;
  int index = 0;
  while (written_ < target || index < kForcedSessions) {
    const auto np = static_cast<int64_t>(projects_.size());
    Project* p = nullptr;
    const VerInfo* v = nullptr;
    Model m = Model::Opus46;
    if (index < kForcedSessions) {
      static const std::array<int, 5> kProj = {0, 0, 1, 2, 3};
      p = &projects_[static_cast<size_t>(kProj[static_cast<size_t>(index)] % np)];
      static const std::array<const VerInfo*, 5> kForcedVers = {&kV2139, &kV2139, &kV2076, &kV2163,
                                                                &kV21112};
      v = kForcedVers[static_cast<size_t>(index)];
      static const std::array<Model, 5> kForcedModels = {
          Model::Opus46, Model::Opus46, Model::Opus41, Model::Sonnet46, Model::Sonnet45};
      m = kForcedModels[static_cast<size_t>(index)];
    } else {
      // busier projects first
      int64_t pi = rng_.range(0, np * (np + 1) / 2 - 1);
      int64_t k = 0;
      while (pi >= np - k) {
        pi -= np - k;
        ++k;
      }
      p = &projects_[static_cast<size_t>(k)];
      v = rng_.chance(1, 10) ? &kV2076 : kVers[rng_.below(kVers.size())];
      const uint64_t mr = rng_.below(20);
      m = mr < 9    ? Model::Opus46
          : mr < 13 ? Model::Sonnet45
          : mr < 16 ? Model::Sonnet46
          : mr < 18 ? Model::Opus41
                    : Model::Haiku45;
      if (v == &kV2076 && (m == Model::Opus46 || m == Model::Sonnet46)) m = Model::Sonnet45;
    }
    auto s = make_session(index, p, v, m);
    if (index < kForcedSessions) {
      s->budget_end = written_ + std::min<int64_t>(base_budget_, 600 << 10);
    }
    std::unique_ptr<Session> cont;
    if (index == 0) {
      s->thinking = true;
      s->ttl = 2;
      s->want_btw = true;
      s->want_journal = true;
      s->want_compact = true;
      s->want_last_prompt = true;
      s->summary_first = true;
      s->forced = {
          Feat::kTaskNested,  Feat::kEdit,        Feat::kTaskProgressOnly, Feat::kCommit,
          Feat::kWriteCreate, Feat::kSkillFork,   Feat::kGitLog,           Feat::kEditOutside,
          Feat::kBigBash,     Feat::kWriteUpdate, Feat::kEditPrefixTrap,   Feat::kMultiEdit,
          Feat::kCommitFail,  Feat::kEditError,   Feat::kBigRead,          Feat::kGrep,
          Feat::kGlob,        Feat::kMcp,         Feat::kSynthetic,        Feat::kNoFinal};
      if (opts_.include_web_search) s->forced.push_back(Feat::kWebSearch);
      if (opts_.include_bad_lines) {
        for (Feat f : {Feat::kTornHook, Feat::kTornAssistant, Feat::kTornOnlyLine,
                       Feat::kInvalidJson, Feat::kInvalidUtf8, Feat::kNoTimestamp}) {
          s->forced.push_back(f);
        }
      }
    } else if (index == 2) {
      s->forced = {Feat::kTaskFlat, Feat::kMultiEdit, Feat::kEdit};
    } else if (index == 3) {
      s->ttl = 1;
      s->forced = {Feat::kTaskNested, Feat::kEdit, Feat::kCommit};
    } else if (index == 4) {
      s->cc_zero_bug = true;
      s->forced = {Feat::kTaskNested, Feat::kWriteCreate, Feat::kEdit};
      if (opts_.include_long_context) {
        s->long_ctx = true;
        s->x.ctx = rng_.range(205'000, 260'000);  // a resumed 1M-context conversation
      }
    }
    if (index >= kForcedSessions && opts_.include_long_context && m == Model::Sonnet45 &&
        rng_.chance(1, 3)) {
      s->long_ctx = true;
    }
    // resumed sessions: the next session file starts with a verbatim copy of this one's prefix
    if (index == 0 || (index >= kForcedSessions && v->request_id && rng_.chance(1, 12))) {
      cont = make_session(index + 1, p, v, m);
      cont->thinking = s->thinking;
      cont->ttl = s->ttl;
      cont->long_ctx = s->long_ctx;
      open_file(cont->file, p->dir / (cont->main.session_id + ".jsonl"));
      cont->main.out = &cont->file;
      summary_line(cont->main);
      s->main.tee = &cont->file;
      s->main.tee_limit = (s->budget_end - written_) * rng_.range(25, 70) / 100;
      if (index == 0) cont->forced = {Feat::kEdit, Feat::kCommit};
    }
    open_file(s->file, p->dir / (s->main.session_id + ".jsonl"));
    s->main.out = &s->file;
    run_session(*s);
    close_file(s->file);
    ++index;
    if (cont) {
      cont->main.last_uuid = tee_last_uuid_;
      cont->main.now = std::max(s->main.now, tee_end_ms_) + rng_.range(3'600'000, 30 * 3'600'000);
      cont->main.slug_on = true;
      cont->x.pending = rng_.range(20'000, 80'000);
      cont->budget_end = written_ + base_budget_ * rng_.range(30, 120) / 100;
      if (index < kForcedSessions)
        cont->budget_end = written_ + std::min<int64_t>(base_budget_, 300 << 10);
      run_session(*cont);
      close_file(cont->file);
      ++index;
    }
  }

  for (const auto& [key, c] : cands_) {
    (void)key;
    std::string day;
    append_day(day, c.ts);
    DayModelTotals& t = truth_.by_day_model[day + "|" + models_[c.model]];
    t.requests += 1;
    t.input += c.u.in;
    t.output += c.u.out;
    t.cache_create += c.u.cc();
    t.cache_create_1h += c.u.cc1h;
    t.cache_read += c.u.cr;
    t.web_search += c.u.ws;
  }
  return std::move(truth_);
}

}  // namespace

CorpusTruth generate_corpus(const CorpusOptions& opts) {
  Gen g(opts);
  return g.run();
}

std::string truth_to_json(const CorpusTruth& t) {
  std::string o;
  Json j(o);
  j.obj();
  j.k("files").n(t.files);
  j.k("bytes").n(t.bytes);
  j.k("lines").n(t.lines);
  j.k("usage_lines").n(t.usage_lines);
  j.k("malformed_lines").n(t.malformed_lines);
  j.k("by_day_model").obj();
  for (const auto& [key, d] : t.by_day_model) {
    j.k(escaped(key)).obj();
    j.k("requests").n(d.requests);
    j.k("input").n(d.input);
    j.k("output").n(d.output);
    j.k("cache_create").n(d.cache_create);
    j.k("cache_create_1h").n(d.cache_create_1h);
    j.k("cache_read").n(d.cache_read);
    j.k("web_search").n(d.web_search);
    j.end();
  }
  j.end();
  j.k("lines_by_file").obj();
  for (const auto& [path, ar] : t.lines_by_file) {
    j.k(escaped(path)).arr().n(ar.first).n(ar.second).end();
  }
  j.end();
  j.k("commit_shas").arr();
  for (const auto& sha : t.commit_shas)
    j.s(sha);
  j.end();
  j.end();
  o += '\n';
  return o;
}

}  // namespace codepulse::bench
