// The people directory's YAML subset (people_yaml.hpp): a small reader of
// block and one-line flow collections into a tree, then the tree into the
// lines the CSV's rules read.
#include "collector/cli/people_yaml.hpp"

#include <algorithm>

#include "common/ascii.hpp"

namespace codepulse::collector {
namespace {

struct YamlNode {
  enum class Kind { kScalar, kMap, kSeq } kind = Kind::kScalar;
  size_t line = 0;
  std::string scalar;
  std::vector<std::pair<std::string, YamlNode>> map;
  std::vector<YamlNode> seq;
};

struct SourceLine {
  size_t number = 0, indent = 0;
  std::string text;  // without indentation, comment and trailing spaces
};

Status at_line(size_t line, const std::string& what) {
  return make_error(std::to_string(line) + ": " + what);
}

// Drops a comment: '#' at the start or after a space, outside quotes.
std::string without_comment(std::string_view s) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '#' && (i == 0 || s[i - 1] == ' ')) {
      return std::string(s.substr(0, i));
    }
  }
  return std::string(s);
}

Result<std::vector<SourceLine>> source_lines(std::string_view text) {
  std::vector<SourceLine> out;
  size_t number = 0;
  for (size_t pos = 0; pos <= text.size();) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string line = without_comment(raw);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    const size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos) continue;
    if (line[indent] == '\t')
      return at_line(number, "a tab in the indentation (indent with spaces)").error();
    if (indent == 0 && (line == "---" || line == "...")) continue;
    out.push_back({number, indent, line.substr(indent)});
  }
  return out;
}

// "text" or 'text' unquoted, or a plain scalar as it is.
Result<std::string> scalar_of(std::string_view s, size_t line) {
  s = trim(s);
  if (s.empty()) return std::string();
  const char first = s.front();
  if (first == '&' || first == '*' || first == '!' || first == '|' || first == '>' ||
      first == '%' || first == '@' || first == '`')
    return at_line(line, "'" + std::string(s) +
                             "': anchors, aliases, tags and block scalars are not in the "
                             "supported YAML subset (quote the value)")
        .error();
  if (first == '\'' || first == '"') {
    if (s.size() < 2 || s.back() != first)
      return at_line(line, "unterminated quote in " + std::string(s)).error();
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      if (first == '\'' && s[i] == '\'' && s[i + 1] == '\'') {
        out += '\'';
        ++i;
      } else if (first == '"' && s[i] == '\\' && i + 2 < s.size()) {
        const char e = s[++i];
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      } else {
        out += s[i];
      }
    }
    return out;
  }
  return std::string(s);
}

// Splits a flow collection's inside at commas outside quotes.
std::vector<std::string> flow_items(std::string_view inside) {
  std::vector<std::string> out;
  char quote = 0;
  std::string cur;
  for (const char c : inside) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!std::string(trim(cur)).empty() || !out.empty()) out.push_back(cur);
  return out;
}

// The position of a mapping's ':' (followed by a space or the end) outside
// quotes, or npos.
size_t key_colon(std::string_view s) {
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) {
      return i;
    }
  }
  return std::string_view::npos;
}

Result<YamlNode> inline_value(std::string_view s, size_t line) {
  s = trim(s);
  YamlNode n;
  n.line = line;
  if (!s.empty() && (s.front() == '[' || s.front() == '{')) {
    const char close = s.front() == '[' ? ']' : '}';
    if (s.back() != close)
      return at_line(line, "'" + std::string(s) + "': a flow collection must end on its line")
          .error();
    n.kind = close == ']' ? YamlNode::Kind::kSeq : YamlNode::Kind::kMap;
    for (const std::string& item : flow_items(s.substr(1, s.size() - 2))) {
      if (close == ']') {
        auto v = scalar_of(item, line);
        if (!v) return v.error();
        YamlNode child;
        child.line = line;
        child.scalar = *v;
        n.seq.push_back(std::move(child));
        continue;
      }
      const size_t colon = key_colon(item);
      if (colon == std::string_view::npos)
        return at_line(line, "'" + std::string(trim(item)) + "': expected KEY: VALUE").error();
      auto key = scalar_of(std::string_view(item).substr(0, colon), line);
      auto value = scalar_of(std::string_view(item).substr(colon + 1), line);
      if (!key) return key.error();
      if (!value) return value.error();
      YamlNode child;
      child.line = line;
      child.scalar = *value;
      n.map.emplace_back(*key, std::move(child));
    }
    return n;
  }
  auto v = scalar_of(s, line);
  if (!v) return v.error();
  n.scalar = *v;
  return n;
}

