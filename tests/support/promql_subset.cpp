// The PromQL subset of docs/OPERATIONS.md's alerts, evaluated on one scrape.
#include "tests/support/promql_subset.hpp"

#include <cctype>
#include <cmath>
#include <limits>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace codepulse::test {
namespace {

using Labels = std::map<std::string, std::string>;

struct Series {
  Labels labels;  // without the metric name
  double value = 0;
};
using Vector = std::vector<Series>;

// A value: a number, or an instant vector.
struct Value {
  bool scalar = false;
  double number = 0;
  Vector vector;
};

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  const auto b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// The family a sample belongs to (a histogram's _bucket, _sum and _count).
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s = suffix;
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      const std::string base = name.substr(0, name.size() - s.size());
      if (types.count(base) != 0) return base;
    }
  }
  return name;
}

class Parser {
 public:
  Parser(const std::string& text, const MetricScrape& scrape) : text_(text), scrape_(scrape) {}

  AlertEvaluation run() {
    AlertEvaluation out;
    try {
      Value v = comparison();
      skip_space();
      if (pos_ != text_.size()) fail("unexpected '" + text_.substr(pos_) + "'");
      if (v.scalar) fail("the expression is a number, not a vector");
      out.fires = !v.vector.empty();
    } catch (const std::runtime_error& e) {
      out.error = e.what();
    }
    out.instant = instant_;
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error(why + " (at " + std::to_string(pos_) + " of: " + text_ + ")");
  }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
  }
  bool take(const std::string& token) {
    skip_space();
    if (text_.compare(pos_, token.size(), token) != 0) return false;
    pos_ += token.size();
    return true;
  }
  void expect(const std::string& token) {
    if (!take(token)) fail("expected '" + token + "'");
  }
  std::string identifier() {
    skip_space();
    const size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
                                   text_[pos_] == '_' || text_[pos_] == ':'))
      ++pos_;
    if (start == pos_ || std::isdigit(static_cast<unsigned char>(text_[start])))
      fail("expected a name");
    return text_.substr(start, pos_ - start);
  }
  bool at_number() {
    skip_space();
    return pos_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.');
  }
  double number() {
    skip_space();
    size_t used = 0;
    const double v = std::stod(text_.substr(pos_), &used);
    pos_ += used;
    return v;
  }
  std::string quoted() {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a quoted string");
    const size_t end = text_.find('"', pos_ + 1);
    if (end == std::string::npos) fail("unterminated string");
    std::string s = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return s;
  }

  // comparison := arith [(==|!=|>=|<=|>|<) arith]
  Value comparison() {
    Value left = arith();
    for (const char* op : {"==", "!=", ">=", "<=", ">", "<"}) {
      if (!take(op)) continue;
      Value right = arith();
      if (left.scalar || !right.scalar)
        fail("a comparison needs a vector on the left, a number on the right");
      const std::string o = op;
      Vector kept;
      for (const Series& s : left.vector) {
        const double a = s.value, b = right.number;
        const bool hold = o == "=="   ? a == b
                          : o == "!=" ? a != b
                          : o == ">=" ? a >= b
                          : o == "<=" ? a <= b
                          : o == ">"  ? a > b
                                      : a < b;
        if (hold) kept.push_back(s);
      }
      left.vector = std::move(kept);
      return left;
    }
    return left;
  }

  // arith := term ((*|/) term)*
  Value arith() {
    Value left = term();
    for (;;) {
      skip_space();
      char op = 0;
      if (take("*"))
        op = '*';
      else if (take("/"))
        op = '/';
      else
        return left;
      Value right = term();
      left = combine(left, right, op);
    }
  }

  static double apply(double a, double b, char op) { return op == '*' ? a * b : a / b; }

  Value combine(const Value& a, const Value& b, char op) {
    Value out;
    if (a.scalar && b.scalar) {
      out.scalar = true;
      out.number = apply(a.number, b.number, op);
      return out;
    }
    if (a.scalar || b.scalar) {
      out.vector = a.scalar ? b.vector : a.vector;
      for (Series& s : out.vector)
        s.value = a.scalar ? apply(a.number, s.value, op) : apply(s.value, b.number, op);
      return out;
    }
    for (const Series& l : a.vector)
      for (const Series& r : b.vector)
        if (l.labels == r.labels) out.vector.push_back({l.labels, apply(l.value, r.value, op)});
    if (out.vector.empty()) fail("the two sides share no label set");
    return out;
  }

  // term := number | '(' comparison ')' | function | aggregation | selector
  Value term() {
    if (at_number()) {
      Value v;
      v.scalar = true;
      v.number = number();
      return v;
    }
    if (take("(")) {
      Value v = comparison();
      expect(")");
      return v;
    }
    const std::string name = identifier();
    if (name == "rate" || name == "increase") return range_function(name);
    if (name == "histogram_quantile") return quantile();
    if (name == "sum" || name == "max" || name == "min" || name == "avg") return aggregation(name);
    return selector(name, false);
  }

  Value range_function(const std::string& name) {
    instant_ = false;
    expect("(");
    const std::string metric = identifier();
    const std::string family = family_of(metric, scrape_.types);
    const auto type = scrape_.types.find(family);
    const bool counter =
        type != scrape_.types.end() &&
        (type->second == "counter" || (type->second == "histogram" && metric != family));
    if (!counter) fail(name + "() of " + metric + ", which is not a counter");
    Value v = selector(metric, true);
    expect(")");
    for (Series& s : v.vector)
      s.value = 0;  // one scrape: nothing changed
    return v;
  }

  Value quantile() {
    expect("(");
    const double q = number();
    if (q < 0 || q > 1) fail("a quantile is between 0 and 1");
    expect(",");
    Value v = comparison();
    expect(")");
    if (v.scalar) fail("histogram_quantile() of a number");
    std::map<Labels, int> groups;
    for (const Series& s : v.vector) {
      if (s.labels.count("le") == 0) fail("histogram_quantile() of series without 'le'");
      Labels l = s.labels;
      l.erase("le");
      ++groups[l];
    }
    Value out;
    for (const auto& [labels, n] : groups)
      out.vector.push_back({labels, std::numeric_limits<double>::quiet_NaN()});
    return out;
  }

  std::vector<std::string> label_list() {
    std::vector<std::string> names;
    expect("(");
    if (!take(")")) {
      do
        names.push_back(identifier());
      while (take(","));
      expect(")");
    }
    return names;
  }

  Value aggregation(const std::string& name) {
    std::vector<std::string> by;
    if (take("by")) by = label_list();
    expect("(");
    Value v = comparison();
    expect(")");
    if (take("by")) by = label_list();
    if (v.scalar) fail(name + "() of a number");
    std::map<Labels, std::vector<double>> groups;
    for (const Series& s : v.vector) {
      Labels kept;
      for (const std::string& l : by)
        if (auto it = s.labels.find(l); it != s.labels.end()) kept[l] = it->second;
      groups[kept].push_back(s.value);
    }
    Value out;
    for (const auto& [labels, values] : groups) {
      double r = name == "sum" || name == "avg" ? 0 : values.front();
      for (double x : values)
        r = name == "sum" || name == "avg" ? r + x
            : name == "max"                ? std::max(r, x)
                                           : std::min(r, x);
      if (name == "avg") r /= static_cast<double>(values.size());
      out.vector.push_back({labels, r});
    }
    return out;
  }

  // name [{matchers}] [\[duration\]]: the series of the scrape it selects.
  Value selector(const std::string& name, bool range) {
    struct Matcher {
      std::string label, op, value;
    };
    std::vector<Matcher> matchers;
    if (take("{")) {
      if (!take("}")) {
        do {
          Matcher m;
          m.label = identifier();
          for (const char* op : {"=~", "!~", "!=", "="})
            if (take(op)) {
              m.op = op;
              break;
            }
          if (m.op.empty()) fail("expected a matcher after " + m.label);
          m.value = quoted();
          matchers.push_back(m);
        } while (take(","));
        expect("}");
      }
    }
    if (range) {
      expect("[");
      skip_space();
      const size_t end = text_.find(']', pos_);
      if (end == std::string::npos) fail("unterminated range");
      static const std::regex kDuration("[0-9]+(ms|s|m|h|d|w)");
      if (!std::regex_match(text_.substr(pos_, end - pos_), kDuration)) fail("a bad duration");
      pos_ = end + 1;
    } else if (take("[")) {
      fail("a range outside rate() or increase()");
    }
    if (scrape_.types.count(family_of(name, scrape_.types)) == 0)
      fail("no metric " + name + " in /metrics");
    Value v;
    for (const MetricSample& s : scrape_.samples) {
      if (s.name != name) continue;
      bool all = true;
      for (const Matcher& m : matchers) {
        const auto it = s.labels.find(m.label);
        const std::string have = it == s.labels.end() ? "" : it->second;
        const bool regex = m.op == "=~" || m.op == "!~";
        const bool equal = regex ? std::regex_match(have, std::regex(m.value)) : have == m.value;
        all = all && (m.op[0] == '!' ? !equal : equal);
      }
      if (all) v.vector.push_back({s.labels, s.value});
    }
    if (v.vector.empty()) fail("the selector of " + name + " matches no series in /metrics");
    return v;
  }

  const std::string& text_;
  const MetricScrape& scrape_;
  size_t pos_ = 0;
  bool instant_ = true;
};

}  // namespace

