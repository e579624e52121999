// The environment-free runner of the real assistant CLIs (offline_run.hpp).
#include "tests/support/offline_run.hpp"

#include <simdjson.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>

namespace codepulse::test {

OfflineRun run_offline(const std::string& home, const std::string& cwd,
                       const std::vector<std::string>& env,
                       const std::vector<std::string>& command) {
  const char* path = std::getenv("PATH");
  // sh sets the folder and standard input.
  std::vector<std::string> argv = {"timeout",
                                   "300",
                                   "env",
                                   "-i",
                                   std::string("PATH=") + (path ? path : "/usr/bin:/bin"),
                                   "HOME=" + home,
                                   "TZ=UTC",
                                   "TMPDIR=" + home + "/tmp"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.insert(argv.end(), {"sh", "-c", "cd \"$0\" && exec \"$@\" < /dev/null", cwd});
  argv.insert(argv.end(), command.begin(), command.end());
  make_dirs(home + "/tmp");
  OfflineRun out;
  const auto started = std::chrono::steady_clock::now();
  out.result = run(argv);
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return out;
}

void require_success(const OfflineRun& run) {
  INFO("exit " << run.result.exit_code << " after " << run.took.count()
               << " ms\nstdout: " << run.result.out << "\nstderr: " << run.result.err);
  REQUIRE(run.result.exit_code == 0);
}

std::vector<std::string> files_below(const std::string& dir, const std::string& part,
                                     const std::string& suffix) {
  std::vector<std::string> out;
  for (std::string& f : list_files(dir))
    if (f.ends_with(suffix) && f.find(part) != std::string::npos) out.push_back(std::move(f));
  std::sort(out.begin(), out.end());
  return out;
}

std::string output_field(const OfflineRun& run, const char* key) {
  simdjson::dom::parser parser;
  std::string_view v;
  if (parser.parse(run.result.out).get_object()[key].get_string().get(v)) return "";
  return std::string(v);
}

}  // namespace codepulse::test
