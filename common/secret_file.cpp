#include "common/secret_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace codepulse {

Result<std::string> read_secret_file(const std::string& key, const std::string& path,
                                     size_t min_size, size_t max_size, const std::string& how) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return make_error(key + " " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return make_error(key + " " + path + " is not a regular file");
  if ((st.st_mode & 077) != 0)
    return make_error(key + " " + path + " is readable by others; run chmod 600 " + path);
  std::ifstream in(path);
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return make_error("cannot read " + key + " " + path);
  const auto first = secret.find_first_not_of(" \t\r\n");
  const auto last = secret.find_last_not_of(" \t\r\n");
  secret = first == std::string::npos ? "" : secret.substr(first, last - first + 1);
  if (secret.size() < min_size || secret.size() > max_size)
    return make_error(key + " " + path + " must hold a secret of " + std::to_string(min_size) +
                      " to " + std::to_string(max_size) + " characters" + how);
  return secret;
}

}  // namespace codepulse
