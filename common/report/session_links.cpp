#include "common/report/session_links.hpp"

#include <algorithm>
#include <unordered_map>

#include "common/ascii.hpp"
#include "common/enum_names.hpp"

namespace codepulse::report {
namespace {

bool same_author(const std::string& session_author, const CommitRecord& c) {
  const std::string a = ascii_lower(session_author);
  return !a.empty() && (a == ascii_lower(c.author_email) || a == ascii_lower(c.committer_email));
}

bool touches(const SessionActivity& s, const CommitRecord& c) {
  for (const CommitFile& f : c.files)
    if (std::binary_search(s.edited_files.begin(), s.edited_files.end(), f.path)) return true;
  return false;
}

// The SHA a `git commit` printed is abbreviated (7+ hex digits).
bool sha_matches(const std::string& reported, const std::string& sha) {
  return reported.size() >= 7 && sha.compare(0, reported.size(), reported) == 0;
}

}  // namespace

double link_confidence(LinkLevel level) {
  switch (level) {
    case LinkLevel::kExact:
      return 1.0;
    case LinkLevel::kStrong:
      return 0.8;
    case LinkLevel::kWeak:
      return 0.4;
  }
  return 0;
}

constexpr EnumName<LinkLevel> kLinkLevelNames[] = {
    {LinkLevel::kExact, "exact"}, {LinkLevel::kStrong, "strong"}, {LinkLevel::kWeak, "weak"}};

// The names are literals: data() ends with a NUL.
const char* link_level_name(LinkLevel level) {
  return name_of(kLinkLevelNames, level).data();
}

std::vector<SessionCommitLink> link_sessions(const std::vector<SessionActivity>& sessions,
                                             const std::vector<CommitRecord>& commits,
                                             LinkLevel weakest, const LinkWindows& windows) {
  // Commits by repository, in committer time order, and by the first seven
  // digits of their SHA.
  std::unordered_map<std::string, std::vector<size_t>> by_repo;
  std::unordered_map<std::string, std::vector<size_t>> by_prefix;
  for (size_t i = 0; i < commits.size(); ++i) {
    by_repo[commits[i].repo].push_back(i);
    by_prefix[commits[i].sha.substr(0, 7)].push_back(i);
  }
  for (auto& [repo, list] : by_repo)
    std::sort(list.begin(), list.end(), [&commits](size_t a, size_t b) {
      return commits[a].committer_ms < commits[b].committer_ms;
    });
  std::vector<SessionCommitLink> out;
  std::unordered_map<size_t, LinkLevel> found;  // commit -> strongest level, per session
  for (size_t s = 0; s < sessions.size(); ++s) {
    const SessionActivity& a = sessions[s];
    found.clear();
    auto offer = [&](size_t c, LinkLevel level) {
      if (level > weakest) return;
      auto [it, added] = found.emplace(c, level);
      if (!added && level < it->second) it->second = level;
    };
    for (const std::string& reported : a.commit_shas) {
      if (reported.size() < 7) continue;
      auto it = by_prefix.find(reported.substr(0, 7));
      if (it == by_prefix.end()) continue;
      for (size_t c : it->second)
        if (sha_matches(reported, commits[c].sha) && (a.repo.empty() || commits[c].repo == a.repo))
          offer(c, LinkLevel::kExact);
    }
    auto repo = by_repo.find(a.repo);
    if (weakest >= LinkLevel::kStrong && repo != by_repo.end()) {
      const auto& list = repo->second;
      // Candidates: committed from the session's start to the longest window after it.
      const int64_t from = a.first_ms;
      const int64_t to = a.last_ms + std::max(windows.strong_ms, windows.weak_ms);
      auto it = std::lower_bound(list.begin(), list.end(), from, [&commits](size_t c, int64_t t) {
        return commits[c].committer_ms < t;
      });
      for (; it != list.end() && commits[*it].committer_ms <= to; ++it) {
        const CommitRecord& c = commits[*it];
        if (!same_author(a.author, c)) continue;
        if (a.last_edit_ms > 0 && c.committer_ms >= a.first_edit_ms &&
            c.committer_ms <= a.last_edit_ms + windows.strong_ms && touches(a, c))
          offer(*it, LinkLevel::kStrong);
        else if (!a.branch.empty() && c.branch == a.branch &&
                 c.committer_ms <= a.last_ms + windows.weak_ms)
          offer(*it, LinkLevel::kWeak);
      }
    }
    const size_t first = out.size();
    for (const auto& [c, level] : found)
      out.push_back({s, c, level});
    std::sort(
        out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
        [](const SessionCommitLink& x, const SessionCommitLink& y) { return x.commit < y.commit; });
  }
  return out;
}

}  // namespace codepulse::report
