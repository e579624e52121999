// The anomaly rules over priced records: medians of an author's trailing days
// and sessions, the main model of an author's week in a repository, spend by
// repository against its commits, requests per minute of a session.
#include "collector/report/anomaly_rules.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "common/pricing/usd.hpp"
#include "common/report/report.hpp"
#include "common/time.hpp"

namespace codepulse::collector {

using report::UsageFact;

namespace {

constexpr int64_t kDayMs = 86'400'000;

int64_t day_index(int64_t ts_ms) {
  return ts_ms >= 0 ? ts_ms / kDayMs : (ts_ms - kDayMs + 1) / kDayMs;
}

std::string day_text(int64_t day) {
  return report::date_key_at(day * kDayMs, TimeZone::utc(), report::Granularity::kDay);
}

// Cents from a dollar up, else to a hundredth of a cent.
std::string usd(int64_t nanos) {
  return "$" + format_usd(nanos, nanos >= 1'000'000'000 ? 2 : 4);
}

// The median of `v` (sorted here): the mean of the middle two when even.
int64_t median(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
}

// "4.2×": value against baseline, one decimal.
std::string ratio_text(int64_t value, int64_t baseline) {
  const int64_t tenths = baseline > 0 ? value * 10 / baseline : 0;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "x";
}

struct Priced {
  const UsageFact* fact;
  int64_t nanos;
};

// (1) An author's day against the median of their active days in the
// trailing window before it.
void author_days(const std::vector<Priced>& records, int64_t since, int64_t until,
                 const AnomalyOptions& o, std::vector<Anomaly>& out) {
  std::map<std::string, std::map<int64_t, int64_t>> spend;  // author -> day -> nanos
  for (const Priced& p : records)
    spend[p.fact->author][day_index(p.fact->ts_ms)] += p.nanos;
  for (const auto& [author, days] : spend) {
    for (const auto& [day, nanos] : days) {
      if ((day + 1) * kDayMs <= since || day * kDayMs >= until) continue;  // overlaps the range
      std::vector<int64_t> before;
      for (auto it = days.lower_bound(day - o.trailing_days); it != days.end() && it->first < day;
           ++it)
        if (it->second > 0) before.push_back(it->second);
      if (static_cast<int64_t>(before.size()) < o.min_active_days) continue;
      const int64_t m = median(before);
      if (m <= 0 || nanos <= o.k * m) continue;
      Anomaly a;
      a.kind = "author_day";
      a.subject = author;
      a.authors = {author};
      a.day = day_text(day);
      a.value = nanos;
      a.baseline = m;
      a.explanation = author + " spent " + usd(nanos) + " on " + a.day + ", " +
                      ratio_text(nanos, m) + " their median day of " + usd(m) + " over the " +
                      std::to_string(before.size()) + " active days in the " +
                      std::to_string(o.trailing_days) + " days before (threshold " +
                      std::to_string(o.k) + "x)";
      out.push_back(std::move(a));
    }
  }
}

// (1b) An author's session (by its first request) against the median of
// their sessions that started in the trailing window before it.
void author_sessions(const std::vector<Priced>& records, int64_t since, int64_t until,
                     const AnomalyOptions& o, std::vector<Anomaly>& out) {
  struct Session {
    std::string author;
    int64_t first_ms = INT64_MAX, nanos = 0;
  };
  std::map<std::string, Session> sessions;
  for (const Priced& p : records) {
    if (p.fact->session.empty()) continue;
    Session& s = sessions[p.fact->session];
    s.author = p.fact->author;
    s.first_ms = std::min(s.first_ms, p.fact->ts_ms);
    s.nanos += p.nanos;
  }
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> by_author;  // first_ms, nanos
  for (const auto& [id, s] : sessions)
    by_author[s.author].emplace_back(s.first_ms, s.nanos);
  for (const auto& [id, s] : sessions) {
    if (s.first_ms < since || s.first_ms >= until) continue;
    std::vector<int64_t> before;
    const int64_t from = s.first_ms - o.trailing_days * kDayMs;
    for (const auto& [first, nanos] : by_author[s.author])
      if (first >= from && first < s.first_ms && nanos > 0) before.push_back(nanos);
    if (static_cast<int64_t>(before.size()) < o.min_active_days) continue;
    const int64_t m = median(before);
    if (m <= 0 || s.nanos <= o.k * m) continue;
    Anomaly a;
    a.kind = "author_session";
    a.subject = s.author + " " + id;
    a.authors = {s.author};
    a.day = day_text(day_index(s.first_ms));
    a.value = s.nanos;
    a.baseline = m;
    a.explanation = "session " + id + " of " + s.author + " (started " + a.day + ") spent " +
                    usd(s.nanos) + ", " + ratio_text(s.nanos, m) + " the median of their " +
                    std::to_string(before.size()) + " sessions in the " +
                    std::to_string(o.trailing_days) + " days before (" + usd(m) + ", threshold " +
                    std::to_string(o.k) + "x)";
    out.push_back(std::move(a));
  }
}

// (2) Per author and repository, each ISO week's main model (the most spend)
// against the previous week's: priced per reference request (1M input and
// 1M output tokens at the organisation's rates, at the week's start).
void pricier_models(const std::vector<Priced>& records, int64_t since, int64_t until,
                    const Pricer& pricer, const AnomalyOptions& o, std::vector<Anomaly>& out) {
  // (author, repo) -> week monday (day index) -> model -> nanos
  std::map<std::pair<std::string, std::string>, std::map<int64_t, std::map<std::string, int64_t>>>
      weeks;
  for (const Priced& p : records) {
    const int64_t day = day_index(p.fact->ts_ms);
    const int64_t monday = day - ((day + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
    weeks[{p.fact->author, p.fact->repo}][monday][std::string(p.fact->logged_model())] += p.nanos;
  }
  auto main_model = [](const std::map<std::string, int64_t>& models) {
    auto best = models.begin();
    for (auto it = models.begin(); it != models.end(); ++it)
      if (it->second > best->second) best = it;
    return best->first;
  };
  auto reference = [&pricer](const std::string& model, int64_t at) -> std::optional<int64_t> {
    UsageToPrice u;
    u.model = model;
    u.ts_ms = at;
    u.input = 1'000'000;
    u.output = 1'000'000;
    return pricer.price(u).org_nanos;
  };
  for (const auto& [who, by_week] : weeks) {
    for (const auto& [monday, models] : by_week) {
      if ((monday + 7) * kDayMs <= since || monday * kDayMs >= until) continue;
      auto last = by_week.find(monday - 7);
      if (last == by_week.end()) continue;
      const std::string now_model = main_model(models), then_model = main_model(last->second);
      if (now_model == then_model) continue;
      const auto now_price = reference(now_model, monday * kDayMs);
      const auto then_price = reference(then_model, monday * kDayMs);
      if (!now_price || !then_price || *then_price <= 0 ||
          *now_price < o.pricier_ratio * *then_price)
        continue;
      Anomaly a;
      a.kind = "pricier_model";
      a.subject = who.first + " " + who.second;
      a.authors = {who.first};
      a.day = day_text(monday);
      a.value = *now_price;
      a.baseline = *then_price;
      a.explanation = who.first + " in " + who.second + ": the week of " + a.day + " mostly used " +
                      now_model + " (" + usd(*now_price) +
                      " per 1M input + 1M output tokens), the week before " + then_model + " (" +
                      usd(*then_price) + "): " + ratio_text(*now_price, *then_price) +
                      " the price (threshold " + std::to_string(o.pricier_ratio) + "x)";
      out.push_back(std::move(a));
    }
  }
}

// (3) Spend in a repository no commit of the range belongs to.
void repos_without_commits(const std::vector<Priced>& records,
                           const std::vector<CommitRecord>& commits, int64_t since, int64_t until,
                           std::vector<Anomaly>& out) {
  std::set<std::string> committed;
  for (const CommitRecord& c : commits)
    if (c.committer_ms >= since && c.committer_ms < until) committed.insert(c.repo);
  struct Spend {
    int64_t nanos = 0, last_ms = INT64_MIN, records = 0;
    std::set<std::string> authors;
  };
  std::map<std::string, Spend> repos;
  for (const Priced& p : records) {
    if (p.fact->repo.empty() || p.fact->ts_ms < since || p.fact->ts_ms >= until) continue;
    Spend& s = repos[p.fact->repo];
    s.nanos += p.nanos;
    s.last_ms = std::max(s.last_ms, p.fact->ts_ms);
    ++s.records;
    s.authors.insert(p.fact->author);
  }
  for (const auto& [repo, s] : repos) {
    if (committed.count(repo) || s.nanos <= 0) continue;
    Anomaly a;
    a.kind = "no_commit_repo";
    a.subject = repo;
    a.authors.assign(s.authors.begin(), s.authors.end());
    a.day = day_text(day_index(s.last_ms));
    a.value = s.nanos;
    a.explanation = repo + ": " + usd(s.nanos) + " over " + report::counted(s.records, "request") +
                    " from " + day_text(day_index(since)) + " to " + a.day +
                    " and no commit in the repository in that time";
    out.push_back(std::move(a));
  }
}

// (4) More than N requests of one session in a 60-second window; the
// busiest window of each session and day.
void bursts(const std::vector<Priced>& records, int64_t since, int64_t until,
            const AnomalyOptions& o, std::vector<Anomaly>& out) {
  std::map<std::string, std::vector<int64_t>> times_of;
  std::map<std::string, std::string> author_of;
  for (const Priced& p : records)
    if (!p.fact->session.empty() && p.fact->ts_ms >= since && p.fact->ts_ms < until) {
      times_of[p.fact->session].push_back(p.fact->ts_ms);
      author_of[p.fact->session] = p.fact->author;
    }
  for (auto& [session, ts] : times_of) {
    std::sort(ts.begin(), ts.end());
    std::map<int64_t, std::pair<int64_t, int64_t>> busiest;  // day -> (count, window start)
    size_t lo = 0;
    for (size_t hi = 0; hi < ts.size(); ++hi) {
      while (ts[hi] - ts[lo] >= 60'000)
        ++lo;
      const auto count = static_cast<int64_t>(hi - lo + 1);
      auto& b = busiest[day_index(ts[lo])];
      if (count > b.first) b = {count, ts[lo]};
    }
    for (const auto& [day, b] : busiest) {
      if (b.first <= o.burst_per_minute) continue;
      Anomaly a;
      a.kind = "request_burst";
      a.subject = session;
      a.authors = {author_of[session]};
      a.day = day_text(day);
      a.value = b.first;
      a.baseline = o.burst_per_minute;
      a.explanation = "session " + session + " made " + std::to_string(b.first) +
                      " requests in the 60 seconds from " + format_iso8601_utc_ms(b.second) +
                      ", more than the limit of " + std::to_string(o.burst_per_minute) +
                      " per minute";
      out.push_back(std::move(a));
    }
  }
}

}  // namespace

std::vector<Anomaly> find_anomalies(const std::vector<UsageFact>& facts,
                                    const std::vector<CommitRecord>& commits, int64_t since_ms,
                                    int64_t until_ms, const Pricer& pricer,
                                    const AnomalyOptions& o) {
  std::vector<Priced> records;
  records.reserve(facts.size());
  for (const UsageFact& f : facts)
    if (auto nanos = pricer.price(f.to_price()).org_nanos) records.push_back({&f, *nanos});
  std::vector<Anomaly> out;
  author_days(records, since_ms, until_ms, o, out);
  author_sessions(records, since_ms, until_ms, o, out);
  pricier_models(records, since_ms, until_ms, pricer, o, out);
  repos_without_commits(records, commits, since_ms, until_ms, out);
  bursts(records, since_ms, until_ms, o, out);
  std::sort(out.begin(), out.end(), [](const Anomaly& a, const Anomaly& b) {
    return std::tie(a.day, a.kind, a.subject) < std::tie(b.day, b.kind, b.subject);
  });
  return out;
}

}  // namespace codepulse::collector