class Reader {
 public:
  explicit Reader(std::vector<SourceLine> lines) : lines_(std::move(lines)) {}

  Result<YamlNode> document() {
    if (lines_.empty()) return at_line(1, "the file is empty (expected 'people:')").error();
    auto root = block(lines_[0].indent);
    if (!root) return root;
    if (i_ < lines_.size()) return at_line(lines_[i_].number, "unexpected indentation").error();
    return root;
  }

 private:
  bool is_item(const SourceLine& l) const { return l.text == "-" || l.text.starts_with("- "); }

  // The collection whose lines start at indentation `indent`.
  Result<YamlNode> block(size_t indent) {
    YamlNode n;
    n.line = lines_[i_].number;
    if (is_item(lines_[i_])) {
      n.kind = YamlNode::Kind::kSeq;
      while (i_ < lines_.size() && lines_[i_].indent == indent && is_item(lines_[i_])) {
        SourceLine& l = lines_[i_];
        const std::string rest = l.text.size() > 1 ? std::string(trim(l.text.substr(2))) : "";
        if (rest.empty()) {
          ++i_;
          if (i_ >= lines_.size() || lines_[i_].indent <= indent)
            return at_line(l.number, "an empty sequence item").error();
          auto child = block(lines_[i_].indent);
          if (!child) return child;
          n.seq.push_back(std::move(child).value());
        } else if (key_colon(rest) != std::string_view::npos && rest.front() != '{' &&
                   rest.front() != '[' && rest.front() != '"' && rest.front() != '\'') {
          // "- key: value": a mapping whose keys line up after "- ".
          l.indent = indent + l.text.find_first_not_of(' ', 2);
          l.text = rest;
          auto child = block(l.indent);
          if (!child) return child;
          n.seq.push_back(std::move(child).value());
        } else {
          auto child = inline_value(rest, l.number);
          if (!child) return child;
          n.seq.push_back(std::move(child).value());
          ++i_;
        }
      }
      return n;
    }
    n.kind = YamlNode::Kind::kMap;
    while (i_ < lines_.size() && lines_[i_].indent == indent) {
      const SourceLine& l = lines_[i_];
      if (is_item(l)) return at_line(l.number, "a sequence item among a mapping's keys").error();
      const size_t colon = key_colon(l.text);
      if (colon == std::string::npos)
        return at_line(l.number, "'" + l.text + "': expected KEY: VALUE").error();
      auto key = scalar_of(std::string_view(l.text).substr(0, colon), l.number);
      if (!key) return key.error();
      for (const auto& [k, v] : n.map)
        if (k == *key) return at_line(l.number, "key '" + *key + "' twice").error();
      const std::string value(trim(std::string_view(l.text).substr(colon + 1)));
      ++i_;
      if (!value.empty()) {
        auto child = inline_value(value, l.number);
        if (!child) return child;
        n.map.emplace_back(*key, std::move(child).value());
        continue;
      }
      const bool nested =
          i_ < lines_.size() &&
          (lines_[i_].indent > indent || (lines_[i_].indent == indent && is_item(lines_[i_])));
      if (!nested) {
        YamlNode empty;
        empty.line = l.number;
        n.map.emplace_back(*key, std::move(empty));
        continue;
      }
      auto child = block(lines_[i_].indent);
      if (!child) return child;
      YamlNode value_node = std::move(child).value();
      value_node.line = l.number;  // errors about a key's value name the key's line
      n.map.emplace_back(*key, std::move(value_node));
    }
    if (i_ < lines_.size() && lines_[i_].indent > indent)
      return at_line(lines_[i_].number, "unexpected indentation").error();
    return n;
  }

  std::vector<SourceLine> lines_;
  size_t i_ = 0;
};

constexpr const char* kPersonKeys[] = {"email", "name", "aliases", "role",
                                       "start", "end",  "active"};
constexpr const char* kPeriodKeys[] = {"team", "group", "org", "level", "from", "to"};

bool one_of(const std::string& key, const char* const* begin, const char* const* end) {
  return std::any_of(begin, end, [&key](const char* k) { return key == k; });
}

