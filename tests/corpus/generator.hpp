// Deterministic generator of realistic Claude Code transcript trees (~/.claude/projects/...).
//
// Used by the benchmarks to write a large corpus and by the tests to write small corpora whose
// deduplicated usage totals are known. The truth is computed while writing (every usage record
// that is written is fed through the dedupe rule below), never by parsing the output back.
//
// Dedupe rule the truth follows (see shared/design/claude-code-format.md §3.4 and its correction):
//  - countable records: `type:"assistant"` lines with `message.usage` and
//    `message.model != "<synthetic>"`, plus `type:"progress"` lines whose `data.type` is
//    `agent_progress` and whose `data.message.message` has a `usage` object;
//  - key: message.id + requestId (message.id alone when the line has no requestId), global
//    across all files;
//  - the record with the largest input+output+cache_create+cache_read wins, a tie goes to the
//    later line; a sidechain record that matches a non-sidechain one by message.id alone (the
//    /btw replay, which has a new requestId) loses to it;
//  - cache_create = ephemeral_5m + ephemeral_1h from usage.cache_creation;
//  - the day is the UTC day of the winning record's timestamp (`timestamp`, or
//    `data.message.timestamp` for progress records).
// The corpus is built so that this rule and ccusage 20.0.24 (which prefers non-sidechain records
// before comparing totals, keeps the first of equal records, and in `daily` merges lines without
// requestId only through its sidechain/message.id fallback) give the same per-day tokens: copies
// of one request that differ in sidechain flag carry the same usage, all snapshot lines of one
// request are written on the same UTC day, and requestId-less sessions write one non-sidechain
// line per message (sidechain copies may repeat it) and are never resumed.
//
// Contents (Claude Code 2.0.76 / 2.1.38 / 2.1.39 / 2.1.63 / 2.1.112 shapes, as in the spotter
// fixtures): main sessions with string prompts (emoji, CJK, RTL text), one line per content block
// (thinking/text/tool_use) with placeholder output_tokens until an optional final line (2.1.3x)
// or final usage on every line (2.1.112); tool_use Read/Edit/Write/MultiEdit/Bash/Grep/Glob/Task/
// Skill/WebSearch/mcp__* followed by tool_result + toolUseResult lines (big Read results carry
// most bytes); hook/bash/agent progress lines; Task/Skill subagents as nested files mirrored by
// agent_progress lines, as progress lines only (no file), or as flat agent-<id>.jsonl (2.0.76);
// *.meta.json sidecars; agent-acompact-* compaction agents with compact_boundary lines; workflow
// journal.jsonl files with their agents; tool-results/<id>.txt; resumed sessions that start with
// a verbatim copy of an earlier session's prefix; /btw sidechain replays of a main message with a
// new requestId; <synthetic> API error lines; requestId-less lines (2.1.63); 5m and 1h cache
// writes (and cache_creation_input_tokens:0 with a non-zero breakdown, as before 2.1.152);
// system/summary/file-history-snapshot/queue-operation/last-prompt lines; bad lines (torn lines,
// NaN, invalid UTF-8 in a prompt, a progress line without timestamp). The first five sessions
// force every one of these shapes.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

namespace codepulse::bench {

struct CorpusOptions {
  uint64_t seed = 1;
  uint64_t target_bytes = 10 << 20;  // approximate total size to write
  std::string root;                  // writes <root>/projects/<encoded-cwd>/<session>.jsonl etc.
  int projects = 8;
  int64_t start_ms = 1767225600000;  // 2026-01-01T00:00:00Z; sessions spread over ~60 days
  // Requests with input+cache_create+cache_read > 200k on claude-sonnet-4-5 (priced differently
  // by codepulse vs ccusage). Without it every request stays <= 200,000.
  bool include_long_context = false;
  bool include_web_search = false;  // usage.server_tool_use.web_search_requests > 0
  // Torn/invalid JSON lines, invalid UTF-8 bytes inside strings, lines with no timestamp.
  bool include_bad_lines = true;
  // If > 0, caps the size of tool results (Read contents, Bash output) below the per-session
  // default of 8,000 to 220,000 bytes: a small cap makes a corpus dense in requests.
  int64_t max_read_bytes = 0;
  // If non-empty, every prompt, answer, thinking, tool input, tool result, patch line, summary and
  // file content contains this string followed by "-<n>" (n = per-occurrence counter). File
  // paths never contain it (a Read input holds nothing else).
  std::string canary;
};

struct DayModelTotals {
  int64_t requests = 0, input = 0, output = 0, cache_create = 0, cache_create_1h = 0,
          cache_read = 0, web_search = 0;
};

struct CorpusTruth {
  // key: "YYYY-MM-DD|model" (UTC day of the winning line's timestamp); model as written in the log.
  // cache_create includes the 1h writes; cache_create_1h is the 1h part alone.
  std::map<std::string, DayModelTotals> by_day_model;
  // files/bytes: every file written (.jsonl, .meta.json, tool-results .txt).
  // lines: newline-terminated lines in all .jsonl files (journal.jsonl included).
  // usage_lines: physical lines that carry a countable usage record (see the rule above), torn
  //   ones excluded; resumed copies and progress mirrors count again (before dedupe).
  // malformed_lines: lines that are not valid UTF-8 JSON (torn, invalid JSON, invalid UTF-8).
  int64_t files = 0, bytes = 0, lines = 0, usage_lines = 0, malformed_lines = 0;
  // Per repo-relative file path (relative to the session cwd): lines added/removed by
  // Edit/Write/MultiEdit according to toolUseResult.structuredPatch ("+"/"-" lines), summed over
  // unique tool_use ids. Not included: files outside the session cwd (including the
  // "<cwd>-old/..." prefix trap) and files whose patches add and remove nothing (Write "create"
  // results carry an empty structuredPatch in 2.1.3x sessions). Paths are unique across projects.
  std::map<std::string, std::pair<int64_t, int64_t>> lines_by_file;
  std::set<std::string> commit_shas;  // SHAs reported by successful Bash "git commit" results
};

// Writes the tree under opts.root. Every shape (subagent layouts, resume copy, /btw replay, bad
// lines, ...) is forced into the first sessions, so at least about 1 MB is written whatever the
// target. Throws std::runtime_error on I/O failure, or if <root>/projects already exists and is
// not empty; std::logic_error if the generator breaks its own invariants (see above).
CorpusTruth generate_corpus(const CorpusOptions& opts);

std::string truth_to_json(const CorpusTruth& truth);

}  // namespace codepulse::bench
