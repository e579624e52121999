// What every store implementation decides the same way: token format and
// fields, which position of a batch each record and commit held, and how
// the outcome of a batch is counted.
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

// What a batch needs before anything of it is stored: an author (the
// token's) and a batch_id.
Status check_batch_keys(const std::string& author, const proto::DecodedBatch& batch);

// Walks a decoded batch: `result` gets the decoder's rejections, and `store`
// is called with each accepted record and the position it held in the batch
// as sent (records with an empty uid are rejected here). `store` returns the
// outcome, counted into `result`; an error stops the walk. The rejections
// end up sorted by position.
Status walk_batch(
    const proto::DecodedBatch& batch, IngestResult& result,
    const std::function<Result<RecordOutcome::Kind>(const proto::WireRecord&)>& store);

// What a store did with a tracker's commit (commit_trust.hpp decides):
// stored (new, or in place of a less trusted copy), a duplicate of the copy
// it keeps, or refused, with the reason for the batch's answer.
struct CommitStored {
  enum Kind { kStored, kDuplicate, kRefused } kind = kStored;
  std::string reason;  // kRefused
};

// Walks a decoded batch's commits the same way: `result` gets the decoder's
// commit rejections (and a commit without repo or sha), and `store` is called
// with each other commit in batch order; kStored counts as new, kDuplicate
// as a duplicate (stored before by anyone, or earlier in this batch), and
// kRefused as a rejection. An error stops the walk. The rejections end up
// sorted by position.
Status walk_commits(const proto::DecodedBatch& batch, IngestResult& result,
                    const std::function<Result<CommitStored>(const CommitRecord&)>& store);

}  // namespace codepulse::collector
