// discover: where Claude Code keeps its transcripts, and which files there are
// transcripts (claude-code-format.md §1).
#pragma once

#include <string>
#include <vector>

#include "common/environment.hpp"
#include "common/result.hpp"

namespace codepulse::tracker {

struct Problem {
  std::string path;
  std::string message;
};

// The projects folders to read. `explicit_dirs` (from --claude-dir) win over
// the environment; each may be a Claude config root (holding projects/) or a
// folder of transcripts itself. Without them: every CLAUDE_CONFIG_DIR entry
// (comma-separated), else $XDG_CONFIG_HOME/claude (or ~/.config/claude) and
// ~/.claude. A CLAUDE_CONFIG_DIR with no usable entry is an error.
Result<std::vector<std::string>> find_projects_dirs(const Environment& env,
                                                    const std::vector<std::string>& explicit_dirs);

// The projects folders to watch, whether they exist yet or not (a first-ever
// Claude Code run creates them): the same places as find_projects_dirs().
std::vector<std::string> candidate_projects_dirs(const Environment& env,
                                                 const std::vector<std::string>& explicit_dirs);

struct Listing {
  std::vector<std::string> files;  // sorted; each (device, inode) once
  std::vector<Problem> problems;   // unreadable folders, folders named *.jsonl, ...
};

// Every *.jsonl below the folders, except files that are not transcripts
// (journal.jsonl, history.jsonl). Symbolic links to folders are not followed.
Listing list_transcripts(const std::vector<std::string>& projects_dirs);

bool is_transcript_name(const std::string& file_name);

}  // namespace codepulse::tracker
