// Commits in a batch (proto/README.md, "Commit"): written after the usage
// records, read alone, one bad commit rejected with its reason. Internal to
// proto/.
#pragma once

#include <simdjson.h>

#include "common/json_writer.hpp"
#include "common/record/commit_record.hpp"
#include "common/result.hpp"
#include "proto/wire_batch.hpp"

namespace codepulse::proto::detail {

void write_commit(JsonWriter& w, const CommitRecord& c);

// Reads the batch's optional "commits" array (and "commit_count", which must
// match it) into out.commits / out.rejected_commits. Fails the batch only for
// a malformed array or count.
Status read_commits(simdjson::dom::object root, const DecodeLimits& limits, DecodedBatch& out);

}  // namespace codepulse::proto::detail
