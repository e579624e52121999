// Path helpers of discovery (folder_paths.hpp).
#include "tracker/discover/folder_paths.hpp"

#include <sys/stat.h>

#include "common/ascii.hpp"

namespace codepulse::tracker {

std::string expand_home(const std::string& p, const std::string& home) {
  if (p == "~") return home;
  if (p.rfind("~/", 0) == 0) return home + p.substr(1);
  return p;
}

std::string strip_trailing_slash(std::string p) {
  while (p.size() > 1 && p.back() == '/')
    p.pop_back();
  return p;
}

std::vector<std::string> split_folder_list(const std::string& list) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string::npos) comma = list.size();
    std::string entry(trim(std::string_view(list).substr(pos, comma - pos), " \t\r\n"));
    pos = comma + 1;
    if (!entry.empty()) out.push_back(std::move(entry));
  }
  return out;
}

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace codepulse::tracker
