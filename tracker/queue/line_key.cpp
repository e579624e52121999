#include "tracker/queue/line_key.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/ascii.hpp"
#include "common/c_handles.hpp"
#include "common/line_fingerprint.hpp"
#include "common/secret_file.hpp"

namespace codepulse::tracker {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A new key written with O_EXCL: of two processes making it at once, one
// writes and the other reads what it wrote.
Status make_key(const std::string& path) {
  unsigned char raw[kLineKeyBytes];
  if (RAND_bytes(raw, sizeof raw) != 1) return make_error("no random bytes for the line key");
  const std::string text = hex_encode(raw, sizeof raw) + "\n";
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    if (errno == EEXIST) return {};
    return make_error("cannot create the line key " + path + ": " + std::strerror(errno));
  }
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
      ::fsync(fd.get()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(path.c_str());
    return make_error("cannot write the line key " + path + ": " + why);
  }
  return {};
}

}  // namespace

Result<std::string> load_line_key(const std::string& state_dir) {
  const std::string path = state_dir + "/" + kLineKeyFile;
  if (::access(path.c_str(), F_OK) != 0) {
    if (auto s = make_key(path); !s) return s.error();
  }
  auto text = read_secret_file("line key", path, 2 * kLineKeyBytes, 2 * kLineKeyBytes,
                               " (delete it and a new one is made; lines fingerprinted under "
                               "the old key then no longer match)");
  if (!text) return text.error();
  std::string key;
  for (size_t i = 0; i + 1 < text->size(); i += 2) {
    const int hi = hex_digit((*text)[i]), lo = hex_digit((*text)[i + 1]);
    if (hi < 0 || lo < 0)
      return make_error("line key " + path +
                        " must hold 64 hexadecimal digits (delete it and a new one is made)");
    key.push_back(static_cast<char>(hi * 16 + lo));
  }
  return key;
}

}  // namespace codepulse::tracker
