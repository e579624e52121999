// Splits a byte stream into records at a delimiter, cutting records longer
// than a bound (the rest of a cut record is dropped, the record flagged).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "tracker/git/git_process.hpp"

namespace codepulse::tracker {

class RecordSplitter {
 public:
  RecordSplitter(char delimiter, size_t max_bytes, const GitRecordFn& fn)
      : delimiter_(delimiter), max_(max_bytes), fn_(fn) {}

  Status feed(std::string_view data) {
    while (!data.empty()) {
      const size_t end = data.find(delimiter_);
      const std::string_view part = end == std::string_view::npos ? data : data.substr(0, end);
      const size_t room = max_ - std::min(max_, record_.size());
      record_.append(part.substr(0, room));
      cut_ = cut_ || part.size() > room;
      if (end == std::string_view::npos) return {};
      if (auto s = emit(); !s) return s;
      data.remove_prefix(end + 1);
    }
    return {};
  }
  Status finish() {
    if (record_.empty() && !cut_) return {};
    return emit();
  }

 private:
  Status emit() {
    Status s = fn_(record_, cut_);
    record_.clear();
    cut_ = false;
    return s;
  }
  char delimiter_;
  size_t max_;
  const GitRecordFn& fn_;
  std::string record_;
  bool cut_ = false;
};

}  // namespace codepulse::tracker
