// The store generation's row as both stores read it, and new generation ids.
#include "collector/store/generation_rows.hpp"

#include <openssl/rand.h>

#include "common/ascii.hpp"

namespace codepulse::collector {

StoreGeneration read_generation(const RowView& row) {
  StoreGeneration g;
  g.id = std::string(row.text(0));
  g.since_ms = row.int64(1);
  g.backup_ms = row.opt_int64(2);
  g.backup_copy = row.int64(3) != 0;
  return g;
}

Result<std::string> new_generation_id() {
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1)
    return make_error("cannot get random bytes for a store generation");
  return hex_encode(raw, sizeof raw);
}

}  // namespace codepulse::collector
