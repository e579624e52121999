#include "tests/support/claude_code_run.hpp"

#include <simdjson.h>

#include <cctype>

namespace codepulse::test {
namespace {

// Claude Code's folder name for a working directory: every character but a
// letter or digit becomes '-'.
std::string project_folder(const std::string& cwd) {
  std::string out = cwd;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
  return out;
}

// A string field of a JSON object (an element, or the result of a lookup);
// empty when missing.
std::string string_field(auto e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v)) return "";
  return std::string(v);
}

}  // namespace

ClaudeCodeRun run_claude_code(const std::string& claude, const std::string& home,
                              const std::string& cwd, const std::string& base_url,
                              const std::string& prompt,
                              const std::vector<std::string>& allowed_tools) {
  std::vector<std::string> command = {claude,          "-p", prompt, "--output-format", "json",
                                      "--allowedTools"};
  command.insert(command.end(), allowed_tools.begin(), allowed_tools.end());
  ClaudeCodeRun out;
  static_cast<OfflineRun&>(out) =
      run_offline(home, cwd,
                  {"ANTHROPIC_BASE_URL=" + base_url, "ANTHROPIC_API_KEY=sk-ant-mock-key",
                   "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1", "DISABLE_AUTOUPDATER=1",
                   "DISABLE_TELEMETRY=1", "DISABLE_ERROR_REPORTING=1", "GIT_CONFIG_NOSYSTEM=1"},
                  command);
  out.session_id = output_field(out, "session_id");
  out.project_dir = home + "/.claude/projects/" + project_folder(cwd);
  return out;
}

std::map<std::string, std::vector<std::string>> assistant_lines(const std::string& jsonl_path) {
  std::map<std::string, std::vector<std::string>> out;
  const std::string all = read_file(jsonl_path);
  simdjson::dom::parser parser;
  for (size_t pos = 0; pos < all.size();) {
    const size_t end = all.find('\n', pos);
    std::string line = all.substr(pos, end - pos);
    pos = end == std::string::npos ? all.size() : end + 1;
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc) || string_field(doc, "type") != "assistant") continue;
    out[string_field(doc["message"], "id")].push_back(std::move(line));
  }
  return out;
}

std::vector<std::string> subagent_transcripts(const ClaudeCodeRun& run) {
  return files_below(run.project_dir + "/" + run.session_id + "/subagents", "/", ".jsonl");
}

}  // namespace codepulse::test
