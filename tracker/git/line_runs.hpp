// Who wrote each line of a file version, as runs of lines: what the git pass
// keeps instead of asking `git blame` for every commit (docs/PROVENANCE.md,
// "Rework"). A commit's zero-context patch turns its parent's runs into its
// own: unchanged lines keep their writer, removed lines come out (their
// writers are what the commit reworked), added lines are the commit's.
#pragma once

#include <cstdint>
#include <vector>

namespace codepulse::tracker {

// A run of consecutive lines written by one writer. A writer >= 0 is an
// index the caller gives (a commit of the pass and the path it wrote); a
// writer < 0 stands for lines of a file version from before the pass,
// -1 - writer being the caller's index for that version, and `first` its
// first line there (1-based), so that blame can still be asked for them.
struct LineRun {
  int64_t writer = 0;
  int64_t first = 0;  // for a version from before the pass; 0 otherwise
  int64_t count = 0;
};

using LineRuns = std::vector<LineRun>;

// A file version from before the pass, of a length not known: every line
// is its own, from line 1 on.
LineRuns unread_version(int64_t version);

// One hunk of a zero-context patch, "@@ -old_start,old_count +new_start,new_count @@".
struct PatchHunk {
  int64_t old_start = 0, old_count = 0, new_start = 0, new_count = 0;
};

// The runs after applying `hunks` (in file order) to `old`: added lines are
// `writer`'s. The removed lines' runs are appended to `removed` in file
// order. False when the hunks do not fit `old` (out of order, or past its
// end).
bool apply_hunks(const LineRuns& old, const std::vector<PatchHunk>& hunks, int64_t writer,
                 LineRuns& out, LineRuns* removed);

// A merge: line by line, `first`'s writer unless it is `merge_writer` (a line
// the first parent does not have), then `second`'s. Both describe the same
// file version; past the shorter one, `first`'s lines stand.
LineRuns overlay(const LineRuns& first, const LineRuns& second, int64_t merge_writer);

}  // namespace codepulse::tracker
