// The generator's plain state: projects and their files, line streams (chains), token context,
// requests and their usage, tools and forced features, sessions, dedupe candidates.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/corpus/models.hpp"
#include "tests/corpus/out_file.hpp"

namespace codepulse::bench::corpus {

namespace fs = std::filesystem;

constexpr int64_t kStdLimit = 200'000;  // max input+cache_create+cache_read without long context
constexpr int64_t kLongLimit = 600'000;

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

// A sidechain stream that writes the envelope of `from` (its session, cwd, branch, slug and
// time) under agent_id; it has no file and no parent until the caller gives it one.
Chain side_chain(const Chain& from, std::string agent_id);

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

// The tool_use name of a built-in tool ("Read", "Task", ...); "Other" for an MCP tool, which is
// named per call.
const char* tool_name(Tool t);
// Whether the sessions' PreToolUse/PostToolUse hooks run for the tool.
bool runs_hooks(Tool t);
// Whether the tool_use is the last block of its request (spawns and web searches).
bool ends_request(Tool t);

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

  int64_t ctx_limit() const { return long_ctx ? kLongLimit : kStdLimit; }
  // Lines of a file a tool result shows in full (originalFile, Write content).
  int64_t capped_lines(int64_t lines) const {
    return std::min<int64_t>(lines, max_read_bytes / 40 + 1);
  }
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

// One tool call: its input, its prepared result and what the result changes.
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

  void set_patch(const std::string& abs, int64_t lines_added, int64_t lines_removed) {
    patch_abs = abs;
    added = lines_added;
    removed = lines_removed;
  }
};

}  // namespace codepulse::bench::corpus
