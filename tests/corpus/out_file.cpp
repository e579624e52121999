// Buffered output file: opening, writing through and closing, with errors that name the path.
#include "tests/corpus/out_file.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace codepulse::bench::corpus {

void OutFile::open(const std::filesystem::path& p, int64_t* global_bytes) {
  path_ = p;
  global_ = global_bytes;
  f_ = std::fopen(p.c_str(), "wb");
  if (f_ == nullptr) {
    throw std::runtime_error("cannot create " + p.string() + ": " + std::strerror(errno));
  }
  buf_.reserve(kBuf);
}

int64_t OutFile::close() {
  flush();
  if (std::fclose(f_) != 0) {
    f_ = nullptr;
    throw std::runtime_error("cannot write " + path_.string() + ": " + std::strerror(errno));
  }
  f_ = nullptr;
  std::string().swap(buf_);
  return bytes_;
}

void OutFile::put(const char* p, size_t n) {
  if (std::fwrite(p, 1, n, f_) != n) {
    throw std::runtime_error("cannot write " + path_.string() + ": " + std::strerror(errno));
  }
}

}  // namespace codepulse::bench::corpus
