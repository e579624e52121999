// Line provenance's cost (docs/BENCHMARKS.md, "Line provenance"): the CPU
// time of normalising and fingerprinting source lines (HMAC-SHA-256 under a
// 32-byte key), measured as process CPU time so that a loaded machine does
// not inflate it. Usage: codepulse-bench-fingerprint [LINES [ROUNDS]].
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "common/line_fingerprint.hpp"

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 1000;
  const long rounds = argc > 2 ? std::atol(argv[2]) : 2000;
  if (n <= 0 || rounds <= 0) {
    std::fprintf(stderr, "usage: codepulse-bench-fingerprint [LINES [ROUNDS]]\n");
    return 2;
  }
  codepulse::LineFingerprinter fp(std::string(codepulse::kLineKeyBytes, 'k'));
  // Lines shaped like code: indented, about 45 bytes.
  std::vector<std::string> lines;
  size_t bytes = 0;
  for (long i = 0; i < n; ++i) {
    lines.push_back("    const auto value_" + std::to_string(i) + " = compute(items, " +
                    std::to_string(i * 7) + ");");
    bytes += lines.back().size() + 1;
  }
  int64_t sink = 0;
  const std::clock_t start = std::clock();
  for (long r = 0; r < rounds; ++r)
    for (const std::string& l : lines)
      sink += fp.fingerprint(l).value_or(0) & 1;
  const double cpu_s = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  const double total = static_cast<double>(n) * static_cast<double>(rounds);
  std::printf("%.0f lines in %.3f s of CPU: %.0f ns a line, %.1f MB/s of source (checksum %lld)\n",
              total, cpu_s, cpu_s / total * 1e9, static_cast<double>(bytes) * rounds / cpu_s / 1e6,
              static_cast<long long>(sink));
  return 0;
}
