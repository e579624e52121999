// parse: where a Gemini CLI session file sits (its project's folder below
// ~/.gemini/tmp, and the parent session of a subagent's file) and the
// folder the project is. Gemini CLI logs no cwd with its messages: it keeps
// the project's folder in <project tmp>/.project_root, and maps folders to
// project names in ~/.gemini/projects.json.
#pragma once

#include <string>
#include <unordered_map>

namespace codepulse::tracker {

// <tmp>/<project>/chats/<file>, or <tmp>/<project>/chats/<parent session>/<file>
// for a subagent's session.
struct GeminiChatPath {
  std::string project_dir;     // <tmp>/<project>; "" when the path has no chats/ folder
  std::string parent_session;  // a subagent's parent session id, else ""
  std::string stem;            // the file's name without .json / .jsonl
};
GeminiChatPath split_gemini_chat_path(const std::string& path);

class GeminiProjects {
 public:
  // The absolute folder of the project whose temporary folder is
  // `project_dir`: <project_dir>/.project_root, else the entry of
  // <project_dir>/../../projects.json whose name is the folder's (or, for a
  // folder named by the older SHA-256 of the path, whose path hashes to
  // it). "" when neither tells.
  std::string cwd_of(const std::string& project_dir);

 private:
  std::unordered_map<std::string, std::string> known_;  // found ones only
};

}  // namespace codepulse::tracker
