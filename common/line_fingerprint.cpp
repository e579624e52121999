#include "common/line_fingerprint.hpp"

// SHA-256's low-level state (deprecated in OpenSSL 3, kept there): copying
// it is a plain struct copy, where copying an EVP_MD_CTX allocates through
// the provider, which cost more than the two hashes of a short line.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

namespace codepulse {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

bool is_punctuation_only(std::string_view s) {
  for (const char c : s) {
    switch (c) {
      case '{':
      case '}':
      case '[':
      case ']':
      case '(':
      case ')':
      case ';':
      case ',':
      case ' ':
        continue;
      default:
        return false;
    }
  }
  return true;
}

constexpr size_t kBlock = 64;  // SHA-256's block size

}  // namespace

bool normalise_line(std::string_view line, std::string& out) {
  out.clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  while (!line.empty() && is_space(line.front()))
    line.remove_prefix(1);
  while (!line.empty() && (is_space(line.back()) || line.back() == '\r'))
    line.remove_suffix(1);
  if (line.empty()) return false;
  // Most lines have no tab and no two blanks in a row once trimmed: they
  // are their own normal form (two searches and a copy, where the byte loop
  // below was a sixth of a Gemini CLI scan's fingerprinting).
  if (line.find('\t') == std::string_view::npos && line.find("  ") == std::string_view::npos) {
    if (line.size() > kMaxFingerprintedLine) return false;
    out.assign(line);
    return !is_punctuation_only(out);
  }
  // Each run of blanks between non-blank bytes becomes one space (the ends
  // are trimmed already, so none is left at either).
  out.resize(line.size());
  char* const begin = out.data();
  char* w = begin;
  bool blank = false;
  for (const char c : line) {
    if (is_space(c)) {
      blank = true;
      continue;
    }
    if (blank) *w++ = ' ';
    blank = false;
    *w++ = c;
  }
  out.resize(static_cast<size_t>(w - begin));
  if (out.size() > kMaxFingerprintedLine) return false;
  return !is_punctuation_only(out);
}

struct LineFingerprinter::KeyedStates {
  SHA256_CTX inner, outer;
};

void LineFingerprinter::StatesFree::operator()(KeyedStates* p) const {
  OPENSSL_cleanse(p, sizeof *p);  // the states stand for the key
  delete p;
}

LineFingerprinter::LineFingerprinter(std::string_view key) : states_(new KeyedStates) {
  // HMAC (RFC 2104): a key longer than a block is hashed first; the padded
  // key XOR ipad and XOR opad start the inner and outer hashes.
  std::array<unsigned char, kBlock> k{};
  if (key.size() > kBlock) {
    unsigned int len = 0;
    if (EVP_Digest(key.data(), key.size(), k.data(), &len, EVP_sha256(), nullptr) != 1)
      throw std::runtime_error("SHA-256 is not available for line fingerprints");
  } else {
    std::memcpy(k.data(), key.data(), key.size());
  }
  std::array<unsigned char, kBlock> ipad{}, opad{};
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = static_cast<unsigned char>(k[i] ^ 0x36);
    opad[i] = static_cast<unsigned char>(k[i] ^ 0x5c);
  }
  if (SHA256_Init(&states_->inner) != 1 ||
      SHA256_Update(&states_->inner, ipad.data(), ipad.size()) != 1 ||
      SHA256_Init(&states_->outer) != 1 ||
      SHA256_Update(&states_->outer, opad.data(), opad.size()) != 1)
    throw std::runtime_error("SHA-256 is not available for line fingerprints");
  OPENSSL_cleanse(k.data(), k.size());
  OPENSSL_cleanse(ipad.data(), ipad.size());
  OPENSSL_cleanse(opad.data(), opad.size());
}

int64_t LineFingerprinter::of_normalised(std::string_view normalised) {
  unsigned char inner[SHA256_DIGEST_LENGTH], mac[SHA256_DIGEST_LENGTH];
  SHA256_CTX work = states_->inner;
  SHA256_Update(&work, normalised.data(), normalised.size());
  SHA256_Final(inner, &work);
  work = states_->outer;
  SHA256_Update(&work, inner, sizeof inner);
  SHA256_Final(mac, &work);
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i)
    v = (v << 8) | mac[i];
  return static_cast<int64_t>(v);
}

std::optional<int64_t> LineFingerprinter::fingerprint(std::string_view line) {
  if (!normalise_line(line, normalised_)) return std::nullopt;
  return of_normalised(normalised_);
}

void WrittenLines::add(std::string_view text, std::string& side) {
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    if (normalise_line(text.substr(0, eol), scratch_)) side.append(scratch_).push_back('\n');
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
}

std::vector<int64_t> WrittenLines::written(LineFingerprinter& fp) {
  const auto each_line = [](std::string_view lines, auto&& fn) {
    while (!lines.empty()) {
      const size_t eol = lines.find('\n');
      fn(lines.substr(0, eol));
      lines.remove_prefix(eol + 1);
    }
  };
  std::vector<int64_t> out;
  if (before_.empty()) {
    each_line(after_, [&](std::string_view line) { out.push_back(fp.of_normalised(line)); });
  } else {
    std::unordered_map<std::string_view, int64_t> kept;  // old lines not yet matched
    each_line(before_, [&](std::string_view line) { ++kept[line]; });
    each_line(after_, [&](std::string_view line) {
      auto it = kept.find(line);
      if (it != kept.end() && it->second > 0)
        --it->second;
      else
        out.push_back(fp.of_normalised(line));
    });
  }
  std::sort(out.begin(), out.end());
  before_.clear();
  after_.clear();
  return out;
}

}  // namespace codepulse
