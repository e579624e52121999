// What the tracker queued from an assistant's logs, summed per model: for
// tests that run the real `codepulse-tracker scan` over logs a real tool or
// a generator wrote and compare with what was served.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace codepulse::test {

struct QueuedTotals {
  int64_t records = 0, input = 0, output = 0, cache_write = 0, cache_read = 0, reasoning = 0;
  bool operator==(const QueuedTotals&) const = default;
};

// `codepulse-tracker scan --state STATE ARGS...` with HOME=home (which must
// succeed), then the queue's records of `assistant`, summed by model.
std::map<std::string, QueuedTotals> scan_and_total(const std::string& home,
                                                   const std::string& state,
                                                   const std::vector<std::string>& args,
                                                   const std::string& assistant);

// The same sums from a state folder already filled.
std::map<std::string, QueuedTotals> queued_totals(const std::string& state,
                                                  const std::string& assistant);

}  // namespace codepulse::test
