// Git config files: the character-level parser, the remote URL of a
// repository's config and user.email from the global config with its includes.
#include "tracker/git/git_config.hpp"

#include <cstddef>
#include <utility>

#include "common/ascii.hpp"
#include "common/result.hpp"
#include "tracker/git/metadata_files_internal.hpp"

namespace codepulse {

using namespace git_internal;

namespace {

constexpr size_t kMaxConfigFileBytes = 4 * 1024 * 1024;
constexpr int kMaxIncludeDepth = 10;  // git's own limit

// git's own notion of whitespace in config files.
bool is_space(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_key_char(int c) {
  return is_alnum(c) || c == '-';
}

// The parser behind parse_git_config (see git_config.hpp for the rules).
class ConfigParser {
 public:
  explicit ConfigParser(std::string_view text) : text_(text) {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // UTF-8 byte order mark
  }

  std::vector<ConfigEntry> parse() {
    std::vector<ConfigEntry> entries;
    bool in_comment = false;
    for (;;) {
      const int c = next();
      if (c == '\n') {
        if (eof_) break;
        in_comment = false;
        continue;
      }
      if (in_comment || is_space(c)) continue;
      if (c == '#' || c == ';') {
        in_comment = true;
        continue;
      }
      if (c == '[') {
        if (!parse_section_header()) break;
        continue;
      }
      if (!is_alpha(c)) break;
      ConfigEntry entry{section_, subsection_, std::string(1, ascii_lower(static_cast<char>(c))),
                        std::nullopt};
      if (!parse_entry(entry)) break;
      entries.push_back(std::move(entry));
    }
    return entries;
  }

 private:
  // Next character with "\r\n" folded to "\n"; the end of input reads as a
  // final "\n" and sets eof_.
  int next() {
    if (pos_ >= text_.size()) {
      eof_ = true;
      return '\n';
    }
    const char c = text_[pos_++];
    if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
      return '\n';
    }
    return static_cast<unsigned char>(c);
  }

  bool parse_section_header() {
    std::string name;
    for (;;) {
      const int c = next();
      if (eof_) return false;
      if (c == ']') break;
      if (is_space(c)) return parse_quoted_subsection(std::move(name));
      if (!is_key_char(c) && c != '.') return false;
      name += ascii_lower(static_cast<char>(c));
    }
    if (name.empty()) return false;
    const size_t dot = name.find('.');
    if (dot == std::string::npos) {
      section_ = std::move(name);
      subsection_.clear();
    } else {  // legacy [section.subsection], subsection lowercased like git does
      section_ = name.substr(0, dot);
      subsection_ = name.substr(dot + 1);
    }
    return true;
  }

  bool parse_quoted_subsection(std::string name) {
    int c = 0;
    do {
      c = next();
      if (eof_) return false;
    } while (is_space(c));
    if (c != '"') return false;
    std::string sub;
    for (;;) {
      c = next();
      if (c == '\n') return false;
      if (c == '"') break;
      if (c == '\\') {
        c = next();
        if (c == '\n') return false;
      }
      sub += static_cast<char>(c);
    }
    if (next() != ']' || name.empty()) return false;
    section_ = std::move(name);
    subsection_ = std::move(sub);
    return true;
  }

  // Called with the first key character already in entry.key.
  bool parse_entry(ConfigEntry& entry) {
    int c = 0;
    for (;;) {
      c = next();
      if (eof_ || !is_key_char(c)) break;
      entry.key += ascii_lower(static_cast<char>(c));
    }
    while (c == ' ' || c == '\t')
      c = next();
    if (c == '\n') return true;  // "key" alone
    if (c != '=') return false;
    std::optional<std::string> value = parse_value();
    if (!value) return false;
    entry.value = std::move(value);
    return true;
  }

  std::optional<std::string> parse_value() {
    std::string out;
    size_t pending_spaces = 0;  // inner whitespace is kept, trailing is dropped
    bool quoted = false;
    bool in_comment = false;
    for (;;) {
      int c = next();
      if (c == '\n') {
        if (quoted) return std::nullopt;
        return out;
      }
      if (in_comment) continue;
      if (is_space(c) && !quoted) {
        if (!out.empty()) ++pending_spaces;
        continue;
      }
      if (!quoted && (c == ';' || c == '#')) {
        in_comment = true;
        continue;
      }
      out.append(pending_spaces, ' ');
      pending_spaces = 0;
      if (c == '\\') {
        c = next();
        switch (c) {
          case '\n':  // continuation line
            continue;
          case 't':
            c = '\t';
            break;
          case 'b':
            c = '\b';
            break;
          case 'n':
            c = '\n';
            break;
          case '"':
          case '\\':
            break;
          default:
            return std::nullopt;
        }
        out += static_cast<char>(c);
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
        continue;
      }
      out += static_cast<char>(c);
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  bool eof_ = false;
  std::string section_;
  std::string subsection_;
};

}  // namespace

std::vector<ConfigEntry> parse_git_config(std::string_view text) {
  return ConfigParser(text).parse();
}

std::vector<ConfigEntry> read_git_config_file(const std::string& path) {
  Result<std::string> text = read_small_file(path, kMaxConfigFileBytes);
  if (!text) return {};
  return parse_git_config(*text);
}

std::optional<std::string> pick_remote_url(const std::vector<ConfigEntry>& entries) {
  std::optional<std::string> first;
  for (const ConfigEntry& e : entries) {
    if (e.section != "remote" || e.subsection.empty() || e.key != "url") continue;
    if (!e.value || e.value->empty()) continue;
    if (e.subsection == "origin") return e.value;
    if (!first) first = e.value;
  }
  return first;
}

std::optional<std::string> read_git_user_email(const std::string& home,
                                               const std::string& xdg_config_home) {
  const bool have_home = is_usable_path(home);
  std::vector<std::string> files;
  if (is_usable_path(xdg_config_home)) {
    files.push_back(join_path(xdg_config_home, "git/config"));
  } else if (have_home) {
    files.push_back(join_path(home, ".config/git/config"));
  }
  if (have_home) files.push_back(join_path(home, ".gitconfig"));

  std::optional<std::string> email;
  // Entries are applied in order and an include is expanded where it stands,
  // so "later wins" holds across files and includes alike.
  auto visit = [&](auto& self, const std::string& path, int depth) -> void {
    if (depth > kMaxIncludeDepth) return;
    for (const ConfigEntry& e : read_git_config_file(path)) {
      if (!e.subsection.empty() || !e.value) continue;
      if (e.section == "user" && e.key == "email") {
        email = *e.value;
      } else if (e.section == "include" && e.key == "path") {
        const std::string& target = *e.value;
        if (target.empty() || target.find('\0') != std::string::npos) continue;
        std::string resolved;
        if (target == "~" || target.starts_with("~/")) {
          if (!have_home) continue;
          resolved = home + target.substr(1);
        } else if (target.starts_with('~')) {
          continue;  // ~otheruser/...: would need the password database
        } else if (is_absolute(target)) {
          resolved = target;
        } else {
          resolved = join_path(dir_name(path), target);
        }
        self(self, resolved, depth + 1);
      }
    }
  };
  for (const std::string& file : files)
    visit(visit, file, 0);
  if (!email || email->empty()) return std::nullopt;
  return email;
}

}  // namespace codepulse
