// The privacy floor over a finished report tree (privacy_floor.hpp).
#include "common/report/privacy_floor.hpp"

#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/ascii.hpp"
#include "common/report/people_timeline.hpp"
#include "common/report/report_cut.hpp"

namespace codepulse::report {
namespace {

using People = std::set<std::string>;

struct Floor {
  size_t levels, k;
  const PeopleTimeline* people;

  std::string person_of(const std::string& author) const {
    if (people)
      if (const auto p = people->person_of(author)) return people->person_key(*p);
    return ascii_lower(author);
  }

  // The people `node` stands for; its hidden author level is removed and,
  // above the leaves, its small children are folded.
  People visit(ReportNode& node, size_t depth) const {
    People out;
    if (depth == levels) {
      for (const ReportNode& author : node.children)
        out.insert(person_of(author.key));
      node.children = ReportChildren();
      return out;
    }
    std::vector<ReportNode> kids(std::make_move_iterator(node.children.begin()),
                                 std::make_move_iterator(node.children.end()));
    std::vector<People> sets;
    sets.reserve(kids.size());
    for (ReportNode& c : kids) {
      sets.push_back(visit(c, depth + 1));
      out.insert(sets.back().begin(), sets.back().end());
    }
    std::vector<bool> fold(kids.size(), false);
    People folded;
    bool any = false;
    for (size_t i = 0; i < kids.size(); ++i)
      if (sets[i].size() < k) {
        fold[i] = true;
        any = true;
        folded.insert(sets[i].begin(), sets[i].end());
      }
    // An "(others)" row of fewer than k people would be one of them under
    // another name: the smallest kept rows join it.
    while (any && folded.size() < k) {
      size_t pick = kids.size();
      for (size_t i = 0; i < kids.size(); ++i)
        if (!fold[i] && (pick == kids.size() || sets[i].size() < sets[pick].size() ||
                         (sets[i].size() == sets[pick].size() &&
                          kids[i].metrics.cost_nanos < kids[pick].metrics.cost_nanos)))
          pick = i;
      if (pick == kids.size()) break;
      fold[pick] = true;
      folded.insert(sets[pick].begin(), sets[pick].end());
    }
    node.children = ReportChildren();
    if (!any) {
      for (ReportNode& c : kids)
        node.children.add(std::move(c));
      return out;
    }
    std::string key = kOthers;
    auto taken = [&](const std::string& name) {
      for (size_t i = 0; i < kids.size(); ++i)
        if (!fold[i] && kids[i].key == name) return true;
      return false;
    };
    while (taken(key))
      key += "*";
    ReportNode others;
    others.key = key;
    others.others = true;
    for (size_t i = 0; i < kids.size(); ++i)
      if (fold[i]) merge_metrics(others.metrics, kids[i].metrics);
    for (size_t i = 0; i < kids.size(); ++i)
      if (!fold[i]) node.children.add(std::move(kids[i]));
    node.children.add(std::move(others));
    return out;
  }
};

}  // namespace

Status apply_privacy_floor(ReportNode& root, size_t levels, size_t k, const PeopleTimeline* people,
                           bool filtered) {
  const People all = Floor{levels, k, people}.visit(root, 0);
  if (filtered && !all.empty() && all.size() < k)
    return make_error(std::string(kBelowFloor) + ": the filters leave " +
                      std::to_string(all.size()) + " " + (all.size() == 1 ? "person" : "people") +
                      ", fewer than this collector's min_group_size (" + std::to_string(k) +
                      "); widen the filters");
  return {};
}

}  // namespace codepulse::report
