// The store generation's row, read alike from both stores, and a new random
// id for it (store.hpp, StoreGeneration).
#pragma once

#include <string>

#include "collector/store/row_view.hpp"
#include "collector/store/store.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

// Columns of a generation row, in this order: generation, since_ms,
// backup_ms (NULL: unknown), backup_copy (0 or 1).
StoreGeneration read_generation(const RowView& row);
// 32 lowercase hex digits of 16 random bytes.
Result<std::string> new_generation_id();

}  // namespace codepulse::collector
