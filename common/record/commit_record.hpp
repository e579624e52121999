// A git commit as the tracker ships it: metadata and per-file line counts,
// never the message, the diff or a line of source (docs/METRICS.md, issue 6).
// Every field is listed here; nothing else exists to leak.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace codepulse {

struct CommitFile {
  std::string path;  // repository-relative (or "h:<hmac>" when keyed hashing is on)
  int64_t added = 0, removed = 0;
  bool binary = false;  // git reports no line counts for a binary file
  // Line provenance (docs/PROVENANCE.md), counted on the laptop: of the added
  // lines, those scored (non-trivial, in a scored text file) and of them
  // those an assistant wrote, matched by keyed fingerprint. 0 and 0 when the
  // tracker did not score the file.
  int64_t lines_added = 0, ai_lines_added = 0;
  // Survival (docs/PROVENANCE.md, "Survival"), counted on the laptop: of the
  // scored added lines, those still in the file on the default branch as it
  // stood 21 and 90 days after the commit, and of them the AI's. -1 until
  // that mark was measured.
  int64_t lines_alive_21d = -1, ai_lines_alive_21d = -1;
  int64_t lines_alive_90d = -1, ai_lines_alive_90d = -1;
  // Duplication (docs/PROVENANCE.md, "Duplication"), counted on the laptop:
  // the blocks of 6 or more consecutive scored added lines all the
  // assistants' (or all others'), and of them those repeating code found
  // elsewhere in the repository's tree at the commit.
  int64_t ai_blocks = 0, ai_blocks_repeated = 0;
  int64_t other_blocks = 0, other_blocks_repeated = 0;
};

// Lines an earlier commit wrote that this commit deleted or rewrote, within
// the rework window: counted on the laptop, only the count leaves it.
struct ReworkedLines {
  std::string original_sha;  // the commit that wrote the lines
  std::string path;          // the file, as the original commit named it
  int64_t lines = 0;
  // Line-level rework (docs/PROVENANCE.md, "Rework at line level"): of
  // `lines`, those the original commit's assistants wrote (matched by keyed
  // fingerprint on the laptop); -1 when the original commit was not scored.
  int64_t ai_lines = -1;
};

struct CommitRecord {
  std::string repo;  // normalized like usage records: "github.com/acme/api", "local/<folder>"
  std::string sha;   // full hex object name
  std::vector<std::string> parents;
  std::string author_email, committer_email;
  int64_t author_ms = 0, committer_ms = 0;
  std::string branch;        // a local branch holding it when first read (may be a keyed hash)
  std::string task_keys;     // comma-separated task keys found in the message; only the keys
  bool ai_coauthor = false;  // the message has a Co-Authored-By trailer of an AI assistant
  // On the default branch's first-parent chain when read: its lines are
  // accepted (docs/PROVENANCE.md, "Cost per accepted AI line").
  bool on_default_branch = false;
  std::vector<CommitFile> files;
  std::vector<ReworkedLines> reworked;  // earlier commits' lines this one reworked
  // A commit naming a task key (a fix, maybe): the commits whose lines it
  // rewrote or deleted that are older than the rework window, blamed back
  // to fix_blame_days (docs/DELIVERY.md, "Bugs"); ai_lines is -1. Not rework.
  std::vector<ReworkedLines> fix_blame;
};

}  // namespace codepulse
