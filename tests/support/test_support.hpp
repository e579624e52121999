// Helpers for tests: temporary folders, files, running the real binaries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace codepulse::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& content);  // creates parents
void append_file(const std::string& path, const std::string& content);
std::string read_file(const std::string& path);
void make_dirs(const std::string& path);
// Every regular file below `dir`, recursively.
std::vector<std::string> list_files(const std::string& dir);

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};
// Runs argv (no shell) with extra environment entries "K=V" added.
CommandResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

std::string tracker_bin();
std::string source_dir();
// ../shared/fixtures/claude-code beside the checkout, or nullopt when absent.
std::optional<std::string> shared_fixtures();
// The ccusage binary from $CODEPULSE_CCUSAGE or known install places, if any.
std::optional<std::string> ccusage_bin();

}  // namespace codepulse::test
