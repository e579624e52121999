#include "common/line_fingerprint.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <iterator>
#include <new>
#include <stdexcept>

namespace codepulse {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

bool is_punctuation_only(std::string_view s) {
  for (const char c : s)
    if (std::strchr("{}[]();, ", c) == nullptr || c == '\0') return false;
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
  bool in_space = false;
  for (const char c : line) {
    if (is_space(c)) {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(c);
    if (out.size() > kMaxFingerprintedLine) return false;
  }
  return !is_punctuation_only(out);
}

void LineFingerprinter::CtxFree::operator()(EVP_MD_CTX* p) const {
  EVP_MD_CTX_free(p);
}
void LineFingerprinter::MdFree::operator()(EVP_MD* p) const {
  EVP_MD_free(p);
}

LineFingerprinter::LineFingerprinter(std::string_view key)
    : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)),
      inner_(EVP_MD_CTX_new()),
      outer_(EVP_MD_CTX_new()),
      work_(EVP_MD_CTX_new()) {
  if (!md_ || !inner_ || !outer_ || !work_) throw std::bad_alloc();
  // HMAC (RFC 2104): a key longer than a block is hashed first; the padded
  // key XOR ipad and XOR opad start the inner and outer hashes.
  std::array<unsigned char, kBlock> k{};
  if (key.size() > kBlock) {
    unsigned int len = 0;
    EVP_Digest(key.data(), key.size(), k.data(), &len, md_.get(), nullptr);
  } else {
    std::memcpy(k.data(), key.data(), key.size());
  }
  std::array<unsigned char, kBlock> ipad{}, opad{};
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = static_cast<unsigned char>(k[i] ^ 0x36);
    opad[i] = static_cast<unsigned char>(k[i] ^ 0x5c);
  }
  if (EVP_DigestInit_ex2(inner_.get(), md_.get(), nullptr) != 1 ||
      EVP_DigestUpdate(inner_.get(), ipad.data(), ipad.size()) != 1 ||
      EVP_DigestInit_ex2(outer_.get(), md_.get(), nullptr) != 1 ||
      EVP_DigestUpdate(outer_.get(), opad.data(), opad.size()) != 1)
    throw std::runtime_error("SHA-256 is not available for line fingerprints");
}

int64_t LineFingerprinter::of_normalised(std::string_view normalised) {
  unsigned char inner[EVP_MAX_MD_SIZE], mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX_copy_ex(work_.get(), inner_.get());
  EVP_DigestUpdate(work_.get(), normalised.data(), normalised.size());
  EVP_DigestFinal_ex(work_.get(), inner, &len);
  EVP_MD_CTX_copy_ex(work_.get(), outer_.get());
  EVP_DigestUpdate(work_.get(), inner, len);
  EVP_DigestFinal_ex(work_.get(), mac, &len);
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i)
    v = (v << 8) | mac[i];
  return static_cast<int64_t>(v);
}

std::optional<int64_t> LineFingerprinter::fingerprint(std::string_view line) {
  if (!normalise_line(line, normalised_)) return std::nullopt;
  return of_normalised(normalised_);
}

void fingerprint_text(LineFingerprinter& fp, std::string_view text, std::vector<int64_t>& out) {
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    if (auto h = fp.fingerprint(text.substr(0, eol))) out.push_back(*h);
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
}

std::vector<int64_t> lines_written(std::vector<int64_t> before, std::vector<int64_t> after) {
  std::sort(before.begin(), before.end());
  std::sort(after.begin(), after.end());
  std::vector<int64_t> out;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(out));
  return out;
}

}  // namespace codepulse
