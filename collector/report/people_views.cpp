// The people directory's JSON and table rows, and the unmapped authors
// (people_views.hpp).
#include "collector/report/people_views.hpp"

#include <algorithm>
#include <map>

#include "collector/report/store_report.hpp"
#include "common/ascii.hpp"
#include "common/json_writer.hpp"
#include "common/pricing/usd.hpp"
#include "common/report/attribution.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

void day_field(JsonWriter& w, const char* key, const std::string& day) {
  if (day.empty())
    w.key(key).null();
  else
    w.field(key, day);
}

void write_periods(JsonWriter& w, const char* key, const char* value,
                   const std::vector<PeriodRow>& all, int64_t person) {
  w.key(key).begin_array();
  for (const PeriodRow& r : all) {
    if (r.person_id != person) continue;
    w.begin_object().field(value, r.value);
    day_field(w, "from", r.from_day);
    day_field(w, "to", r.to_day);
    w.end_object();
  }
  w.end_array();
}

void write_person(JsonWriter& w, const PeopleRows& d, const PersonRow& p) {
  w.begin_object()
      .field("id", p.id)
      .field("name", p.display_name)
      .field("email", p.email)
      .field("role", p.role);
  day_field(w, "start", p.start_day);
  day_field(w, "end", p.end_day);
  w.field("active", p.active).key("aliases").begin_array();
  for (const std::string& a : p.aliases)
    w.value(a);
  w.end_array();
  write_periods(w, "teams", "team", d.memberships, p.id);
  write_periods(w, "levels", "level", d.levels, p.id);
  w.end_object();
}

// The value of the period of `person` holding `day`, else "-".
std::string on_day(const std::vector<PeriodRow>& all, int64_t person, const std::string& day) {
  for (const PeriodRow& r : all)
    if (r.person_id == person && (r.from_day.empty() || r.from_day <= day) &&
        (r.to_day.empty() || day <= r.to_day))
      return r.value;
  return "-";
}

}  // namespace

std::string people_json(const PeopleRows& d) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("levels").begin_array();
  for (const std::string& l : d.level_order)
    w.value(l);
  w.end_array().key("teams").begin_array();
  for (const TeamRow& t : d.teams)
    w.begin_object()
        .field("name", t.name)
        .field("kind", team_kind_name(t.kind))
        .field("parent", t.parent)
        .end_object();
  w.end_array().key("people").begin_array();
  for (const PersonRow& p : d.people)
    write_person(w, d, p);
  w.end_array().end_object();
  return out;
}

std::string person_json(const PeopleRows& d, const PersonRow& p) {
  std::string out;
  JsonWriter w(out);
  write_person(w, d, p);
  return out;
}

std::vector<std::vector<std::string>> people_table(const PeopleRows& d, const std::string& day) {
  std::vector<std::vector<std::string>> rows = {
      {"ID", "EMAIL", "NAME", "ROLE", "TEAM", "LEVEL", "ACTIVE", "ALIASES"}};
  for (const PersonRow& p : d.people) {
    std::string aliases;
    for (const std::string& a : p.aliases)
      aliases += (aliases.empty() ? "" : " ") + a;
    rows.push_back({std::to_string(p.id), p.email, p.display_name, p.role,
                    on_day(d.memberships, p.id, day), on_day(d.levels, p.id, day),
                    p.active ? "yes" : "no", aliases.empty() ? "-" : aliases});
  }
  return rows;
}

Result<std::vector<UnmappedAuthor>> unmapped_authors(Store& store) {
  auto people = store.load_people();
  if (!people) return make_error("cannot read the people directory: " + people.error().message);
  const auto timeline = people_timeline(*people);
  std::map<std::string, UnmappedAuthor> by_author;
  report::ReportQuery q;
  q.group_by = {report::Dimension::kAuthor};
  auto r = build_report(store, q);
  if (!r) return r.error();
  for (const report::ReportNode& n : r->root.children) {
    if (n.key == report::kUnknownAuthor || timeline->person_of(n.key)) continue;
    UnmappedAuthor& u = by_author[ascii_lower(n.key)];
    u.author = ascii_lower(n.key);
    u.records += n.metrics.records;
    u.cost_nanos += n.metrics.cost_nanos;
  }
  auto commits = store.load_commits(INT64_MIN, INT64_MAX);
  if (!commits) return commits.error();
  for (const CommitRecord& c : commits->commits) {
    if (c.author_email.empty() || timeline->person_of(c.author_email)) continue;
    UnmappedAuthor& u = by_author[ascii_lower(c.author_email)];
    u.author = ascii_lower(c.author_email);
    u.commits += 1;
  }
  std::vector<UnmappedAuthor> out;
  for (auto& [key, u] : by_author)
    out.push_back(std::move(u));
  std::stable_sort(out.begin(), out.end(), [](const UnmappedAuthor& a, const UnmappedAuthor& b) {
    return a.cost_nanos > b.cost_nanos;
  });
  return out;
}

std::string unmapped_json(const std::vector<UnmappedAuthor>& authors) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("unmapped").begin_array();
  for (const UnmappedAuthor& u : authors) {
    w.begin_object()
        .field("author", u.author)
        .field("records", u.records)
        .field("commits", u.commits);
    w.key("cost_usd").raw_number(format_usd(u.cost_nanos, 6));
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

std::vector<std::vector<std::string>> unmapped_table(const std::vector<UnmappedAuthor>& authors) {
  std::vector<std::vector<std::string>> rows = {{"AUTHOR", "RECORDS", "COMMITS", "COST"}};
  for (const UnmappedAuthor& u : authors)
    rows.push_back({u.author, std::to_string(u.records), std::to_string(u.commits),
                    "$" + format_usd(u.cost_nanos, 2)});
  return rows;
}

}  // namespace codepulse::collector
