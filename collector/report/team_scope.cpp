// A directory node's subtree and its people (team_scope.hpp).
#include "collector/report/team_scope.hpp"

#include <map>

#include "common/ascii.hpp"

namespace codepulse::collector {

std::set<std::string> team_subtree(const PeopleRows& d, const std::string& node) {
  std::map<std::string, std::string> parent_of;  // lower-cased
  for (const TeamRow& t : d.teams)
    parent_of[ascii_lower(t.name)] = ascii_lower(t.parent);
  const std::string root = ascii_lower(node);
  std::set<std::string> out;
  if (!parent_of.count(root)) return out;
  for (const auto& [name, parent] : parent_of) {
    // check_people refused cycles; the bound only guards a store edited by hand.
    std::string at = name;
    for (size_t hops = 0; hops <= parent_of.size() && !at.empty(); ++hops) {
      if (at == root) {
        out.insert(name);
        break;
      }
      auto it = parent_of.find(at);
      at = it == parent_of.end() ? std::string() : it->second;
    }
  }
  return out;
}

std::set<std::string> team_authors_on(const PeopleRows& d, const std::set<std::string>& subtree,
                                      const std::string& day) {
  std::set<std::string> out;
  for (const PeriodRow& m : d.memberships) {
    if ((!m.from_day.empty() && m.from_day > day) || (!m.to_day.empty() && m.to_day < day))
      continue;
    if (!subtree.count(ascii_lower(m.value))) continue;
    for (const PersonRow& p : d.people) {
      if (p.id != m.person_id) continue;
      out.insert(ascii_lower(p.email));
      for (const std::string& a : p.aliases)
        out.insert(ascii_lower(a));
    }
  }
  return out;
}

}  // namespace codepulse::collector
