// parse: the fields a record needs from OpenCode's message and part JSON
// (the `data` column of its database, or a legacy storage/message file).
// Read with simdjson on demand, field by field: prompts, answers, reasoning,
// tool inputs and outputs are skipped, except a tool's file path, whether a
// shell command is a git commit (and the sha it printed), and line counts.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracker/parse/line_parser.hpp"

namespace codepulse::tracker::opencode {

// tokens{total?, input, output, reasoning, cache{read, write}} as OpenCode
// writes them (opencode-ai 1.18.33): every bucket disjoint. input excludes
// the cache reads and writes, output excludes reasoning.
struct Tokens {
  bool present = false;
  int64_t input = 0, output = 0, reasoning = 0, cache_read = 0, cache_write = 0;
  std::optional<int64_t> total;

  bool any() const { return input + output + reasoning + cache_read + cache_write > 0; }
};
// Into a record's buckets: output gains reasoning, unless `total` says the
// output already holds it (rows of older OpenCode versions).
TokenCounts to_counts(const Tokens& t);

// An assistant (or user) message's data.
struct MessageFields {
  std::string id, session_id;  // legacy files only: the database has columns
  std::string role, parent_id, model_id, provider_id, cwd;
  int64_t created_ms = 0;
  Tokens tokens;
};

enum class PartKind { kOther, kStepFinish, kTool };

// A part's data: a step-finish's tokens, or a tool call's allowlisted facts.
struct PartFields {
  PartKind kind = PartKind::kOther;
  Tokens tokens;                // step-finish
  std::vector<ToolCall> calls;  // tool: one per file for a patch, else one
  bool finished = false;        // tool: completed or failed (its result is known)
};

// The model a record names: modelID, prefixed by providerID when the
// provider is an endpoint priced apart (Bedrock, Vertex) and the model id
// does not say so itself.
std::string model_name(std::string_view provider_id, std::string_view model_id);

// Cheap, allocation-free: false for part JSON that cannot be a step-finish
// or a tool call (text, reasoning, step-start, patch, ...).
bool part_may_matter(std::string_view json);

struct ToolState;  // a tool part's state, read once its name is known

class JsonReader {
 public:
  // Each returns nullptr, or what is broken (never JSON content).
  const char* message(std::string_view json, MessageFields& out);
  const char* part(std::string_view json, PartFields& out);
  // Line provenance (docs/PROVENANCE.md): the lines a completed edit,
  // multiedit, write or patch call wrote are fingerprinted with `fp` as its
  // input is read (nullptr: off); the text is not kept.
  void set_fingerprinter(LineFingerprinter* fp) { fp_ = fp; }

 private:
  struct ToolInput {
    std::string file_path;
    bool git_commit = false;
    int64_t content_lines = 0;
    std::vector<ToolCall> patch_files;
    // Line provenance: oldString; newString or content. The fingerprints of
    // a patch's + lines; multiedit's edits, each new less old.
    WrittenLines change;
    std::vector<int64_t> patch_added, edited;
  };
  struct ToolMetadata {
    bool created = false, counted = false;
    int64_t added = 0, removed = 0;
    std::vector<ToolCall> files;
  };
  simdjson::padded_string_view padded(std::string_view json);
  // `raw` (JSON inside buffer_) as the inner parser's document, or a value.
  bool inner_document(std::string_view raw);
  bool inner_value(std::string_view raw, simdjson::ondemand::value& out);
  void read_input(const std::string& tool, const std::string& call_id, std::string_view raw,
                  ToolInput& in);
  void read_metadata(const std::string& call_id, std::string_view raw, ToolMetadata& m);
  void tool_calls(const std::string& tool, const std::string& call_id, const ToolState& state,
                  PartFields& p);
  LineFingerprinter* fp_ = nullptr;
  simdjson::ondemand::parser parser_;
  simdjson::ondemand::parser inner_;  // a tool's input and metadata, read after its name
  simdjson::ondemand::document inner_doc_;
  std::string buffer_;
};

}  // namespace codepulse::tracker::opencode
