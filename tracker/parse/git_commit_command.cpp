// Whether a shell command runs `git commit`, and the sha a commit prints.
#include "tracker/parse/git_commit_command.hpp"

#include <vector>

namespace codepulse::tracker {

bool is_git_commit_command(std::string_view cmd) {
  // Each shell command segment: skip VAR=value prefixes; if the program is
  // git, its first non-option word is the subcommand.
  size_t pos = 0;
  while (pos <= cmd.size()) {
    size_t end = cmd.find_first_of(";&|\n(", pos);
    if (end == std::string_view::npos) end = cmd.size();
    std::string_view seg = cmd.substr(pos, end - pos);
    pos = end + 1;
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < seg.size()) {
      while (i < seg.size() && (seg[i] == ' ' || seg[i] == '\t'))
        ++i;
      const size_t start = i;
      while (i < seg.size() && seg[i] != ' ' && seg[i] != '\t')
        ++i;
      if (i > start) words.push_back(seg.substr(start, i - start));
    }
    size_t w = 0;
    while (w < words.size() && words[w].find('=') != std::string_view::npos && words[w][0] != '-')
      ++w;
    if (w < words.size() && words[w] == "sudo") ++w;
    if (w >= words.size() || words[w] != "git") continue;
    for (++w; w < words.size(); ++w) {
      const std::string_view word = words[w];
      if (word == "-C" || word == "-c" || word == "--git-dir" || word == "--work-tree" ||
          word == "--namespace") {
        ++w;  // option with a separate value
        continue;
      }
      if (!word.empty() && word[0] == '-') continue;
      if (word == "commit") return true;
      break;
    }
  }
  return false;
}

std::string extract_commit_sha(std::string_view out) {
  // First line: "[branch sha] subject" or "[branch (root-commit) sha] subject".
  if (out.empty() || out[0] != '[') return {};
  const size_t close = out.find(']');
  const size_t eol = out.find('\n');
  if (close == std::string_view::npos || (eol != std::string_view::npos && eol < close)) return {};
  std::string_view inside = out.substr(1, close - 1);
  const size_t sp = inside.rfind(' ');
  if (sp == std::string_view::npos) return {};
  std::string_view sha = inside.substr(sp + 1);
  if (sha.size() < 7 || sha.size() > 40) return {};
  for (char c : sha)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
  return std::string(sha);
}

}  // namespace codepulse::tracker
