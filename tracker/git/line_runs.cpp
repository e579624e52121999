#include "tracker/git/line_runs.hpp"

#include <algorithm>
#include <limits>

namespace codepulse::tracker {
namespace {

// The length of a version from before the pass, as far as runs go.
constexpr int64_t kOpenEnded = std::numeric_limits<int64_t>::max() / 4;

// Appends `count` lines of `run` starting `skip` lines into it, joining a
// run that continues the last one.
void push(LineRuns& out, const LineRun& run, int64_t skip, int64_t count) {
  if (count <= 0) return;
  const int64_t first = run.writer < 0 ? run.first + skip : 0;
  if (!out.empty()) {
    LineRun& last = out.back();
    if (last.writer == run.writer && (run.writer >= 0 || last.first + last.count == first)) {
      last.count += count;
      return;
    }
  }
  out.push_back(LineRun{run.writer, first, count});
}

// Walks runs line by line in order: take(n) hands out the next n lines.
class RunCursor {
 public:
  explicit RunCursor(const LineRuns& runs) : runs_(runs) {}
  // Moves the next n lines to `out` (nullptr: drops them); false past the end.
  bool take(int64_t n, LineRuns* out) {
    while (n > 0) {
      if (at_ == runs_.size()) return false;
      const LineRun& r = runs_[at_];
      const int64_t here = std::min(n, r.count - used_);
      if (out) push(*out, r, used_, here);
      used_ += here;
      n -= here;
      if (used_ == r.count) {
        ++at_;
        used_ = 0;
      }
    }
    return true;
  }
  void rest(LineRuns& out) {
    if (at_ < runs_.size()) {
      push(out, runs_[at_], used_, runs_[at_].count - used_);
      for (size_t i = at_ + 1; i < runs_.size(); ++i)
        push(out, runs_[i], 0, runs_[i].count);
    }
    at_ = runs_.size();
  }

 private:
  const LineRuns& runs_;
  size_t at_ = 0;
  int64_t used_ = 0;
};

}  // namespace

LineRuns unread_version(int64_t version) {
  return {LineRun{-1 - version, 1, kOpenEnded}};
}

bool apply_hunks(const LineRuns& old, const std::vector<PatchHunk>& hunks, int64_t writer,
                 LineRuns& out, LineRuns* removed) {
  out.clear();
  RunCursor cursor(old);
  int64_t done = 0;  // old lines consumed
  for (const PatchHunk& h : hunks) {
    // With no line removed, old_start names the line after which lines go.
    const int64_t before = h.old_count == 0 ? h.old_start : h.old_start - 1;
    if (before < done || h.old_count < 0 || h.new_count < 0) return false;
    if (!cursor.take(before - done, &out)) return false;
    if (!cursor.take(h.old_count, removed)) return false;
    done = before + h.old_count;
    if (h.new_count > 0) push(out, LineRun{writer, 0, h.new_count}, 0, h.new_count);
  }
  cursor.rest(out);
  return true;
}

LineRuns overlay(const LineRuns& first, const LineRuns& second, int64_t merge_writer) {
  LineRuns out;
  size_t i = 0, j = 0;
  int64_t used_i = 0, used_j = 0;
  while (i < first.size()) {
    const LineRun& a = first[i];
    const bool paired = j < second.size();
    const int64_t n =
        paired ? std::min(a.count - used_i, second[j].count - used_j) : a.count - used_i;
    if (a.writer == merge_writer && paired)
      push(out, second[j], used_j, n);
    else
      push(out, a, used_i, n);
    if ((used_i += n) == a.count) {
      ++i;
      used_i = 0;
    }
    if (paired && (used_j += n) == second[j].count) {
      ++j;
      used_j = 0;
    }
  }
  return out;
}

}  // namespace codepulse::tracker
