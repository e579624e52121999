// build_report: when files are asked for, a first pass over the records in
// range collects what each turn changed (file attribution is per turn); a
// streaming pass then attributes every record to its keys in the tree. docs/ATTRIBUTION.md has the
// rules with examples.
#include <algorithm>
#include <cstdio>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/hashing.hpp"
#include "common/record.hpp"
#include "common/report/report.hpp"
#include "common/time.hpp"
#include "common/tool_codec.hpp"

namespace codepulse::report {
namespace {

constexpr const char* kNoFile = "(no file)";
constexpr const char* kNoTask = "(no task)";
constexpr const char* kNoEpic = "(no epic)";
constexpr const char* kNoBranch = "(no branch)";
constexpr const char* kOthers = "(others)";

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t next = s.find(sep, pos);
    const auto part = s.substr(pos, next == std::string_view::npos ? s.npos : next - pos);
    if (!part.empty()) out.emplace_back(part);
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

// 128-bit products: a cost in nano-dollars times a line count can exceed 64 bits.
__extension__ typedef __int128 Wide;

// `total` divided by `weights` into integer shares that add up to `total`
// exactly: each gets floor(total * w / W), and the units left over go to the
// largest remainders (earlier entries first on ties).
std::vector<int64_t> apportion(int64_t total, const std::vector<int64_t>& weights) {
  const size_t n = weights.size();
  std::vector<int64_t> out(n, 0);
  Wide sum = 0;
  for (int64_t w : weights)
    sum += w;
  if (n == 0) return out;
  if (sum <= 0) {  // no weights: evenly
    for (size_t i = 0; i < n; ++i)
      out[i] = total / static_cast<int64_t>(n) +
               (static_cast<int64_t>(i) < total % static_cast<int64_t>(n) ? 1 : 0);
    return out;
  }
  std::vector<std::pair<Wide, size_t>> remainders;
  int64_t given = 0;
  for (size_t i = 0; i < n; ++i) {
    const Wide p = static_cast<Wide>(total) * weights[i];
    out[i] = static_cast<int64_t>(p / sum);
    given += out[i];
    remainders.emplace_back(p % sum, i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t k = 0; given < total && k < n; ++k, ++given)
    ++out[remainders[k].second];
  return out;
}

std::string date_key(int64_t ts_ms, const TimeZone& tz, Granularity g) {
  const int64_t sec = ts_ms >= 0 ? ts_ms / 1000 : (ts_ms - 999) / 1000;
  const int64_t local = sec + tz.offset_at(sec);
  const int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  const CivilDate d = civil_from_days(days);
  char buf[16];
  switch (g) {
    case Granularity::kDay:
      return format_date(d);
    case Granularity::kMonth:
      std::snprintf(buf, sizeof buf, "%04d-%02d", static_cast<int>(d.year),
                    static_cast<int>(d.month));
      return buf;
    case Granularity::kWeek: {
      // ISO 8601 week: the week with the year's first Thursday is week 1.
      const int64_t weekday = ((days % 7) + 7 + 3) % 7;  // Monday = 0 (1970-01-01 was a Thursday)
      const int64_t thursday = days - weekday + 3;
      const CivilDate th = civil_from_days(thursday);
      const int64_t jan1 = days_from_civil({th.year, 1, 1});
      const int64_t week = (thursday - jan1) / 7 + 1;
      std::snprintf(buf, sizeof buf, "%04d-W%02d", static_cast<int>(th.year),
                    static_cast<int>(week));
      return buf;
    }
  }
  return format_date(d);
}

int64_t local_day(int64_t ts_ms, const TimeZone& tz) {
  const int64_t sec = ts_ms >= 0 ? ts_ms / 1000 : (ts_ms - 999) / 1000;
  const int64_t local = sec + tz.offset_at(sec);
  return local >= 0 ? local / 86400 : (local - 86399) / 86400;
}

struct Row {
  std::string model, repo, author, task_keys, session, branch;
  int64_t ts_ms = 0;
  int64_t input = 0, output = 0, cache_create = 0, cache_read = 0;
  std::optional<int64_t> cost;
};

// Files a turn changed (lines changed as the weight), and files it read.
struct TurnFiles {
  std::map<std::string, int64_t> changed;
  std::set<std::string> read;
  bool lines_unknown = false;  // a change whose result (line counts) was not seen
};

// Line counts come from trackers: capped so sums cannot overflow.
constexpr int64_t kMaxLines = 1'000'000'000;

// A set of 64-bit values that stays a small vector while small (most nodes
// see a few sessions and days) and becomes a hash set when it grows.
class DistinctSet {
 public:
  void insert(uint64_t v) {
    if (!large_.empty()) {
      large_.insert(v);
      return;
    }
    if (std::find(small_.begin(), small_.end(), v) != small_.end()) return;
    if (small_.size() < kSmallMax) {
      small_.push_back(v);
      return;
    }
    large_.insert(small_.begin(), small_.end());
    large_.insert(v);
    small_.clear();
    small_.shrink_to_fit();
  }
  size_t size() const { return large_.empty() ? small_.size() : large_.size(); }

 private:
  static constexpr size_t kSmallMax = 24;
  std::vector<uint64_t> small_;
  std::unordered_set<uint64_t> large_;
};

// Building state kept beside each node: distinct sessions and days.
struct Distinct {
  DistinctSet sessions, days;
  int64_t last_row = -1;  // the record counted last in this node
};

bool needs(const ReportQuery& q, Dimension d) {
  if (std::find(q.group_by.begin(), q.group_by.end(), d) != q.group_by.end()) return true;
  return std::any_of(q.where.begin(), q.where.end(),
                     [d](const Filter& f) { return f.dimension == d; });
}

Status load_epics(sql::Database& db, std::unordered_map<std::string, std::string>& epics) {
  auto exists =
      db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'task_epics'");
  if (!exists) return exists.error();
  auto row = exists->step();
  if (!row) return row.error();
  if (!*row || exists->int64(0) == 0) return {};
  auto st = db.prepare("SELECT task_key, epic_key FROM task_epics");
  if (!st) return st.error();
  while (true) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    epics.emplace(std::string(st->text(0)), std::string(st->text(1)));
  }
  return {};
}

// Keeps the `top` largest children of every node and folds the rest into
// one "(others)" leaf; sums are unchanged.
void cut_top(ReportNode& node, const ReportQuery& q, size_t level) {
  if (node.children.empty()) return;
  if (q.top > 0 && node.children.size() > q.top) {
    const Metric m = q.sort_by.value_or(Metric::kCostUsd);
    std::vector<std::string> keys;
    for (const auto& [k, c] : node.children)
      keys.push_back(k);
    std::stable_sort(keys.begin(), keys.end(), [&](const std::string& a, const std::string& b) {
      const auto& ma = node.children.at(a).metrics;
      const auto& mb = node.children.at(b).metrics;
      if (ma.sort_value(m) != mb.sort_value(m)) return ma.sort_value(m) > mb.sort_value(m);
      return a < b;
    });
    // A real key "(others)" must not be merged with the fold: pick a free one.
    std::string others_key = kOthers;
    while (node.children.count(others_key) > 0)
      others_key += "*";
    ReportNode others;
    others.key = others_key;
    others.others = true;
    int64_t records = 0, unpriced = 0, sessions = 0, days = 0;
    for (size_t i = q.top; i < keys.size(); ++i) {
      const Metrics& m2 = node.children.at(keys[i]).metrics;
      others.metrics.input += m2.input;
      others.metrics.output += m2.output;
      others.metrics.cache_create += m2.cache_create;
      others.metrics.cache_read += m2.cache_read;
      others.metrics.cost_nanos += m2.cost_nanos;
      records += m2.records;
      unpriced += m2.unpriced_records;
      sessions = std::max(sessions, m2.sessions);
      days = std::max(days, m2.active_days);
      node.children.erase(keys[i]);
    }
    // Distinct counts of a union are not known after the fact: the sum is
    // an upper bound for records; sessions and days are at least the max.
    others.metrics.records = records;
    others.metrics.unpriced_records = unpriced;
    others.metrics.sessions = sessions;
    others.metrics.active_days = days;
    node.children.emplace(others_key, std::move(others));
  }
  for (auto& [k, c] : node.children)
    if (!c.others) cut_top(c, q, level + 1);
}

}  // namespace

// The key of a turn; a record without one is a turn of its own.
std::string turn_key(std::string_view turn_id, int64_t row_id) {
  return turn_id.empty() ? "\x1f" + std::to_string(row_id) : std::string(turn_id);
}

Result<Report> build_report(sql::Database& db, const ReportQuery& q) {
  const bool want_files = needs(q, Dimension::kFile);
  const bool want_epics = needs(q, Dimension::kEpic);
  // One snapshot for both passes, even while ingest goes on.
  if (auto s = db.exec("SAVEPOINT report"); !s) return s.error();
  struct Release {
    sql::Database& conn;
    ~Release() { (void)conn.exec("RELEASE report"); }
  } release{db};
  std::unordered_map<std::string, std::string> epics;
  if (want_epics) {
    if (auto e = load_epics(db, epics); !e) return e.error();
  }
  const int64_t since = q.since_ms.value_or(INT64_MIN), until = q.until_ms.value_or(INT64_MAX);
  // Pass 1 (only for files): what each turn changed and read.
  std::unordered_map<std::string, TurnFiles> turns;
  if (want_files) {
    // A turn may cross the range's edges: its files are collected from its
    // records up to a day beyond them.
    auto st =
        db.prepare("SELECT id, turn_id, tools FROM usage_records WHERE ts_ms >= ?1 AND ts_ms < ?2");
    if (!st) return st.error();
    constexpr int64_t kTurnMargin = 86'400'000;
    st->bind(1, since > INT64_MIN + kTurnMargin ? since - kTurnMargin : INT64_MIN)
        .bind(2, until < INT64_MAX - kTurnMargin ? until + kTurnMargin : INT64_MAX);
    while (true) {
      auto more = st->step();
      if (!more) return more.error();
      if (!*more) break;
      auto tools = decode_tools(st->text(2));
      if (!tools) return tools.error();
      TurnFiles& t = turns[turn_key(st->text(1), st->int64(0))];
      for (const ToolUse& tool : *tools) {
        if (tool.path.empty() || !tool.action) continue;
        if (*tool.action == FileAction::kChange) {
          int64_t& w = t.changed[tool.path];
          w = std::min(kMaxLines, w + std::clamp<int64_t>(tool.lines_added, 0, kMaxLines) +
                                      std::clamp<int64_t>(tool.lines_removed, 0, kMaxLines));
          t.lines_unknown = t.lines_unknown || !tool.result_seen;
        } else {
          t.read.insert(tool.path);
        }
      }
    }
  }
  // Pass 2: every record to its keys.
  auto st = db.prepare(
      "SELECT model, repo, author, task_keys, ts_ms, session_id, input, output,"
      " cache_create_5m + cache_create_1h, cache_read, cost_nanos, fast, branch, turn_id, id"
      " FROM usage_records WHERE ts_ms >= ?1 AND ts_ms < ?2");
  if (!st) return st.error();
  st->bind(1, since).bind(2, until);

  Report report;
  report.query = q;
  std::unordered_map<ReportNode*, Distinct> distinct;
  Distinct root_distinct;
  std::unordered_map<int64_t, std::string> date_keys;  // local day -> key at the granularity
  const size_t levels = q.group_by.size();
  std::vector<std::string> base(levels);  // per record: the keys of single-valued dimensions
  std::vector<std::string> files, tasks;
  std::vector<int64_t> file_weights;
  std::vector<ReportNode*> path(levels);
  int64_t row_number = 0;
  Row r;
  while (true) {
    auto more = st->step();
    if (!more) return more.error();
    if (!*more) break;
    r.model.assign(st->text(0));
    if (st->int64(11) != 0) r.model += "-fast";  // as ccusage names fast-mode usage
    r.repo.assign(st->text(1));
    r.author = st->text(2).empty() ? std::string("(unknown)") : std::string(st->text(2));
    r.task_keys.assign(st->text(3));
    r.ts_ms = st->int64(4);
    r.session.assign(st->text(5));
    r.input = st->int64(6);
    r.output = st->int64(7);
    r.cache_create = st->int64(8);
    r.cache_read = st->int64(9);
    r.cost = st->opt_int64(10);
    r.branch = st->text(12).empty() ? std::string(kNoBranch) : std::string(st->text(12));
    const int64_t day = local_day(r.ts_ms, q.tz);
    auto date_it = date_keys.find(day);
    if (date_it == date_keys.end())
      date_it = date_keys.emplace(day, date_key(r.ts_ms, q.tz, q.granularity)).first;
    const std::string& date = date_it->second;
    // Files: what the turn changed, weighted by lines changed (evenly when no
    // line counts are known); else what it read, evenly; else "(no file)".
    files.clear();
    file_weights.clear();
    if (want_files) {
      const TurnFiles& t = turns[turn_key(st->text(13), st->int64(14))];
      for (const auto& [file, lines] : t.changed) {
        files.push_back(file);
        file_weights.push_back(t.lines_unknown ? 0 : lines);  // unknown: evenly
      }
      if (files.empty())
        for (const auto& file : t.read) {
          files.push_back(file);
          file_weights.push_back(0);
        }
      if (files.empty()) {
        files.push_back(kNoFile);
        file_weights.push_back(0);
      }
    } else {
      files.push_back("");
      file_weights.push_back(0);
    }
    tasks = split(r.task_keys, ',');
    if (tasks.empty()) tasks.push_back(kNoTask);
    auto single = [&](Dimension d) -> const std::string& {
      switch (d) {
        case Dimension::kModel:
          return r.model;
        case Dimension::kRepo:
          return r.repo;
        case Dimension::kAuthor:
          return r.author;
        case Dimension::kSession:
          return r.session;
        case Dimension::kBranch:
          return r.branch;
        default:
          return date;
      }
    };
    auto epic_of = [&](const std::string& task) -> const std::string& {
      static const std::string no_epic = kNoEpic;
      auto it = epics.find(task);
      return it == epics.end() ? no_epic : it->second;
    };
    auto key_of = [&](Dimension d, const std::string& file,
                      const std::string& task) -> const std::string& {
      if (d == Dimension::kFile) return file;
      if (d == Dimension::kTask) return task;
      if (d == Dimension::kEpic) return epic_of(task);
      return single(d);
    };
    // Shares: tasks evenly first (every report splits tasks), then each task's
    // share over the files by weight, so a task's total is the same whether
    // or not the report asks for files. Part i = task * files + file.
    const size_t task_parts = tasks.size(), file_parts = files.size();
    auto split_metric = [&](int64_t total) {
      std::vector<int64_t> by_task = task_parts > 1
                                         ? apportion(total, std::vector<int64_t>(task_parts, 0))
                                         : std::vector<int64_t>{total};
      if (file_parts == 1) return by_task;
      std::vector<int64_t> out;
      for (int64_t t : by_task) {
        const auto by_file = apportion(t, file_weights);
        out.insert(out.end(), by_file.begin(), by_file.end());
      }
      return out;
    };
    const auto in = split_metric(r.input), out = split_metric(r.output),
               cc = split_metric(r.cache_create), cr = split_metric(r.cache_read),
               cost = split_metric(r.cost.value_or(0));
    const uint64_t session_hash = fnv1a64(r.session);
    bool counted_root = false;
    ++row_number;
    auto add_to = [&](ReportNode& node, Distinct& dist, bool first, size_t i) {
      node.metrics.input += in[i];
      node.metrics.output += out[i];
      node.metrics.cache_create += cc[i];
      node.metrics.cache_read += cr[i];
      node.metrics.cost_nanos += cost[i];
      if (first) {
        ++node.metrics.records;
        if (!r.cost) ++node.metrics.unpriced_records;
        dist.sessions.insert(session_hash);
        dist.days.insert(static_cast<uint64_t>(day));
      }
    };
    for (size_t t = 0; t < task_parts; ++t) {
      for (size_t f = 0; f < file_parts; ++f) {
        const size_t i = t * file_parts + f;
        // Filters: values of one dimension are alternatives; all dimensions apply.
        bool pass = true;
        for (size_t a = 0; a < q.where.size() && pass; ++a) {
          const Dimension d = q.where[a].dimension;
          bool any = false;
          for (const Filter& g : q.where)
            if (g.dimension == d) any = any || key_of(d, files[f], tasks[t]) == g.value;
          pass = any;
        }
        if (!pass) continue;
        add_to(report.root, root_distinct, !counted_root, i);
        counted_root = true;
        ReportNode* node = &report.root;
        for (size_t level = 0; level < levels; ++level) {
          const std::string& key = key_of(q.group_by[level], files[f], tasks[t]);
          auto it = node->children.find(key);
          if (it == node->children.end()) {
            it = node->children.emplace(key, ReportNode{}).first;
            it->second.key = key;
          }
          ReportNode& child = it->second;
          Distinct& dist = distinct[&child];
          const bool first = dist.last_row != row_number;
          dist.last_row = row_number;
          add_to(child, dist, first, i);
          node = &child;
        }
      }
    }
  }
  report.root.metrics.sessions = static_cast<int64_t>(root_distinct.sessions.size());
  report.root.metrics.active_days = static_cast<int64_t>(root_distinct.days.size());
  for (auto& [node, dist] : distinct) {
    node->metrics.sessions = static_cast<int64_t>(dist.sessions.size());
    node->metrics.active_days = static_cast<int64_t>(dist.days.size());
  }
  cut_top(report.root, q, 0);
  return report;
}

}  // namespace codepulse::report
