// Ids (uuids, base62 and hex ids) and text: sentences, prose, the pool of code lines and file
// contents drawn from it.
#include <array>
#include <cstdio>

#include "tests/corpus/gen_internal.hpp"
#include "tests/corpus/vocabulary.hpp"

namespace codepulse::bench::corpus {

std::string Gen::uuid() {
  static constexpr char kHex[] = "0123456789abcdef";
  const uint64_t a = rng_.next(), b = rng_.next();
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 32; ++i) {
    uint64_t nib = (i < 16 ? (a >> (i * 4)) : (b >> ((i - 16) * 4))) & 15;
    if (i == 12) nib = 4;
    if (i == 16) nib = 8 | (nib & 3);
    if (i == 8 || i == 12 || i == 16 || i == 20) s += '-';
    s += kHex[nib];
  }
  return s;
}

std::string Gen::b62(std::string prefix, int n) {
  static constexpr char kAlpha[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  for (int i = 0; i < n; ++i)
    prefix += kAlpha[rng_.below(62)];
  return prefix;
}

std::string Gen::hex(int n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i)
    s += kHex[rng_.below(16)];
  return s;
}

std::string Gen::sentence(int min_words, int max_words) {
  const int64_t n = rng_.range(min_words, max_words);
  std::string s;
  for (int64_t i = 0; i < n; ++i) {
    const std::string& w = rng_.pick(kWords);
    if (i == 0) {
      s += static_cast<char>(w[0] >= 'a' && w[0] <= 'z' ? w[0] - 32 : w[0]);
      s.append(w, 1);
    } else {
      s += ' ';
      s += w;
    }
  }
  s += rng_.chance(1, 8) ? "?" : ".";
  return s;
}

std::string Gen::prose(int min_sent, int max_sent, bool non_ascii, bool markdown) {
  const int64_t n = rng_.range(min_sent, max_sent);
  std::string s;
  for (int64_t i = 0; i < n; ++i) {
    if (i > 0) s += (markdown && rng_.chance(1, 3)) ? "\n\n- " : " ";
    s += sentence(4, 18);
    if (non_ascii && rng_.chance(1, 6)) {
      s += ' ';
      s += rng_.pick(kNonAscii);
    }
    if (markdown && rng_.chance(1, 10)) {
      s += "\n\n```\n";
      s += pool_raw_[rng_.below(pool_raw_.size())];
      s += "\n```\n";
    }
  }
  return with_canary(std::move(s));
}

void Gen::build_code_pool() {
  static const std::array<const char*, 16> kIds = {
      "value", "count", "buffer", "offset", "result",  "items", "cfg",   "session",
      "token", "index", "path",   "entry",  "request", "resp",  "cache", "state"};
  static const std::array<const char*, 12> kFns = {
      "compute",   "parse_line", "flush", "load_config", "emit",   "lookup",
      "normalize", "hash_key",   "merge", "validate",    "render", "dispatch"};
  static const std::array<const char*, 5> kIndent = {"", "  ", "    ", "      ", "\t"};
  Rng r(opts_.seed * 7919 + 17);
  pool_raw_.reserve(2048);
  for (int i = 0; i < 2048; ++i) {
    std::string ind = kIndent[r.below(kIndent.size())];
    const std::string id = kIds[r.below(kIds.size())];
    const std::string id2 = kIds[r.below(kIds.size())];
    const std::string fn = kFns[r.below(kFns.size())];
    const std::string num = itos(r.range(0, 4096));
    std::string line;
    switch (r.below(18)) {
      case 0:
        line = ind + "const auto " + id + " = " + fn + "(" + id2 + ", " + num + ");";
        break;
      case 1:
        line = ind + "if (" + id + " > " + num + ") {";
        break;
      case 2:
        line = ind + "return " + id + ";";
        break;
      case 3:
        line = ind + "}";
        break;
      case 4:
        line = ind + "// " + sentence(3, 9);
        break;
      case 5:
        line = ind + "def " + fn + "(self, " + id + "):";
        break;
      case 6:
        line = ind + id + " = " + fn + "(\"" + kWords[r.below(kWords.size())] + "\")";
        break;
      case 7:
        line = ind + "printf(\"%d\\n\", " + id + ");";
        break;
      case 8:
        line = ind + "--" + id + ";";
        break;
      case 9:
        line = ind + "++" + id + ";";
        break;
      case 10:
        line.clear();
        break;
      case 11:
        line = ind + id + ": " + num + ",";
        break;
      case 12:
        line = ind + "# TODO: " + kNonAscii[r.below(kNonAscii.size())];
        break;
      case 13:
        line = ind + "for (size_t i = 0; i < " + id + ".size(); ++i) {";
        break;
      case 14:
        line = ind + "let " + id + " = " + id2 + ".iter().map(|x| x * " + num + ").collect();";
        break;
      case 15:
        line = ind + "log.info(\"" + fn + " done in %s ms\", " + id + ")";
        break;
      case 16:
        line = ind + "-" + num + " + " + id + " // sign first";
        break;
      default:
        line = ind + id + "." + fn + "(" + id2 + ")";
        break;
    }
    pool_raw_.push_back(line);
    pool_esc_.push_back(escaped(line));
  }
}

// Appends escaped file content for lines [start, start+n) of the file identified by seed.
// numbered: the Read tool_result form ("     1→text").
void Gen::content_esc(std::string& o, uint64_t seed, int64_t start, int64_t n, bool numbered) {
  char num[32];
  for (int64_t i = 0; i < n; ++i) {
    const int64_t line_no = start + i;
    if (numbered) {
      const int len = std::snprintf(num, sizeof(num), "%6lld", static_cast<long long>(line_no));
      o.append(num, static_cast<size_t>(len));
      o += "\xE2\x86\x92";  // →
    }
    if (i == 0 && !opts_.canary.empty()) {
      o += "//";
      canary_esc(o);
    } else {
      o += pool_esc_[hash2(seed, static_cast<uint64_t>(line_no)) % pool_esc_.size()];
    }
    if (i + 1 < n) o += "\\n";
  }
}

}  // namespace codepulse::bench::corpus
