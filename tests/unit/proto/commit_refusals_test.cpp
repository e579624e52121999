// A tracker tells an identity refusal of a commit from any other by its
// reason (proto/commit_refusals.hpp): pinned here to the collector's own
// reasons (collector/store/commit_trust.cpp), so a reworded reason fails.
#include "proto/commit_refusals.hpp"

#include <catch2/catch.hpp>

#include "collector/store/commit_trust.hpp"

using namespace codepulse;

TEST_CASE("the collector's identity refusals of commits are told from its other refusals",
          "[proto][identity]") {
  CommitRecord c;
  c.sha = "0123456789abcdef0123456789abcdef01234567";
  c.author_email = c.committer_email = "tea@acme.example";
  const collector::Identities dev = collector::identities_of("dev@acme.example");
  const collector::CommitDecision not_ours = collector::decide_commit(c, dev, {}, {});
  REQUIRE(not_ours.kind == collector::CommitDecision::kRefuse);
  CHECK(proto::is_identity_refusal(not_ours.reason));

  c.author_email = "dev@acme.example";
  const collector::PushedAuthor pushed{"pat@acme.example", 0, "github"};
  const collector::CommitDecision pushed_other = collector::decide_commit(c, dev, {}, pushed);
  REQUIRE(pushed_other.kind == collector::CommitDecision::kRefuse);
  CHECK(proto::is_identity_refusal(pushed_other.reason));

  CHECK_FALSE(proto::is_identity_refusal(
      "field 'branch' holds the control character U+001B at byte 4 (no string may hold C0, DEL "
      "or C1 control characters)"));
  CHECK_FALSE(proto::is_identity_refusal("field 'sha' must be a full hex object name"));
}
