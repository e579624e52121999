// zstd with one RAII owner per context, and decompression that refuses to
// produce more than a caller-given number of bytes (zstd bombs).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace codepulse {

Result<std::string> zstd_compress(std::string_view data, int level);
// Fails when the frame is truncated or corrupt, or would exceed max_output.
Result<std::string> zstd_decompress(std::string_view frame, size_t max_output);

}  // namespace codepulse
