#include "tracker/git/git_path.hpp"

namespace codepulse::tracker {

std::string unquote_git_path(std::string_view text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::string(text);
  text = text.substr(1, text.size() - 2);
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char c = text[++i];
    switch (c) {
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      default:
        if (c >= '0' && c <= '3' && i + 2 < text.size()) {  // \ooo, one byte
          out += static_cast<char>(((c - '0') << 6) | ((text[i + 1] - '0') << 3) |
                                   (text[i + 2] - '0'));
          i += 2;
        } else {
          out += c;  // \" and \\ .
        }
    }
  }
  return out;
}

std::string patch_header_path(std::string_view header) {
  if (header.ends_with('\t')) header.remove_suffix(1);
  const std::string path = unquote_git_path(header);
  return path.size() > 2 && path[1] == '/' ? path.substr(2) : std::string();
}

}  // namespace codepulse::tracker
