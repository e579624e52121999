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
    w.end_object();
  }
  w.end_array();
}

void write_reworked_lines(JsonWriter& w, const std::vector<ReworkedLines>& reworked) {
  w.begin_array();
  for (const ReworkedLines& r : reworked)
    w.begin_object()
        .field("original_sha", r.original_sha)
        .field("path", r.path)
        .field("lines", r.lines)
        .end_object();
  w.end_array();
}

}  // namespace codepulse::proto
