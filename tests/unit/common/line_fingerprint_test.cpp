// Line provenance fingerprints (docs/PROVENANCE.md, "What is fingerprinted"):
// the normalisation rule, the keyed hash against OpenSSL's own HMAC, and the
// lines an edit wrote.
#include "common/line_fingerprint.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <random>
#include <string>

#include "common/hashing.hpp"

using namespace codepulse;

namespace {

const std::string kKey(32, '\x5a');

std::string normalised(std::string_view line) {
  std::string out;
  return normalise_line(line, out) ? out : std::string("<trivial>");
}

// The rule as written in docs/PROVENANCE.md, byte by byte: the reference
// the implementation's fast paths are checked against.
std::optional<std::string> by_the_rule(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  std::string out;
  bool pending = false;
  for (const char c : line) {
    if (blank(c)) {
      pending = !out.empty();
      continue;
    }
    if (pending) out.push_back(' ');
    pending = false;
    out.push_back(c);
  }
  while (!out.empty() && (out.back() == '\r' || out.back() == ' '))  // trailing \r and blanks
    out.pop_back();
  if (out.empty() || out.size() > kMaxFingerprintedLine) return std::nullopt;
  if (out.find_first_not_of("{}[]();, ") == std::string::npos) return std::nullopt;
  return out;
}

}  // namespace

TEST_CASE("normalising agrees with the rule byte by byte on random lines", "[provenance]") {
  std::mt19937_64 rng(11);
  const std::string alphabet = "ab {};,\t\r  x()";
  std::string out;
  for (int round = 0; round < 20000; ++round) {
    std::string line;
    const size_t n = rng() % (round % 100 == 0 ? 5000 : 24);
    for (size_t i = 0; i < n; ++i)
      line.push_back(alphabet[rng() % alphabet.size()]);
    INFO("line '" << line << "'");
    const auto want = by_the_rule(line);
    const bool kept = normalise_line(line, out);
    CHECK(kept == want.has_value());
    if (kept && want) CHECK(out == *want);
  }
}

TEST_CASE("lines are normalised by trimming and collapsing blanks, trivial lines are dropped",
          "[provenance]") {
  CHECK(normalised("    return total;") == "return total;");
  CHECK(normalised("\treturn  \t total;   ") == "return total;");
  CHECK(normalised("return total;\r") == "return total;");  // CRLF and LF match
  CHECK(normalised("a b") == "a b");
  CHECK(normalised("") == "<trivial>");
  CHECK(normalised("   \t ") == "<trivial>");
  CHECK(normalised("}") == "<trivial>");
  CHECK(normalised("  });") == "<trivial>");
  CHECK(normalised("] ,") == "<trivial>");
  CHECK(normalised("{ x }") == "{ x }");
  CHECK(normalised(std::string(kMaxFingerprintedLine, 'x')) ==
        std::string(kMaxFingerprintedLine, 'x'));
  CHECK(normalised(std::string(kMaxFingerprintedLine + 1, 'x')) == "<trivial>");
}

TEST_CASE("a fingerprint is HMAC-SHA-256 of the normalised line under the key, its first 64 bits",
          "[provenance]") {
  LineFingerprinter fp(kKey);
  const std::string hex = hmac_sha256_hex(kKey, "return total;").substr(0, 16);
  const auto got = fp.fingerprint("   return   total;\r");
  REQUIRE(got);
  CHECK(static_cast<uint64_t>(*got) == std::stoull(hex, nullptr, 16));
  // The same line under another key is another fingerprint.
  LineFingerprinter other(std::string(32, '\x01'));
  CHECK(*other.fingerprint("return total;") != *got);
  // A key longer than SHA-256's block is hashed first, as HMAC says.
  const std::string long_key(100, 'k');
  LineFingerprinter longer(long_key);
  CHECK(static_cast<uint64_t>(*longer.fingerprint("x = 1")) ==
        std::stoull(hmac_sha256_hex(long_key, "x = 1").substr(0, 16), nullptr, 16));
  CHECK_FALSE(fp.fingerprint("  }  "));
}

TEST_CASE("an edit wrote the lines of its new text that its old text did not have",
          "[provenance]") {
  LineFingerprinter fp(kKey);
  WrittenLines edit;
  edit.add_before("def total(items):\n    return sum(items)\n");
  // CRLF and other spacing match the old lines; the blank line and the lone
  // brace are never fingerprinted.
  edit.add_after(
      "def  total(items):\r\n    # the sum of the prices\n    return sum(items)\n"
      "    return sum(items)\n\n}\n");
  const std::vector<int64_t> written = edit.written(fp);
  // The comment, and the second copy of the return (the first was kept).
  std::vector<int64_t> expected = {*fp.fingerprint("# the sum of the prices"),
                                   *fp.fingerprint("return sum(items)")};
  std::sort(expected.begin(), expected.end());
  CHECK(written == expected);
  // Asked again, nothing is left; the other way round, nothing was written.
  CHECK(edit.written(fp).empty());
  WrittenLines undo;
  undo.add_before("a = 1\nb = 2\n");
  undo.add_after("b = 2\n");
  CHECK(undo.written(fp).empty());
  // Several texts on a side add up (a MultiEdit's edits, a Write's content).
  WrittenLines two;
  two.add_after("x = 1\n");
  two.add_after("x = 1");
  two.add_before("x = 1\n");
  CHECK(two.written(fp) == std::vector<int64_t>{*fp.fingerprint("x = 1")});
}
