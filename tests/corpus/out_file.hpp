// Buffered output file that keeps running byte counts (its own and the corpus total).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace codepulse::bench::corpus {

class OutFile {
 public:
  OutFile() = default;
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;
  ~OutFile() {
    if (f_ != nullptr) std::fclose(f_);
  }
  // Creates p; every byte written is also added to *global_bytes. Throws std::runtime_error.
  void open(const std::filesystem::path& p, int64_t* global_bytes);
  bool is_open() const { return f_ != nullptr; }
  void write(std::string_view s) {
    bytes_ += static_cast<int64_t>(s.size());
    *global_ += static_cast<int64_t>(s.size());
    if (buf_.size() + s.size() > kBuf) {
      flush();
      if (s.size() >= kBuf) {
        put(s.data(), s.size());
        return;
      }
    }
    buf_.append(s);
  }
  int64_t bytes() const { return bytes_; }
  // Returns the number of bytes written.
  int64_t close();

 private:
  static constexpr size_t kBuf = 1 << 20;
  void flush() {
    if (!buf_.empty()) put(buf_.data(), buf_.size());
    buf_.clear();
  }
  void put(const char* p, size_t n);
  std::FILE* f_ = nullptr;
  std::string buf_;
  int64_t bytes_ = 0;
  int64_t* global_ = nullptr;
  std::filesystem::path path_;
};

}  // namespace codepulse::bench::corpus
