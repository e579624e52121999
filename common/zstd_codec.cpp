#include "common/zstd_codec.hpp"

#include <zstd.h>

#include <memory>

#include "common/c_handles.hpp"

namespace codepulse {
namespace {

using CCtx = std::unique_ptr<ZSTD_CCtx, FnDeleter<ZSTD_freeCCtx>>;
using DCtx = std::unique_ptr<ZSTD_DCtx, FnDeleter<ZSTD_freeDCtx>>;

}  // namespace

Result<std::string> zstd_compress(std::string_view data, int level) {
  CCtx ctx(ZSTD_createCCtx());
  if (!ctx) return make_error("zstd: cannot create a compression context");
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n =
      ZSTD_compressCCtx(ctx.get(), out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(n)) return make_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Result<std::string> zstd_decompress(std::string_view frame, size_t max_output) {
  DCtx ctx(ZSTD_createDCtx());
  if (!ctx) return make_error("zstd: cannot create a decompression context");
  // Streaming, so a frame that claims (or truly has) a huge content size is
  // stopped at max_output instead of being allocated up front.
  std::string out;
  ZSTD_inBuffer in{frame.data(), frame.size(), 0};
  size_t last = 1;
  while (true) {
    const size_t chunk = ZSTD_DStreamOutSize();
    const size_t start = out.size();
    out.resize(start + chunk);
    ZSTD_outBuffer ob{out.data() + start, chunk, 0};
    last = ZSTD_decompressStream(ctx.get(), &ob, &in);
    out.resize(start + ob.pos);
    if (ZSTD_isError(last))
      return make_error(std::string("zstd: corrupt data: ") + ZSTD_getErrorName(last));
    if (out.size() > max_output)
      return make_error("zstd: decompressed data exceeds the limit of " +
                        std::to_string(max_output) + " bytes");
    if (last == 0 && in.pos == in.size) break;  // frame complete, input used up
    if (in.pos == in.size && ob.pos < chunk) {
      return make_error("zstd: truncated data (the frame ends early)");
    }
  }
  return out;
}

}  // namespace codepulse
