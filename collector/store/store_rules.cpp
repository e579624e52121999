#include "collector/store/store_rules.hpp"

#include <openssl/rand.h>

#include <algorithm>

#include "collector/store/batch_positions.hpp"
#include "common/base64url.hpp"
#include "common/enum_names.hpp"

namespace codepulse::collector {
namespace {

constexpr std::string_view kTokenPrefix = "cpt_";
constexpr size_t kTokenRandomBytes = 32;
constexpr size_t kMaxTokenLength = 256;
constexpr size_t kMaxAuthorLength = 320;
constexpr size_t kMaxLabelLength = 200;

bool has_control_chars(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace

namespace {
constexpr EnumName<Role> kRoleNames[] = {{Role::kTracker, "tracker"},
                                         {Role::kViewer, "viewer"},
                                         {Role::kAdmin, "admin"},
                                         {Role::kFinance, "finance"},
                                         {Role::kScim, "scim"}};
}  // namespace

// The names are literals: data() ends with a NUL.
const char* role_name(Role role) {
  return name_of(kRoleNames, role).data();
}

std::optional<Role> parse_role(std::string_view name) {
  return value_named(kRoleNames, name);
}

Result<std::string> new_token() {
  unsigned char raw[kTokenRandomBytes];
  if (RAND_bytes(raw, sizeof raw) != 1) return make_error("cannot get random bytes for a token");
  return std::string(kTokenPrefix) +
         base64url_encode(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
}

Status check_token_fields(const std::string& author, const std::string& label) {
  if (author.empty()) return make_error("a token needs an author");
  if (author.size() > kMaxAuthorLength || has_control_chars(author))
    return make_error("author must be at most " + std::to_string(kMaxAuthorLength) +
                      " bytes without control characters");
  if (label.size() > kMaxLabelLength || has_control_chars(label))
    return make_error("label must be at most " + std::to_string(kMaxLabelLength) +
                      " bytes without control characters");
  return {};
}

bool plausible_token(std::string_view token) {
  return token.size() > kTokenPrefix.size() && token.size() <= kMaxTokenLength &&
         token.substr(0, kTokenPrefix.size()) == kTokenPrefix;
}

Status check_batch_keys(const std::string& author, const proto::DecodedBatch& batch) {
  if (author.empty()) return make_error("ingest: the token has no author");
  if (batch.header.batch_id.empty()) return make_error("ingest: the batch has no batch_id");
  return {};
}

Status walk_batch(
    const proto::DecodedBatch& batch, IngestResult& result,
    const std::function<Result<RecordOutcome::Kind>(const proto::WireRecord&)>& store) {
  std::vector<size_t> rejected_at;
  for (const proto::Rejection& r : batch.rejected) {
    result.rejections.push_back({r.index, r.uid, RecordOutcome::kRejected, r.reason});
    rejected_at.push_back(r.index);
  }
  Positions positions(std::move(rejected_at));
  for (const proto::WireRecord& wr : batch.records) {
    const size_t index = positions.next();
    if (wr.record_uid.empty()) {
      result.rejections.push_back(
          {index, "", RecordOutcome::kRejected, "field 'uid' must not be empty"});
      continue;
    }
    auto kind = store(wr);
    if (!kind) return kind.error();
    switch (*kind) {
      case RecordOutcome::kNew:
        ++result.records_new;
        break;
      case RecordOutcome::kDuplicate:
        ++result.duplicates;
        break;
      case RecordOutcome::kReplaced:
        ++result.replaced;
        break;
      case RecordOutcome::kStale:
        ++result.stale;
        break;
      case RecordOutcome::kRejected:
        break;
    }
  }
  std::stable_sort(
      result.rejections.begin(), result.rejections.end(),
      [](const RecordOutcome& a, const RecordOutcome& b) { return a.index < b.index; });
  result.rejected = static_cast<int64_t>(result.rejections.size());
  return {};
}

Status walk_commits(const proto::DecodedBatch& batch, IngestResult& result,
                    const std::function<Result<CommitStored>(const CommitRecord&)>& store) {
  std::vector<size_t> rejected_at;
  for (const proto::Rejection& r : batch.rejected_commits) {
    result.commit_rejections.push_back({r.index, r.uid, r.reason});
    rejected_at.push_back(r.index);
  }
  Positions positions(std::move(rejected_at));
  for (const CommitRecord& c : batch.commits) {
    const size_t index = positions.next();
    if (c.repo.empty() || c.sha.empty()) {
      result.commit_rejections.push_back(
          {index, c.sha,
           c.repo.empty() ? "field 'repo' must not be empty" : "field 'sha' must not be empty"});
      continue;
    }
    auto stored = store(c);
    if (!stored) return stored.error();
    switch (stored->kind) {
      case CommitStored::kStored:
        ++result.commits_new;
        break;
      case CommitStored::kDuplicate:
        ++result.commits_duplicate;
        break;
      case CommitStored::kRefused:
        result.commit_rejections.push_back({index, c.sha, stored->reason});
        break;
    }
  }
  std::stable_sort(
      result.commit_rejections.begin(), result.commit_rejections.end(),
      [](const CommitRejection& a, const CommitRejection& b) { return a.index < b.index; });
  result.commits_rejected = static_cast<int64_t>(result.commit_rejections.size());
  return {};
}

}  // namespace codepulse::collector
