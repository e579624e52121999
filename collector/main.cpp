// codepulse-collector: the central server. Its ingest, storage and reports
// arrive with their own issues; until then it only says what it will do.
#include <cstdio>
#include <string>

#include "common/version.hpp"

int main(int argc, char** argv) {
  const std::string arg = argc > 1 ? argv[1] : "";
  if (arg == "--version") {
    std::printf("codepulse-collector %s\n", codepulse::kVersion);
    return 0;
  }
  std::puts(
      "Usage: codepulse-collector COMMAND [OPTIONS]\n"
      "\n"
      "The central codepulse server: authenticated HTTPS ingest of tracker batches,\n"
      "storage, attribution and reports. No command is available in this version yet;\n"
      "use 'codepulse-tracker report' for the reports of one machine.");
  return arg == "--help" ? 0 : 2;
}
