// A commit's files and reworked lines as JSON arrays: the shape a batch
// carries them in (proto/README.md, "Commit"), which the tracker's commit
// queue also stores them in. Writing only; each reader checks its own input.
#pragma once

#include <vector>

#include "common/json_writer.hpp"
#include "common/record/commit_record.hpp"

namespace codepulse::proto {

// [{"path", "added", "removed", "binary"[, "lines_added", "ai_lines_added"]}, ...]
// (the provenance counts only for a scored file: lines_added > 0)
void write_commit_files(JsonWriter& w, const std::vector<CommitFile>& files);
// [{"original_sha", "path", "lines"}, ...]
void write_reworked_lines(JsonWriter& w, const std::vector<ReworkedLines>& reworked);
// The entries alone, inside an array the caller opened; `mark` names a flag
// set true on each (the tracker's store keeps reworked and fix-blame entries
// in one array); nullptr: none.
void write_reworked_entries(JsonWriter& w, const std::vector<ReworkedLines>& reworked,
                            const char* mark = nullptr);

}  // namespace codepulse::proto
