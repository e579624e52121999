// discover: the small path helpers every log source's discovery uses: "~/"
// expanded, trailing slashes dropped, comma-separated folder lists
// (CLAUDE_CONFIG_DIR, CODEX_HOME, GEMINI_DATA_DIR), folder and file tests.
#pragma once

#include <string>
#include <vector>

namespace codepulse::tracker {

std::string expand_home(const std::string& path, const std::string& home);
std::string strip_trailing_slash(std::string path);
// The entries of a comma-separated list, each trimmed; empty ones dropped.
std::vector<std::string> split_folder_list(const std::string& list);
bool is_dir(const std::string& path);
bool is_file(const std::string& path);

}  // namespace codepulse::tracker
