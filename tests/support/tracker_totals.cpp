#include "tests/support/tracker_totals.hpp"

#include <stdexcept>

#include "tests/support/sqlite_query.hpp"
#include "tests/support/test_support.hpp"

namespace codepulse::test {

std::map<std::string, QueuedTotals> scan_and_total(const std::string& home,
                                                   const std::string& state,
                                                   const std::vector<std::string>& args,
                                                   const std::string& assistant) {
  std::vector<std::string> argv = {tracker_bin(), "scan", "--state", state};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult r = run(argv, {"HOME=" + home});
  if (r.exit_code != 0)
    throw std::runtime_error("codepulse-tracker scan failed (" + std::to_string(r.exit_code) +
                             "): " + r.err);
  return queued_totals(state, assistant);
}

std::map<std::string, QueuedTotals> queued_totals(const std::string& state,
                                                  const std::string& assistant) {
  std::string quoted;
  for (char c : assistant) {
    if (c == '\'') quoted.push_back('\'');
    quoted.push_back(c);
  }
  const auto rows = query_read_only(
      state + "/tracker.db",
      "SELECT model, count(*), sum(input), sum(output), sum(cache_create_5m + cache_create_1h), "
      "sum(cache_read), sum(reasoning) FROM usage_records WHERE assistant = '" +
          quoted + "' GROUP BY model");
  std::map<std::string, QueuedTotals> out;
  for (const auto& row : rows) {
    QueuedTotals& t = out[row.at(0)];
    t.records = std::stoll(row.at(1));
    t.input = std::stoll(row.at(2));
    t.output = std::stoll(row.at(3));
    t.cache_write = std::stoll(row.at(4));
    t.cache_read = std::stoll(row.at(5));
    t.reasoning = std::stoll(row.at(6));
  }
  return out;
}

}  // namespace codepulse::test
