#include "common/hashing.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/ascii.hpp"

namespace codepulse {

uint64_t fnv1a64(std::string_view data, uint64_t seed) {
  uint64_t h = seed;
  for (const char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return hex_encode(md, len);
}

void Sha256Hasher::MdFree::operator()(EVP_MD* p) const {
  EVP_MD_free(p);
}
void Sha256Hasher::CtxFree::operator()(EVP_MD_CTX* p) const {
  EVP_MD_CTX_free(p);
}

Sha256Hasher::Sha256Hasher()
    : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {}

std::string Sha256Hasher::hex(std::string_view data, size_t hex_chars) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // Without a fetched digest or a context (out of memory), the one-shot call.
  if (!md_ || !ctx_ || EVP_DigestInit_ex2(ctx_.get(), md_.get(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx_.get(), md, &len) != 1)
    return sha256_hex(data).substr(0, hex_chars);
  std::string out = hex_encode(md, len);
  if (hex_chars < out.size()) out.resize(hex_chars);
  return out;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return hex_encode(md, len);
}

}  // namespace codepulse
