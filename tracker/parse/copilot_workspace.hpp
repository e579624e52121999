// parse: where a Copilot CLI session ran. Its OpenTelemetry spans carry no
// working folder; the session's own <copilot home>/session-state/<session
// id>/workspace.yaml does (cwd, branch). Only those two keys are read: the
// file also holds the session's name (its first prompt) and summaries.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace codepulse::tracker {

struct CopilotWorkspace {
  std::string cwd, branch;  // empty when unknown
};

// The value of top-level `key` in a workspace.yaml text ("" when absent).
std::string copilot_workspace_value(std::string_view yaml, std::string_view key);

class CopilotWorkspaces {
 public:
  // The Copilot home of an export file: <home>/otel/<file> -> <home>;
  // "" when the file is not in a folder named otel.
  static std::string home_of_export(std::string_view export_path);
  void set_home(std::string home);
  // The session's workspace (cached; empty fields when it cannot be read).
  const CopilotWorkspace& find(const std::string& session_id);

 private:
  std::string home_;
  std::unordered_map<std::string, CopilotWorkspace> cache_;
};

}  // namespace codepulse::tracker