MetricScrape parse_metrics_text(const std::string& text) {
  MetricScrape out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (line.empty()) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream w(line.substr(7));
      std::string name, type;
      w >> name >> type;
      out.types[name] = type;
      continue;
    }
    if (line[0] == '#') continue;
    MetricSample s;
    size_t at = line.find_first_of("{ ");
    s.name = line.substr(0, at);
    if (at != std::string::npos && line[at] == '{') {
      const size_t end = line.find('}', at);
      if (end == std::string::npos) throw std::runtime_error("bad metrics line: " + line);
      std::string body = line.substr(at + 1, end - at - 1);
      size_t p = 0;
      while (p < body.size()) {
        const size_t eq = body.find("=\"", p);
        const size_t close = body.find('"', eq + 2);
        if (eq == std::string::npos || close == std::string::npos)
          throw std::runtime_error("bad labels: " + line);
        s.labels[trim(body.substr(p, eq - p))] = body.substr(eq + 2, close - eq - 2);
        p = close + 1;
        if (p < body.size() && body[p] == ',') ++p;
      }
      at = end + 1;
    }
    const std::string value = trim(line.substr(at));
    s.value = value == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(value);
    out.samples.push_back(std::move(s));
  }
  return out;
}

AlertEvaluation evaluate_alert(const std::string& expression, const MetricScrape& scrape) {
  return Parser(expression, scrape).run();
}

}  // namespace codepulse::test
