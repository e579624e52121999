#include "common/record/keyed_value.hpp"

#include "common/hashing.hpp"

namespace codepulse {

std::string keyed_value(const std::optional<std::string>& hash_key, std::string_view value) {
  if (!hash_key || value.empty()) return std::string(value);
  return "h:" + hmac_sha256_hex(*hash_key, value).substr(0, 32);
}

}  // namespace codepulse
