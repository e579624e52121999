// Line provenance fingerprints (docs/PROVENANCE.md, "What is fingerprinted"):
// the normalisation rule, the keyed hash against OpenSSL's own HMAC, and the
// lines an edit wrote.
#include "common/line_fingerprint.hpp"

#include <catch2/catch.hpp>

#include "common/hashing.hpp"

using namespace codepulse;

namespace {

const std::string kKey(32, '\x5a');

std::string normalised(std::string_view line) {
  std::string out;
  return normalise_line(line, out) ? out : std::string("<trivial>");
}

}  // namespace

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
  std::vector<int64_t> before, after;
  fingerprint_text(fp, "def total(items):\n    return sum(items)\n", before);
  fingerprint_text(fp,
                   "def total(items):\n    # the sum of the prices\n    return sum(items)\n"
                   "    return sum(items)\n\n}\n",
                   after);
  REQUIRE(before.size() == 2);
  REQUIRE(after.size() == 4);  // the blank line and the lone brace are not fingerprinted
  const std::vector<int64_t> written = lines_written(before, after);
  // The comment, and the second copy of the return (the first was kept).
  REQUIRE(written.size() == 2);
  std::vector<int64_t> expected = {*fp.fingerprint("# the sum of the prices"),
                                   *fp.fingerprint("return sum(items)")};
  std::sort(expected.begin(), expected.end());
  CHECK(written == expected);
  CHECK(lines_written(after, before).empty());
}
