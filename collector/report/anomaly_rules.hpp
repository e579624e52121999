// Anomalies (docs/ANOMALIES.md): spend that stands out against its own
// history, each with a sentence saying what was compared with what. A person's
// day or session against their trailing median, a switch to a pricier model,
// spend in a repository without commits, a burst of requests from a session.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/pricing/pricer.hpp"
#include "common/record/commit_record.hpp"
#include "common/report/usage_cube.hpp"

namespace codepulse::collector {

struct AnomalyOptions {
  int64_t k = 3;                  // times the trailing median (author day, author session)
  int64_t trailing_days = 28;     // the baseline: the days before the one judged
  int64_t min_active_days = 5;    // active days (or sessions) the baseline needs
  int64_t pricier_ratio = 2;      // this week's main model priced at least this many times last's
  int64_t burst_per_minute = 30;  // more requests than this in 60 s from one session
};

struct Anomaly {
  std::string kind;      // author_day, author_session, pricier_model, no_commit_repo, request_burst
  std::string subject;   // the author, "author repo", the repository or the session
  std::string day;       // the UTC day it is about (YYYY-MM-DD)
  int64_t value = 0;     // the spend (nano-dollars), or requests for a burst
  int64_t baseline = 0;  // what it was compared with, in the same unit
  std::string explanation;
  std::vector<std::string> authors;  // whose spend it is about (a repository's: every author's)
  std::string dedupe_key() const { return kind + ":" + subject + ":" + day; }
};

// The anomalies of [since_ms, until_ms), from `facts` (which should reach
// trailing_days + 7 days before since_ms for the baselines) and `commits`
// (those committed in the range), each record priced with `pricer` at the
// organisation's rates (unpriced records are left out). Ordered by day, kind
// and subject.
std::vector<Anomaly> find_anomalies(const std::vector<report::UsageFact>& facts,
                                    const std::vector<CommitRecord>& commits, int64_t since_ms,
                                    int64_t until_ms, const Pricer& pricer,
                                    const AnomalyOptions& o);

}  // namespace codepulse::collector
