#include "tracker/ship/token_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/c_handles.hpp"

namespace codepulse::tracker {

Result<std::string> read_token_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid() && errno == ELOOP)
    return make_error("the token file " + path +
                      " is a symbolic link; give the file itself (links are refused)");
  if (!fd.valid())
    return make_error("cannot read the token file " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return make_error("the token file " + path + " is not a regular file");
  if ((st.st_mode & 077) != 0)
    return make_error("the token file " + path + " is readable by other users; run: chmod 600 " +
                      path);
  if (st.st_uid != ::geteuid())
    return make_error("the token file " + path + " belongs to another user");
  if (st.st_size > 4096) return make_error("the token file " + path + " is too large for a token");
  std::string token(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < token.size()) {
    const ssize_t n = ::read(fd.get(), token.data() + done, token.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error("cannot read the token file " + path);
    done += static_cast<size_t>(n);
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  if (token.empty()) return make_error("the token file " + path + " is empty");
  for (char c : token)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
      return make_error("the token file " + path + " holds characters a token cannot have");
  return token;
}

}  // namespace codepulse::tracker
