// The identity refusals of commits (commit_refusals.hpp).
#include "proto/commit_refusals.hpp"

namespace codepulse::proto {

bool is_identity_refusal(std::string_view reason) {
  return reason.find("is this token's author") != std::string_view::npos ||
         reason.find("push names another author") != std::string_view::npos;
}

}  // namespace codepulse::proto
