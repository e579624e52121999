// The people directory's CSV read into a directory (people_csv.hpp).
#include "collector/cli/people_csv.hpp"

#include <algorithm>
#include <map>

#include "collector/store/provider_rows.hpp"
#include "common/ascii.hpp"
#include "common/csv_cells.hpp"

namespace codepulse::collector {
namespace {

using Line = PeopleLine;

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return std::string(s);
}

// A person field set on two lines with two values is an error.
Status agree(std::string& field, const std::string& cell, const char* column) {
  if (cell.empty()) return {};
  if (!field.empty() && field != cell)
    return make_error(std::string(column) + " '" + cell + "' differs from '" + field +
                      "' given on an earlier line for this person");
  field = cell;
  return {};
}

// A node's parent, the same on every line.
Status place(std::map<std::string, TeamRow>& nodes, const std::string& name, TeamKind kind,
             const std::string& parent) {
  if (name.empty()) return {};
  const std::string key = ascii_lower(name);
  TeamRow node;
  node.name = name;
  node.kind = kind;
  node.parent = parent;
  auto [it, fresh] = nodes.emplace(key, std::move(node));
  if (fresh) return {};
  if (it->second.kind != kind)
    return make_error("'" + name + "' is a " + team_kind_name(it->second.kind) +
                      " on an earlier line, a " + team_kind_name(kind) + " here");
  if (ascii_lower(it->second.parent) != ascii_lower(parent))
    return make_error(std::string(team_kind_name(kind)) + " '" + name + "' is under '" +
                      (parent.empty() ? "nothing" : parent) + "' here but under '" +
                      (it->second.parent.empty() ? "nothing" : it->second.parent) +
                      "' on an earlier line");
  return {};
}

Status day_cell(const Line& l, const char* column) {
  const std::string& v = l[column];
  if (v.empty() || valid_day(v)) return {};
  return make_error(std::string(column) + ": '" + v + "' is not a day (YYYY-MM-DD)");
}

// The first `count` lines as a directory; an error is the line's.
Result<PeopleRows> directory_of(const std::vector<Line>& lines, size_t count,
                                const std::vector<std::string>& level_order, size_t& bad_line) {
  PeopleRows d;
  d.level_order = level_order;
  std::map<std::string, size_t> person_at;  // primary email -> index in d.people
  std::map<std::string, TeamRow> nodes;
  for (size_t i = 0; i < count; ++i) {
    const Line& l = lines[i];
    bad_line = l.number;
    const std::string email = ascii_lower(l["email"]);
    if (email.empty()) return make_error("email: required");
    for (const char* c : {"start", "end", "from", "to"})
      if (auto s = day_cell(l, c); !s) return s.error();
    auto [at, fresh] = person_at.emplace(email, d.people.size());
    if (fresh) {
      PersonRow p;
      p.id = static_cast<int64_t>(d.people.size() + 1);
      p.email = email;
      d.people.push_back(std::move(p));
    }
    PersonRow& p = d.people[at->second];
    if (auto s = agree(p.display_name, l["name"], "name"); !s) return s.error();
    if (auto s = agree(p.role, l["role"], "role"); !s) return s.error();
    if (auto s = agree(p.start_day, l["start"], "start"); !s) return s.error();
    if (auto s = agree(p.end_day, l["end"], "end"); !s) return s.error();
    const std::string active = ascii_lower(l["active"]);
    if (!active.empty() && active != "yes" && active != "no" && active != "true" &&
        active != "false")
      return make_error("active: '" + l["active"] + "' is not yes or no");
    if (active == "no" || active == "false") p.active = false;
    const std::string& aliases = l["aliases"];
    for (size_t pos = 0; pos <= aliases.size();) {
      const size_t next = std::min(aliases.find(';', pos), aliases.size());
      const std::string a = trimmed(std::string_view(aliases).substr(pos, next - pos));
      if (!a.empty()) p.aliases.push_back(ascii_lower(a));
      pos = next + 1;
    }
    const std::string &team = l["team"], &group = l["group"], &org = l["org"];
    if (auto s = place(nodes, org, TeamKind::kOrg, ""); !s) return s.error();
    if (auto s = place(nodes, group, TeamKind::kGroup, org); !s) return s.error();
    if (auto s = place(nodes, team, TeamKind::kTeam, group.empty() ? org : group); !s)
      return s.error();
    if (team.empty() && (!group.empty() || !org.empty()))
      return make_error("team: required when group or org is given (a person is in a team)");
    if (!team.empty()) d.memberships.push_back({p.id, team, l["from"], l["to"]});
    if (!l["level"].empty()) d.levels.push_back({p.id, l["level"], l["from"], l["to"]});
    if (team.empty() && l["level"].empty() && (!l["from"].empty() || !l["to"].empty()))
      return make_error("from and to date a team or a level: give one");
  }
  for (auto& [key, node] : nodes)
    d.teams.push_back(node);
  normalize_people(d);
  return d;
}

}  // namespace