// A scalar cell (a key of `keys`) into `line`; aliases may be a sequence.
Status cell(const std::string& key, const YamlNode& v, PeopleLine& line) {
  if (key == "aliases" && v.kind == YamlNode::Kind::kSeq) {
    std::string joined;
    for (const YamlNode& a : v.seq) {
      if (a.kind != YamlNode::Kind::kScalar)
        return at_line(a.line, "aliases: each alias is a plain value");
      joined += (joined.empty() ? "" : ";") + a.scalar;
    }
    line.cells[key] = joined;
    return {};
  }
  if (v.kind != YamlNode::Kind::kScalar)
    return at_line(v.line, key + ": expected a value, not a " +
                               (v.kind == YamlNode::Kind::kMap ? "mapping" : "sequence"));
  line.cells[key] = std::string(trim(v.scalar));
  return {};
}

Status person_lines(const YamlNode& person, std::vector<PeopleLine>& out) {
  if (person.kind != YamlNode::Kind::kMap)
    return at_line(person.line, "each person is a mapping (email: ..., name: ...)");
  PeopleLine own;
  own.number = person.line;
  std::vector<PeopleLine> periods;
  PeopleLine inline_period;  // period keys given on the person itself
  inline_period.number = person.line;
  for (const auto& [key, v] : person.map) {
    if (one_of(key, std::begin(kPersonKeys), std::end(kPersonKeys))) {
      if (auto s = cell(key, v, own); !s) return s;
    } else if (one_of(key, std::begin(kPeriodKeys), std::end(kPeriodKeys))) {
      if (auto s = cell(key, v, inline_period); !s) return s;
    } else if (key == "periods") {
      if (v.kind != YamlNode::Kind::kSeq)
        return at_line(v.line, "periods: expected a sequence of {team, level, from, to}");
      for (const YamlNode& p : v.seq) {
        if (p.kind != YamlNode::Kind::kMap)
          return at_line(p.line, "each period is a mapping (team: ..., from: ...)");
        PeopleLine period;
        period.number = p.line;
        for (const auto& [pkey, pv] : p.map) {
          if (!one_of(pkey, std::begin(kPeriodKeys), std::end(kPeriodKeys)))
            return at_line(p.line,
                           "unknown period key '" + pkey + "' (team, group, org, level, from, to)");
          if (auto s = cell(pkey, pv, period); !s) return s;
        }
        periods.push_back(std::move(period));
      }
    } else {
      return at_line(person.line, "unknown person key '" + key +
                                      "' (email, name, aliases, role, start, end, active, "
                                      "periods, or a period's team, group, org, level, from, to)");
    }
  }
  const std::string email = own["email"];
  if (email.empty()) return at_line(person.line, "email: required");
  out.push_back(own);
  if (!inline_period.cells.empty()) periods.insert(periods.begin(), std::move(inline_period));
  for (PeopleLine& p : periods) {
    p.cells["email"] = email;
    out.push_back(std::move(p));
  }
  return {};
}

}  // namespace

Result<PeopleRows> read_people_yaml(const std::string& name, std::string_view text,
                                    const std::vector<std::string>& level_order) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  auto fail = [&name](const Error& e) { return make_error(name + ":" + e.message); };
  auto lines = source_lines(text);
  if (!lines) return fail(lines.error());
  Reader reader(std::move(lines).value());
  auto root = reader.document();
  if (!root) return fail(root.error());
  if (root->kind != YamlNode::Kind::kMap)
    return fail(at_line(root->line, "expected a mapping with 'people:'").error());
  const YamlNode* people = nullptr;
  for (const auto& [key, v] : root->map) {
    if (key != "people")
      return fail(at_line(v.line, "unknown key '" + key + "' (the file holds 'people:')").error());
    people = &v;
  }
  if (!people) return fail(at_line(root->line, "no 'people:' key").error());
  std::vector<PeopleLine> out;
  if (people->kind == YamlNode::Kind::kSeq) {
    for (const YamlNode& person : people->seq)
      if (auto s = person_lines(person, out); !s) return fail(s.error());
  } else if (people->kind != YamlNode::Kind::kScalar || !people->scalar.empty()) {
    return fail(at_line(people->line, "people: expected a sequence of people").error());
  }
  return read_people_lines(name, out, level_order);
}

}  // namespace codepulse::collector
