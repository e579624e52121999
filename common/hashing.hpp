// Hashes: a fast non-cryptographic one for file identity, SHA-256 for stable
// ids, and keyed HMAC-SHA-256 for the optional hashing of paths and branches.
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace codepulse {

uint64_t fnv1a64(std::string_view data, uint64_t seed = 0xcbf29ce484222325ULL);

std::string sha256_hex(std::string_view data);

// SHA-256 for hot loops: the digest is fetched from the provider once and the
// context reused, where sha256_hex() pays both on every call (several times
// the hash itself for a short input). Same output as sha256_hex().
class Sha256Hasher {
 public:
  Sha256Hasher();
  // The first `hex_chars` (at most 64) hex digits of SHA-256(data).
  std::string hex(std::string_view data, size_t hex_chars = 64);

 private:
  struct MdFree {
    void operator()(EVP_MD* p) const;
  };
  struct CtxFree {
    void operator()(EVP_MD_CTX* p) const;
  };
  std::unique_ptr<EVP_MD, MdFree> md_;
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx_;
};

// HMAC-SHA-256 of data under key, hex encoded.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

}  // namespace codepulse
