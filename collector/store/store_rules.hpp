// What every store implementation decides the same way: token format and
// fields, and which position of a batch each record held.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "collector/store/store.hpp"

namespace codepulse::collector {

// A new plain token: "cpt_" + 43 base64url characters of 32 random bytes.
Result<std::string> new_token();
// Author and label of a token to create: lengths and no control characters.
Status check_token_fields(const std::string& author, const std::string& label);
// False for anything that cannot be a token (so it is never looked up).
bool plausible_token(std::string_view token);

// Walks a decoded batch: `result` gets the decoder's rejections, and `store`
// is called with each accepted record and the position it held in the batch
// as sent (records with an empty uid are rejected here). `store` returns the
// outcome, counted into `result`; an error stops the walk. The rejections
// end up sorted by position.
Status walk_batch(
    const proto::DecodedBatch& batch, IngestResult& result,
    const std::function<Result<RecordOutcome::Kind>(const proto::WireRecord&)>& store);

}  // namespace codepulse::collector
