// The fixed vocabulary the generated text is drawn from: words, non-ASCII phrases, hook
// commands, MCP tools, skills, project templates and module names.
#pragma once

#include <string>
#include <vector>

namespace codepulse::bench::corpus {

extern const std::vector<std::string> kWords;
extern const std::vector<std::string> kNonAscii;
extern const std::vector<std::string> kHookCommands;
extern const std::vector<std::string> kMcpTools;
extern const std::vector<std::string> kSkills;

struct ProjectTemplate {
  const char* cwd;
  const char* branch;
  const char* ext;
};

extern const std::vector<ProjectTemplate> kProjects;
extern const std::vector<std::string> kModuleNames;

}  // namespace codepulse::bench::corpus
