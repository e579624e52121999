#include "collector/store/commit_trust.hpp"

#include <algorithm>
#include <utility>

#include "common/ascii.hpp"

namespace codepulse::collector {
namespace {

std::string normal(std::string_view email) {
  return ascii_lower(trim(email));
}

// Lowers `v` to what is left of `budget` and takes it from the budget.
int64_t take(int64_t v, int64_t& budget) {
  const int64_t kept = std::clamp<int64_t>(v, 0, budget);
  budget -= kept;
  return kept;
}

}  // namespace

Identities::Identities(std::vector<std::string> emails) {
  for (const std::string& e : emails)
    if (const std::string n = normal(e); !n.empty()) lowered_.push_back(n);
}

bool Identities::has(std::string_view email) const {
  const std::string n = normal(email);
  return !n.empty() && std::find(lowered_.begin(), lowered_.end(), n) != lowered_.end();
}

Identities identities_of(const std::string& author) {
  return Identities({author});
}

Identities identities_of(const std::string& author, std::vector<std::string> directory) {
  directory.push_back(author);
  return Identities(std::move(directory));
}

std::string directory_key(std::string_view author) {
  return normal(author);
}

std::string tracker_source(const std::string& author) {
  return "tracker:" + author;
}

CommitDecision decide_commit(const CommitRecord& c, const Identities& sender,
                             const std::optional<StoredCopy>& stored,
                             const std::optional<PushedAuthor>& pushed,
                             const Identities* stored_sender) {
  CommitDecision d;
  if (pushed && normal(pushed->email) != normal(c.author_email)) {
    d.reason = "commit " + c.sha + ": the signed " + pushed->source +
               " push names another author; only its author's or committer's tracker may send "
               "it, with that author";
    return d;
  }
  if (sender.has(c.author_email)) {
    d.trust = CommitTrust::kAuthor;
  } else if (sender.has(c.committer_email)) {
    d.trust = CommitTrust::kCommitter;
  } else {
    d.reason = "commit " + c.sha +
               ": neither its author nor its committer is this token's author; a tracker sends "
               "only its own author's commits";
    return d;
  }
  if (!stored) {
    d.kind = CommitDecision::kInsert;
    return d;
  }
  // A push may have named the author since the copy was stored: a copy not
  // from that author is then a committer's at best.
  CommitTrust held = stored->trust;
  if (pushed &&
      !(stored_sender ? *stored_sender : identities_of(stored->sent_by)).has(pushed->email))
    held = std::min(held, CommitTrust::kCommitter);
  d.kind = d.trust > held ? CommitDecision::kReplace : CommitDecision::kDuplicate;
  return d;
}

CommitRecord capped_commit(const CommitRecord& c) {
  CommitRecord out = c;
  int64_t added = kMaxTrackerCommitLines, removed = kMaxTrackerCommitLines;
  for (CommitFile& f : out.files) {
    f.added = take(f.added, added);
    f.removed = take(f.removed, removed);
    // Provenance counts stay within the capped count of added lines.
    f.lines_added = std::min(f.lines_added, f.added);
    f.ai_lines_added = std::min(f.ai_lines_added, f.lines_added);
    // Blocks within the capped lines, the repeated within the blocks.
    f.ai_blocks = std::min(f.ai_blocks, f.ai_lines_added / 6);
    f.other_blocks = std::min(f.other_blocks, (f.lines_added - f.ai_lines_added) / 6);
    f.ai_blocks_repeated = std::min(f.ai_blocks_repeated, f.ai_blocks);
    f.other_blocks_repeated = std::min(f.other_blocks_repeated, f.other_blocks);
    // Survival within the capped counts: the AI's alive within its added,
    // the others' alive within theirs.
    for (auto [alive, ai_alive] : {std::pair{&f.lines_alive_21d, &f.ai_lines_alive_21d},
                                   std::pair{&f.lines_alive_90d, &f.ai_lines_alive_90d}}) {
      if (*alive < 0) continue;
      *ai_alive = std::clamp<int64_t>(*ai_alive, 0, f.ai_lines_added);
      *alive =
          *ai_alive + std::clamp<int64_t>(*alive - *ai_alive, 0, f.lines_added - f.ai_lines_added);
    }
  }
  int64_t reworked = kMaxTrackerCommitLines;
  for (ReworkedLines& r : out.reworked) {
    r.lines = take(r.lines, reworked);
    if (r.ai_lines > r.lines) r.ai_lines = r.lines;
  }
  int64_t blamed = kMaxTrackerCommitLines;
  for (ReworkedLines& r : out.fix_blame) {
    r.lines = take(r.lines, blamed);
    r.ai_lines = -1;
  }
  return out;
}

bool carries_survival(const CommitRecord& c) {
  return std::any_of(c.files.begin(), c.files.end(), [](const CommitFile& f) {
    return f.lines_alive_21d >= 0 || f.lines_alive_90d >= 0;
  });
}

CommitRecord commit_to_store(const CommitRecord& c, const std::optional<PushedAuthor>& pushed) {
  CommitRecord out = capped_commit(c);
  if (pushed) {
    out.author_email = pushed->email;
    out.author_ms = pushed->time_ms;
  }
  return out;
}

}  // namespace codepulse::collector
