// The truth: every usage record written goes through the dedupe rule of generator.hpp; patch
// line counts per file; the totals per day and model; the truth as JSON.
#include <stdexcept>
#include <utility>

#include "tests/corpus/gen_internal.hpp"

namespace codepulse::bench {
namespace corpus {

uint16_t Gen::intern_model(const std::string& m) {
  for (size_t i = 0; i < models_.size(); ++i) {
    if (models_[i] == m) return static_cast<uint16_t>(i);
  }
  models_.push_back(m);
  return static_cast<uint16_t>(models_.size() - 1);
}

void Gen::record(const std::string& id, const std::string& rid, bool sidechain, int64_t ts,
                 const std::string& model, const Usage& u) {
  Cand c{u, ts, intern_model(model), sidechain};
  std::string key = id;
  key += '\x1f';
  key += rid;
  auto it = cands_.find(key);
  if (it != cands_.end()) {
    Cand& ex = it->second;
    const int64_t te = ex.u.total(), tc = c.u.total();
    // The corpus keeps copies that differ in sidechain flag identical, and all lines of a request
    // on one UTC day, so that first-wins/sidechain-first (ccusage) and this rule agree.
    if (ex.sidechain != c.sidechain && te != tc) {
      throw std::logic_error("corpus generator: sidechain copy with different usage");
    }
    if (tc == te && ex.ts / kDayMs != c.ts / kDayMs) {
      throw std::logic_error("corpus generator: request lines span two UTC days");
    }
    if (tc >= te) ex = c;
    return;
  }
  auto jt = id_key_.find(id);
  if (jt != id_key_.end()) {
    Cand& ex = cands_.at(jt->second);
    if (ex.sidechain == c.sidechain) {
      throw std::logic_error("corpus generator: message id reused with a new requestId");
    }
    if (!c.sidechain) {  // the non-sidechain record replaces a sidechain replay
      cands_.erase(jt->second);
      cands_.emplace(key, c);
      jt->second = key;
    }
    return;
  }
  cands_.emplace(key, c);
  id_key_.emplace(id, std::move(key));
}

void Gen::add_patch_truth(const Session& s, const std::string& abs, int64_t added,
                          int64_t removed) {
  const std::string& cwd = s.proj->cwd;
  if (abs.size() <= cwd.size() + 1 || abs.compare(0, cwd.size(), cwd) != 0 ||
      abs[cwd.size()] != '/') {
    return;  // outside the repository
  }
  if (added == 0 && removed == 0) return;
  auto& e = truth_.lines_by_file[abs.substr(cwd.size() + 1)];
  e.first += added;
  e.second += removed;
}

void Gen::total_by_day_model() {
  for (const auto& [key, c] : cands_) {
    (void)key;
    std::string day;
    append_day(day, c.ts);
    DayModelTotals& t = truth_.by_day_model[day + "|" + models_[c.model]];
    t.requests += 1;
    t.input += c.u.in;
    t.output += c.u.out;
    t.cache_create += c.u.cc();
    t.cache_create_1h += c.u.cc1h;
    t.cache_read += c.u.cr;
    t.web_search += c.u.ws;
  }
}

}  // namespace corpus

std::string truth_to_json(const CorpusTruth& t) {
  using corpus::escaped;
  std::string o;
  corpus::Json j(o);
  j.obj();
  j.k("files").n(t.files);
  j.k("bytes").n(t.bytes);
  j.k("lines").n(t.lines);
  j.k("usage_lines").n(t.usage_lines);
  j.k("malformed_lines").n(t.malformed_lines);
  j.k("by_day_model").obj();
  for (const auto& [key, d] : t.by_day_model) {
    j.k(escaped(key)).obj();
    j.k("requests").n(d.requests);
    j.k("input").n(d.input);
    j.k("output").n(d.output);
    j.k("cache_create").n(d.cache_create);
    j.k("cache_create_1h").n(d.cache_create_1h);
    j.k("cache_read").n(d.cache_read);
    j.k("web_search").n(d.web_search);
    j.end();
  }
  j.end();
  j.k("lines_by_file").obj();
  for (const auto& [path, ar] : t.lines_by_file) {
    j.k(escaped(path)).arr().n(ar.first).n(ar.second).end();
  }
  j.end();
  j.k("commit_shas").arr();
  for (const auto& sha : t.commit_shas)
    j.s(sha);
  j.end();
  j.end();
  o += '\n';
  return o;
}

}  // namespace codepulse::bench
