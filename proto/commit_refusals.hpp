// Which refusals of a commit say it is not the sending tracker's author's
// (proto/README.md, "HTTP"): the tracker drops such a commit from its queue
// quietly, since it was never its to send, instead of quarantining it.
#pragma once

#include <string_view>

namespace codepulse::proto {

// True for the collector's reasons "neither its author nor its committer is
// this token's author" and "the signed ... push names another author".
bool is_identity_refusal(std::string_view reason);

}  // namespace codepulse::proto
