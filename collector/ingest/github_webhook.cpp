#include "collector/ingest/github_webhook.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr size_t kMaxName = 256;
constexpr size_t kMaxPath = 4096;
constexpr size_t kMaxCommits = 2048;  // GitHub sends at most 2048 commits per push

bool plain(std::string_view s, size_t max) {
  return s.size() <= max && std::none_of(s.begin(), s.end(), [](char c) {
           return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
         });
}

std::string_view text_of(simdjson::dom::element e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v)) return {};
  return v;
}

Status need_plain(std::string_view value, const char* what, size_t max = kMaxName) {
  if (!plain(value, max))
    return make_error(std::string(what) + " is too long or has control characters");
  return {};
}

// "github.com/owner/name" from repository.full_name.
Result<std::string> repo_of(simdjson::dom::element doc) {
  simdjson::dom::element repo;
  if (doc["repository"].get(repo) || !repo.is_object())
    return make_error("field 'repository' is missing or not an object");
  const std::string_view full = text_of(repo, "full_name");
  const auto slash = full.find('/');
  if (full.empty() || slash == 0 || slash == std::string_view::npos || slash + 1 == full.size() ||
      full.find('/', slash + 1) != std::string_view::npos || !plain(full, kMaxName))
    return make_error("repository.full_name is missing or not OWNER/NAME");
  std::string out = "github.com/";
  for (char c : full)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

Result<int64_t> time_field(simdjson::dom::element e, const char* key, const char* what,
                           bool required) {
  simdjson::dom::element v;
  if (e[key].get(v) || v.is_null()) {
    if (required) return make_error(std::string(what) + " is missing");
    return int64_t{0};
  }
  std::string_view s;
  if (v.get_string().get(s)) return make_error(std::string(what) + " is not a time string");
  auto t = parse_github_time(s);
  if (!t) return make_error(std::string(what) + " is not an ISO-8601 time");
  return *t;
}

Status read_push(simdjson::dom::element doc, GitHubEvent& out) {
  const std::string_view ref = text_of(doc, "ref");
  if (auto s = need_plain(ref, "ref"); !s) return s;
  constexpr std::string_view kHeads = "refs/heads/";
  if (ref.substr(0, kHeads.size()) != kHeads) {  // a tag: nothing to measure
    out.kind = GitHubEvent::kIgnored;
    return {};
  }
  out.branch = std::string(ref.substr(kHeads.size()));
  simdjson::dom::array commits;
  if (doc["commits"].get_array().get(commits)) return make_error("field 'commits' is not an array");
  for (simdjson::dom::element c : commits) {
    if (out.commits.size() >= kMaxCommits) return make_error("more than 2048 commits in one push");
    GitHubCommit commit;
    const std::string_view sha = text_of(c, "id");
    if (sha.size() != 40 || !std::all_of(sha.begin(), sha.end(), [](char ch) {
          return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
        }))
      return make_error("a commit's id is not a 40-digit SHA");
    commit.sha = std::string(sha);
    auto when = time_field(c, "timestamp", "a commit's timestamp", true);
    if (!when) return when.error();
    commit.time_ms = *when;
    simdjson::dom::element author;
    if (!c["author"].get(author) && author.is_object()) {
      const std::string_view email = text_of(author, "email");
      if (auto s = need_plain(email, "a commit author's email"); !s) return s;
      commit.author_email = std::string(email);
    }
    for (const char* list : {"added", "removed", "modified"}) {
      simdjson::dom::array files;
      if (c[list].get_array().get(files)) continue;
      for (simdjson::dom::element f : files) {
        std::string_view path;
        if (f.get_string().get(path) || path.empty() || !plain(path, kMaxPath))
          return make_error(std::string("a path in a commit's '") + list + "' is not a plain path");
        commit.files.emplace_back(path);
      }
    }
    out.commits.push_back(std::move(commit));
  }
  return {};
}

Status read_pull_request(simdjson::dom::element pr, GitHubEvent& out, bool full) {
  int64_t number = 0;
  if (pr["number"].get_int64().get(number) || number <= 0)
    return make_error("pull_request.number is missing or not a positive integer");
  out.pr_number = number;
  simdjson::dom::element user;
  if (!pr["user"].get(user) && user.is_object()) {
    const std::string_view login = text_of(user, "login");
    if (auto s = need_plain(login, "pull_request.user.login"); !s) return s;
    out.pr_author = std::string(login);
  }
  if (!full) return {};
  simdjson::dom::element head, base;
  if (!pr["head"].get(head) && head.is_object())
    out.head_branch = std::string(text_of(head, "ref"));
  if (!pr["base"].get(base) && base.is_object())
    out.base_branch = std::string(text_of(base, "ref"));
  if (auto s = need_plain(out.head_branch, "pull_request.head.ref"); !s) return s;
  if (auto s = need_plain(out.base_branch, "pull_request.base.ref"); !s) return s;
  if (pr["draft"].get_bool().get(out.draft)) out.draft = false;
  if (pr["merged"].get_bool().get(out.merged)) out.merged = false;
  auto created = time_field(pr, "created_at", "pull_request.created_at", true);
  if (!created) return created.error();
  out.created_ms = *created;
  auto closed = time_field(pr, "closed_at", "pull_request.closed_at", false);
  if (!closed) return closed.error();
  out.closed_ms = *closed;
  auto merged = time_field(pr, "merged_at", "pull_request.merged_at", false);
  if (!merged) return merged.error();
  out.merged_ms = *merged;
  const std::string_view sha = text_of(pr, "merge_commit_sha");
  if (auto s = need_plain(sha, "pull_request.merge_commit_sha", 64); !s) return s;
  out.merge_sha = std::string(sha);
  return {};
}

}  // namespace

