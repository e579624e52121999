// Hashes: a fast non-cryptographic one for file identity, SHA-256 for stable
// ids, and keyed HMAC-SHA-256 for the optional hashing of paths and branches.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace codepulse {

uint64_t fnv1a64(std::string_view data, uint64_t seed = 0xcbf29ce484222325ULL);

std::string sha256_hex(std::string_view data);

// HMAC-SHA-256 of data under key, hex encoded.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

}  // namespace codepulse
