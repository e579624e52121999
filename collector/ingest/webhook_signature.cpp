#include "collector/ingest/webhook_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/ascii.hpp"

namespace codepulse::collector {
namespace {

constexpr std::string_view kPrefix = "sha256=";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool mac_of(std::string_view secret, std::string_view body, unsigned char (&out)[32]) {
  unsigned int len = 0;
  return HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
              reinterpret_cast<const unsigned char*>(body.data()), body.size(), out,
              &len) != nullptr &&
         len == 32;
}

}  // namespace

std::string hub_signature(std::string_view secret, std::string_view body) {
  unsigned char mac[32];
  if (!mac_of(secret, body, mac)) return {};
  return std::string(kPrefix) + hex_encode(mac, sizeof mac);
}

bool hub_signature_valid(std::string_view header, std::string_view secret, std::string_view body) {
  if (secret.empty() || header.size() != kPrefix.size() + 64 ||
      header.substr(0, kPrefix.size()) != kPrefix)
    return false;
  unsigned char given[32];
  for (size_t i = 0; i < 32; ++i) {
    const int hi = hex_value(header[kPrefix.size() + 2 * i]);
    const int lo = hex_value(header[kPrefix.size() + 2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    given[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  unsigned char expected[32];
  if (!mac_of(secret, body, expected)) return false;
  return CRYPTO_memcmp(given, expected, sizeof expected) == 0;
}

}  // namespace codepulse::collector