Result<PeopleRows> read_people_csv(const std::string& name, std::string_view text,
                                   const std::vector<std::string>& level_order) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a byte-order mark
  size_t pos = 0, number = 1;
  auto header = next_csv_line(text, pos, number);
  if (!header) return make_error(name + ":1: " + header.error().message);
  std::vector<std::string> columns;
  for (const std::string& h : *header) {
    const std::string c = ascii_lower(trimmed(h));
    if (std::find_if(std::begin(kPeopleCsvColumns), std::end(kPeopleCsvColumns),
                     [&c](const char* k) { return c == k; }) == std::end(kPeopleCsvColumns))
      return make_error(name + ":1: unknown column '" + h +
                        "' (columns: email, name, aliases, role, start, end, active, team, "
                        "group, org, level, from, to)");
    if (std::find(columns.begin(), columns.end(), c) != columns.end())
      return make_error(name + ":1: column '" + c + "' twice");
    columns.push_back(c);
  }
  if (std::find(columns.begin(), columns.end(), "email") == columns.end())
    return make_error(name + ":1: the header has no email column");
  std::vector<Line> lines;
  while (pos < text.size()) {
    ++number;
    auto cells = next_csv_line(text, pos, number);
    if (!cells)
      return make_error(name + ":" + std::to_string(number) + ": " + cells.error().message);
    if (cells->size() == 1 && trimmed((*cells)[0]).empty()) continue;  // a blank line
    if (cells->size() != columns.size())
      return make_error(name + ":" + std::to_string(number) + ": " + std::to_string(cells->size()) +
                        " cells, the header has " + std::to_string(columns.size()));
    Line l;
    l.number = number;
    for (size_t i = 0; i < columns.size(); ++i)
      l.cells[columns[i]] = trimmed((*cells)[i]);
    lines.push_back(std::move(l));
  }
  return read_people_lines(name, lines, level_order);
}

const std::string& PeopleLine::operator[](const char* column) const {
  static const std::string kEmpty;
  const auto it = cells.find(column);
  return it == cells.end() ? kEmpty : it->second;
}

Result<PeopleRows> read_people_lines(const std::string& name, const std::vector<PeopleLine>& lines,
                                     const std::vector<std::string>& level_order) {
  auto at = [&name](size_t line, const std::string& what) {
    return make_error(name + ":" + std::to_string(line) + ": " + what);
  };
  size_t bad_line = 0;
  auto all = directory_of(lines, lines.size(), level_order, bad_line);
  if (!all) return at(bad_line, all.error().message);
  auto checked = check_people(*all);
  if (checked) return all;
  // The first line that breaks a rule of the whole: the shortest failing prefix.
  size_t lo = 1, hi = lines.size();
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    auto part = directory_of(lines, mid, level_order, bad_line);
    if (part && !check_people(*part))
      hi = mid;
    else
      lo = mid + 1;
  }
  return at(lines.empty() ? 1 : lines[lo - 1].number, checked.error().message);
}

}  // namespace codepulse::collector
