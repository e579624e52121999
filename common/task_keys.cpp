#include "common/task_keys.hpp"

namespace codepulse {
namespace {

bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_upper(c) || is_digit(c) || (c >= 'a' && c <= 'z');
}

}  // namespace

std::string find_task_keys(std::string_view text) {
  std::string keys;
  size_t i = 0;
  while (i < text.size()) {
    if (!is_upper(text[i]) || (i > 0 && is_alnum(text[i - 1]))) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < text.size() && (is_upper(text[j]) || is_digit(text[j])))
      ++j;
    if (j - i >= 2 && j < text.size() && text[j] == '-' && j + 1 < text.size() &&
        is_digit(text[j + 1])) {
      size_t k = j + 1;
      while (k < text.size() && is_digit(text[k]))
        ++k;
      if (k == text.size() || !is_alnum(text[k])) {
        const std::string_view key = text.substr(i, k - i);
        bool seen = false;
        size_t pos = 0;
        while (pos < keys.size()) {  // keys stay unique
          size_t comma = keys.find(',', pos);
          if (comma == std::string::npos) comma = keys.size();
          if (std::string_view(keys).substr(pos, comma - pos) == key) seen = true;
          pos = comma + 1;
        }
        if (!seen) {
          if (!keys.empty()) keys.push_back(',');
          keys.append(key);
        }
      }
      i = k;
      continue;
    }
    i = j;
  }
  return keys;
}
}  // namespace codepulse
