#include "tracker/report/usage_report.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "common/json_writer.hpp"
#include "common/pricing.hpp"
#include "common/time.hpp"
#include "common/tool_codec.hpp"

namespace codepulse::tracker {
namespace {

constexpr const char* kNoFile = "(no file)";
constexpr const char* kNoTask = "(no task)";

struct DimName {
  Dimension d;
  const char* name;
};
constexpr DimName kDims[] = {{Dimension::kModel, "model"},    {Dimension::kRepo, "repo"},
                             {Dimension::kFile, "file"},      {Dimension::kAuthor, "author"},
                             {Dimension::kTask, "task"},      {Dimension::kDate, "date"},
                             {Dimension::kSession, "session"}};

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t pos = 0;
  while (true) {
    const size_t next = s.find(sep, pos);
    out.emplace_back(s.substr(pos, next == std::string_view::npos ? s.npos : next - pos));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

// Splits `total` into n integer shares that sum to total exactly; the first
// (total mod n) shares get one more.
int64_t share(int64_t total, size_t n, size_t i) {
  const int64_t q = total / static_cast<int64_t>(n);
  const int64_t r = total % static_cast<int64_t>(n);
  return q + (static_cast<int64_t>(i) < r ? 1 : 0);
}

// Nodes sorted by cost, then tokens, then key.
std::vector<const ReportNode*> sorted_children(const ReportNode& n, bool by_key) {
  std::vector<const ReportNode*> v;
  v.reserve(n.children.size());
  for (const auto& [k, c] : n.children)
    v.push_back(&c);
  if (!by_key) {
    std::stable_sort(v.begin(), v.end(), [](const ReportNode* a, const ReportNode* b) {
      if (a->metrics.cost_nanos != b->metrics.cost_nanos)
        return a->metrics.cost_nanos > b->metrics.cost_nanos;
      return a->metrics.total_tokens() > b->metrics.total_tokens();
    });
  }
  return v;
}

void write_metrics(JsonWriter& w, const Metrics& m) {
  w.field("input", m.input)
      .field("output", m.output)
      .field("cache_create", m.cache_create)
      .field("cache_read", m.cache_read)
      .field("total_tokens", m.total_tokens());
  w.key("cost_usd").raw_number(format_usd(m.cost_nanos));
  w.field("records", m.records);
  if (m.unpriced_records > 0) w.field("unpriced_records", m.unpriced_records);
}

void write_node(JsonWriter& w, const Report& r, const ReportNode& n, size_t level) {
  w.begin_object();
  w.field("key", n.key);
  write_metrics(w, n.metrics);
  if (!n.children.empty()) {
    w.key("children").begin_array();
    const bool by_key = r.group_by[level + 1] == Dimension::kDate;
    for (const ReportNode* c : sorted_children(n, by_key))
      write_node(w, r, *c, level + 1);
    w.end_array();
  }
  w.end_object();
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void csv_rows(const Report& r, const ReportNode& n, std::vector<std::string>& path,
              std::string& out) {
  if (n.children.empty()) {
    for (const auto& p : path)
      out += csv_field(p) + ",";
    const Metrics& m = n.metrics;
    out += std::to_string(m.input) + "," + std::to_string(m.output) + "," +
           std::to_string(m.cache_create) + "," + std::to_string(m.cache_read) + "," +
           std::to_string(m.total_tokens()) + "," + format_usd(m.cost_nanos) + "," +
           std::to_string(m.records) + "\n";
    return;
  }
  const bool by_key = r.group_by[path.size()] == Dimension::kDate;
  for (const ReportNode* c : sorted_children(n, by_key)) {
    path.push_back(c->key);
    csv_rows(r, *c, path, out);
    path.pop_back();
  }
}

std::string usd_cents(int64_t nanos) {
  std::string s = format_usd(nanos, 2);
  const size_t dot = s.find('.');
  const bool neg = !s.empty() && s[0] == '-';
  const int64_t whole = std::stoll(s.substr(neg ? 1 : 0, dot - (neg ? 1 : 0)));
  std::string out = neg ? "-$" : "$";
  out += with_thousands(whole);
  out.append(s, dot, std::string::npos);
  return out;
}

}  // namespace

void Metrics::add(const Metrics& o) {
  input += o.input;
  output += o.output;
  cache_create += o.cache_create;
  cache_read += o.cache_read;
  cost_nanos += o.cost_nanos;
  records += o.records;
  unpriced_records += o.unpriced_records;
}

const char* dimension_name(Dimension d) {
  for (const auto& dn : kDims)
    if (dn.d == d) return dn.name;
  return "?";
}

Result<std::vector<Dimension>> parse_dimensions(std::string_view list) {
  std::vector<Dimension> dims;
  for (const std::string& part : split(list, ',')) {
    bool found = false;
    for (const auto& dn : kDims) {
      if (part == dn.name) {
        if (std::find(dims.begin(), dims.end(), dn.d) != dims.end())
          return make_error("--group-by: dimension '" + part + "' given twice");
        dims.push_back(dn.d);
        found = true;
      }
    }
    if (!found)
      return make_error("--group-by: unknown dimension '" + part +
                        "' (use model, repo, file, author, task, date, session)");
  }
  if (dims.empty()) return make_error("--group-by: no dimension given");
  return dims;
}

std::string with_thousands(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[i]);
    if ((n - i - 1) % 3 == 0 && i + 1 < n) out.push_back(',');
  }
  if (v < 0) out.insert(out.begin(), '-');
  return out;
}

Result<Report> build_report(sql::Database& db, const ReportQuery& q) {
  const bool want_files =
      std::find(q.group_by.begin(), q.group_by.end(), Dimension::kFile) != q.group_by.end();
  std::string sql =
      "SELECT r.model, r.repo, r.author, r.task_keys, r.ts_ms, r.session_id, r.input, r.output,"
      " r.cache_create_5m + r.cache_create_1h, r.cache_read, r.cost_nanos, r.fast";
  if (want_files) sql += ", r.tools";
  sql += " FROM usage_records r WHERE r.ts_ms >= ?1 AND r.ts_ms < ?2";
  auto st = db.prepare(sql);
  if (!st) return st.error();
  st->bind(1, q.since_ms.value_or(INT64_MIN)).bind(2, q.until_ms.value_or(INT64_MAX));

  Report report;
  report.group_by = q.group_by;
  std::vector<std::vector<std::string>> values(q.group_by.size());
  while (true) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    Metrics m;
    m.input = st->int64(6);
    m.output = st->int64(7);
    m.cache_create = st->int64(8);
    m.cache_read = st->int64(9);
    if (st->is_null(10))
      m.unpriced_records = 1;
    else
      m.cost_nanos = st->int64(10);
    m.records = 1;
    std::string model(st->text(0));
    if (st->int64(11) != 0) model += "-fast";  // as ccusage names fast-mode usage
    std::vector<std::string> files;
    if (want_files) {
      // Files the request changed; if none, files it read (docs/PRIVACY.md).
      auto tools = decode_tools(st->text(12));
      if (!tools) return tools.error();
      std::set<std::string> changed, read;
      for (const ToolUse& t : *tools) {
        if (t.path.empty() || !t.action) continue;
        (*t.action == FileAction::kChange ? changed : read).insert(t.path);
      }
      const std::set<std::string>& chosen = changed.empty() ? read : changed;
      files.assign(chosen.begin(), chosen.end());
      if (files.empty()) files.push_back(kNoFile);
    }
    std::vector<std::string> tasks = split(st->text(3), ',');
    if (tasks.empty()) tasks.push_back(kNoTask);
    for (size_t i = 0; i < q.group_by.size(); ++i) {
      auto& v = values[i];
      v.clear();
      switch (q.group_by[i]) {
        case Dimension::kModel:
          v.push_back(model);
          break;
        case Dimension::kRepo:
          v.emplace_back(st->text(1));
          break;
        case Dimension::kAuthor:
          v.emplace_back(st->text(2).empty() ? "(unknown)" : st->text(2));
          break;
        case Dimension::kSession:
          v.emplace_back(st->text(5));
          break;
        case Dimension::kFile:
          v = files;
          break;
        case Dimension::kTask:
          v = tasks;
          break;
        case Dimension::kDate: {
          const int64_t ms = st->int64(4);
          const int64_t sec = (ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
          const int64_t local = sec + q.tz.offset_at(sec);
          const int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
          v.push_back(format_date(civil_from_days(days)));
          break;
        }
      }
    }
    // A record split over several files or tasks: tokens and cost are divided
    // into integer shares that add up exactly to the record.
    size_t parts = 1;
    for (const auto& v : values)
      parts *= v.size();
    report.root.metrics.add(m);
    std::vector<size_t> idx(values.size(), 0);
    std::vector<const ReportNode*> counted;  // a record counts once per node
    for (size_t part = 0; part < parts; ++part) {
      size_t rem = part;
      for (size_t i = values.size(); i-- > 0;) {
        idx[i] = rem % values[i].size();
        rem /= values[i].size();
      }
      Metrics s;
      s.input = share(m.input, parts, part);
      s.output = share(m.output, parts, part);
      s.cache_create = share(m.cache_create, parts, part);
      s.cache_read = share(m.cache_read, parts, part);
      s.cost_nanos = share(m.cost_nanos, parts, part);
      ReportNode* node = &report.root;
      for (size_t i = 0; i < values.size(); ++i) {
        const std::string& key = values[i][idx[i]];
        ReportNode& child = node->children[key];
        if (child.key.empty()) child.key = key;
        Metrics add = s;
        if (std::find(counted.begin(), counted.end(), &child) == counted.end()) {
          counted.push_back(&child);
          add.records = 1;
          add.unpriced_records = m.unpriced_records;
        }
        child.metrics.add(add);
        node = &child;
      }
    }
  }
  return report;
}

std::string render_json(const Report& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("group_by").begin_array();
  for (Dimension d : r.group_by)
    w.value(dimension_name(d));
  w.end_array();
  w.key("totals").begin_object();
  write_metrics(w, r.root.metrics);
  w.end_object();
  w.key("rows").begin_array();
  const bool by_key = r.group_by.front() == Dimension::kDate;
  for (const ReportNode* c : sorted_children(r.root, by_key))
    write_node(w, r, *c, 0);
  w.end_array();
  w.end_object();
  out.push_back('\n');
  return out;
}

std::string render_csv(const Report& r) {
  std::string out;
  for (Dimension d : r.group_by)
    out += std::string(dimension_name(d)) + ",";
  out += "input,output,cache_create,cache_read,total_tokens,cost_usd,records\n";
  std::vector<std::string> path;
  csv_rows(r, r.root, path, out);
  return out;
}

std::string render_table(const Report& r) {
  struct Line {
    std::string label;
    const Metrics* m;
  };
  std::vector<Line> lines;
  auto visit = [&](auto&& self, const ReportNode& n, size_t level) -> void {
    const bool by_key = r.group_by[level] == Dimension::kDate;
    for (const ReportNode* c : sorted_children(n, by_key)) {
      lines.push_back({std::string(level * 2, ' ') + c->key, &c->metrics});
      if (level + 1 < r.group_by.size()) self(self, *c, level + 1);
    }
  };
  visit(visit, r.root, 0);
  std::string header;
  for (size_t i = 0; i < r.group_by.size(); ++i) {
    if (i) header += " > ";
    header += dimension_name(r.group_by[i]);
  }
  const char* cols[] = {"Records",    "Input",        "Output", "Cache create",
                        "Cache read", "Total tokens", "Cost"};
  auto cells = [](const Metrics& m) {
    return std::vector<std::string>{with_thousands(m.records),    with_thousands(m.input),
                                    with_thousands(m.output),     with_thousands(m.cache_create),
                                    with_thousands(m.cache_read), with_thousands(m.total_tokens()),
                                    usd_cents(m.cost_nanos)};
  };
  size_t label_w = std::max<size_t>(header.size(), 5);
  std::vector<size_t> widths(7);
  for (size_t i = 0; i < 7; ++i)
    widths[i] = std::string_view(cols[i]).size();
  auto measure = [&](const std::string& label, const Metrics& m) {
    // Display width: count UTF-8 lead bytes only.
    size_t w = 0;
    for (unsigned char c : label)
      w += (c & 0xC0) != 0x80;
    label_w = std::max(label_w, w);
    auto cs = cells(m);
    for (size_t i = 0; i < 7; ++i)
      widths[i] = std::max(widths[i], cs[i].size());
  };
  for (const auto& l : lines)
    measure(l.label, *l.m);
  measure("TOTAL", r.root.metrics);
  auto pad_label = [&](const std::string& s) {
    size_t w = 0;
    for (unsigned char c : s)
      w += (c & 0xC0) != 0x80;
    return s + std::string(label_w - std::min(label_w, w), ' ');
  };
  std::string out;
  auto row = [&](const std::string& label, const std::vector<std::string>& cs) {
    out += pad_label(label);
    for (size_t i = 0; i < cs.size(); ++i)
      out += "  " + std::string(widths[i] - cs[i].size(), ' ') + cs[i];
    out += "\n";
  };
  std::vector<std::string> head(cols, cols + 7);
  row(header, head);
  size_t total_w = label_w;
  for (size_t w : widths)
    total_w += w + 2;
  std::string rule;
  for (size_t i = 0; i < total_w; ++i)
    rule += "\u2500";
  rule += '\n';
  out += rule;
  for (const auto& l : lines)
    row(l.label, cells(*l.m));
  out += rule;
  row("TOTAL", cells(r.root.metrics));
  if (r.root.metrics.unpriced_records > 0) {
    out += '\n';
    out += with_thousands(r.root.metrics.unpriced_records);
    out += " records use a model without a known price; their cost is not included.\n";
  }
  return out;
}

}  // namespace codepulse::tracker