std::optional<int64_t> parse_github_time(std::string_view text) {
  if (text.size() < 20) return std::nullopt;
  if (text.back() == 'Z') return parse_iso8601_utc_ms(text);
  const std::string_view offset = text.substr(text.size() - 6);
  if ((offset[0] != '+' && offset[0] != '-') || offset[3] != ':') return std::nullopt;
  auto digit = [&](size_t i) {
    return offset[i] >= '0' && offset[i] <= '9' ? offset[i] - '0' : -1;
  };
  const int h1 = digit(1), h2 = digit(2), m1 = digit(4), m2 = digit(5);
  if (h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0) return std::nullopt;
  const int minutes = (h1 * 10 + h2) * 60 + m1 * 10 + m2;
  if (minutes > 18 * 60) return std::nullopt;
  auto utc = parse_iso8601_utc_ms(std::string(text.substr(0, text.size() - 6)) + "Z");
  if (!utc) return std::nullopt;
  const int64_t shift = int64_t{minutes} * 60'000;
  return offset[0] == '+' ? *utc - shift : *utc + shift;
}

Result<GitHubEvent> parse_github_webhook(std::string_view event, std::string_view body) {
  GitHubEvent out;
  if (!plain(event, 64) || event.empty()) return make_error("the X-GitHub-Event header is missing");
  out.event = std::string(event);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(body.data(), body.size()).get(doc); err)
    return make_error(std::string("the body is not JSON: ") + simdjson::error_message(err));
  if (!doc.is_object()) return make_error("the body is not a JSON object");
  const std::string_view action = text_of(doc, "action");
  if (auto s = need_plain(action, "action", 64); !s) return s.error();
  out.action = std::string(action);
  if (event == "ping") return out;
  if (event != "push" && event != "pull_request" && event != "pull_request_review") return out;
  auto repo = repo_of(doc);
  if (!repo) return repo.error();
  out.repo = std::move(repo).value();
  if (event == "push") {
    out.kind = GitHubEvent::kPush;
    if (auto s = read_push(doc, out); !s) return s.error();
    return out;
  }
  simdjson::dom::element pr;
  if (doc["pull_request"].get(pr) || !pr.is_object())
    return make_error("field 'pull_request' is missing or not an object");
  if (event == "pull_request") {
    if (action != "opened" && action != "ready_for_review" && action != "synchronize" &&
        action != "closed" && action != "reopened")
      return out;
    out.kind = GitHubEvent::kPullRequest;
    if (auto s = read_pull_request(pr, out, true); !s) return s.error();
    return out;
  }
  if (action != "submitted") return out;  // pull_request_review: edited, dismissed
  out.kind = GitHubEvent::kReview;
  if (auto s = read_pull_request(pr, out, false); !s) return s.error();
  simdjson::dom::element review, user;
  if (doc["review"].get(review) || !review.is_object())
    return make_error("field 'review' is missing or not an object");
  if (!review["user"].get(user) && user.is_object())
    out.reviewer = std::string(text_of(user, "login"));
  if (auto s = need_plain(out.reviewer, "review.user.login"); !s) return s.error();
  const std::string_view state = text_of(review, "state");
  if (auto s = need_plain(state, "review.state", 64); !s) return s.error();
  out.review_state = std::string(state);
  auto when = time_field(review, "submitted_at", "review.submitted_at", true);
  if (!when) return when.error();
  out.review_ms = *when;
  return out;
}

}  // namespace codepulse::collector
