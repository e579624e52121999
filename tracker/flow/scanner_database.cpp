// The scanner's step for OpenCode's SQLite database.
#include "tracker/flow/scanner.hpp"

namespace codepulse::tracker {

Status Scanner::scan_database(const SourceFile& file, ScanStats& stats) {
  ++stats.skipped_files;
  problems_.push_back({file.path, std::string("no reader for ") + log_format_name(file.format)});
  return {};
}

}  // namespace codepulse::tracker
