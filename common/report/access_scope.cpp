// Scopes of access (access_scope.hpp).
#include "common/report/access_scope.hpp"

#include <cstdio>

#include "common/ascii.hpp"
#include "common/report/people_timeline.hpp"
#include "common/report/report_cut.hpp"
#include "common/report/usage_cube.hpp"
#include "common/time.hpp"

namespace codepulse::report {

std::string AccessScope::text() const {
  switch (kind) {
    case Kind::kOrg:
      return "org";
    case Kind::kNode:
      return node_kind + ":" + name;
    case Kind::kSelf:
      return "self:" + name;
  }
  return "org";
}

Result<AccessScope> parse_access_scope(std::string_view text) {
  constexpr const char* kForms = "org, team:NAME, group:NAME, org:NAME or self:EMAIL";
  AccessScope s;
  if (text == "org") return s;
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos)
    return make_error("scope '" + std::string(text) + "': expected " + kForms);
  const std::string_view kind = text.substr(0, colon), name = text.substr(colon + 1);
  if (name.empty())
    return make_error("scope '" + std::string(text) + "': the name after ':' is empty; expected " +
                      kForms);
  if (name.size() > 200) return make_error("scope: the name is over 200 bytes");
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return make_error("scope: the name holds a control character");
  if (kind == "self") {
    if (name.find('@') == std::string_view::npos)
      return make_error("scope '" + std::string(text) + "': self: takes an email");
    s.kind = AccessScope::Kind::kSelf;
    s.node_kind = "self";
    s.name = ascii_lower(name);
    return s;
  }
  if (kind != "team" && kind != "group" && kind != "org")
    return make_error("scope '" + std::string(text) + "': unknown kind '" + std::string(kind) +
                      "'; expected " + kForms);
  s.kind = AccessScope::Kind::kNode;
  s.node_kind = std::string(kind);
  s.name = std::string(name);
  return s;
}

ScopeMatcher::ScopeMatcher(const AccessScope& scope, const PeopleTimeline* people)
    : people_(people), whole_(scope.whole()) {
  if (whole_) return;
  if (scope.kind == AccessScope::Kind::kSelf) {
    self_ = true;
    self_email_ = ascii_lower(scope.name);
    if (people_) self_person_ = people_->person_of(self_email_);
    return;
  }
  if (!people_) return;
  const std::string wanted = ascii_lower(scope.name);
  const auto& teams = people_->teams();
  team_in_.assign(teams.size(), false);
  for (size_t t = 0; t < teams.size(); ++t)
    for (const std::string& up : teams[t].path)
      if (ascii_lower(up) == wanted) team_in_[t] = true;
}

bool ScopeMatcher::allows_person(std::optional<uint32_t> person, std::string_view author,
                                 int64_t day) const {
  if (whole_) return true;
  if (self_) {
    if (self_person_) return person == self_person_;
    return !person && ascii_lower(author) == self_email_;
  }
  if (!person || !people_) return false;
  const auto t = people_->team_on(*person, day);
  return t && *t < team_in_.size() && team_in_[*t];
}

bool ScopeMatcher::allows(std::string_view author, int64_t day) const {
  if (whole_) return true;
  return allows_person(people_ ? people_->person_of(author) : std::nullopt, author, day);
}

std::vector<IdleSeat> scoped_idle_seats(std::vector<IdleSeat> seats, const ReportQuery& q,
                                        const PeopleTimeline* people) {
  if (!q.scope.whole()) {
    const ScopeMatcher scope(q.scope, people);
    std::erase_if(seats, [&scope](const IdleSeat& s) {
      int y = 0;
      unsigned m = 0;
      if (std::sscanf(s.month.c_str(), "%d-%u", &y, &m) != 2) return true;
      return !scope.allows(s.assignee, days_from_civil(CivilDate{y, m, 1}));
    });
  }
  if (q.min_group_size > 1)
    for (IdleSeat& s : seats)
      s.assignee = kOthers;
  return seats;
}

}  // namespace codepulse::report
