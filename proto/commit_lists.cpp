// The JSON arrays of a commit's files and reworked lines (commit_lists.hpp).
#include "proto/commit_lists.hpp"

namespace codepulse::proto {

void write_commit_files(JsonWriter& w, const std::vector<CommitFile>& files) {
  w.begin_array();
  for (const CommitFile& f : files) {
    w.begin_object()
        .field("path", f.path)
        .field("added", f.added)
        .field("removed", f.removed)
        .field("binary", f.binary);
    // Line provenance counts, only for a file the tracker scored.
    if (f.lines_added > 0)
      w.field("lines_added", f.lines_added).field("ai_lines_added", f.ai_lines_added);
    // Duplication, only for a file with a block.
    if (f.ai_blocks > 0 || f.other_blocks > 0)
      w.field("ai_blocks", f.ai_blocks)
          .field("ai_blocks_repeated", f.ai_blocks_repeated)
          .field("other_blocks", f.other_blocks)
          .field("other_blocks_repeated", f.other_blocks_repeated);
    // Survival, only once measured at its mark.
    if (f.lines_alive_21d >= 0)
      w.field("lines_alive_21d", f.lines_alive_21d)
          .field("ai_lines_alive_21d", f.ai_lines_alive_21d);
    if (f.lines_alive_90d >= 0)
      w.field("lines_alive_90d", f.lines_alive_90d)
          .field("ai_lines_alive_90d", f.ai_lines_alive_90d);
    w.end_object();
  }
  w.end_array();
}

void write_reworked_entries(JsonWriter& w, const std::vector<ReworkedLines>& reworked,
                            const char* mark) {
  for (const ReworkedLines& r : reworked) {
    w.begin_object()
        .field("original_sha", r.original_sha)
        .field("path", r.path)
        .field("lines", r.lines);
    // Line-level rework, only when the original commit was scored.
    if (r.ai_lines >= 0) w.field("ai_lines", r.ai_lines);
    if (mark) w.field(mark, true);
    w.end_object();
  }
}

void write_reworked_lines(JsonWriter& w, const std::vector<ReworkedLines>& reworked) {
  w.begin_array();
  write_reworked_entries(w, reworked);
  w.end_array();
}

}  // namespace codepulse::proto
