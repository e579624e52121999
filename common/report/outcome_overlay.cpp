// The outcome overlay: facts added along every path of their dimension
// values, and the outcome tree grafted onto the report's.
#include "common/report/outcome_overlay.hpp"

#include <algorithm>

namespace codepulse::report {

void add_unique(Values& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

Values or_default(Values v, const char* none) {
  if (v.empty()) v.emplace_back(none);
  return v;
}

void Overlay::add(std::vector<Values> values, const AddFn& fn) {
  for (const Filter& f : q_.where) {
    Values& v = values[static_cast<size_t>(f.dimension)];
    if (std::find(v.begin(), v.end(), f.value) == v.end()) return;
  }
  // A filtered dimension on the path keeps only its allowed values.
  for (Dimension d : q_.group_by) {
    Values& v = values[static_cast<size_t>(d)];
    bool filtered = false;
    Values kept;
    for (const Filter& f : q_.where)
      if (f.dimension == d) {
        filtered = true;
        if (std::find(v.begin(), v.end(), f.value) != v.end()) add_unique(kept, f.value);
      }
    if (filtered) v = std::move(kept);
  }
  fn(tree_.at(0).outcomes, nullptr);
  descend(0, 0, values, nullptr, fn);
}

void Overlay::descend(size_t node, size_t level, const std::vector<Values>& values,
                      const std::string* file, const AddFn& fn) {
  if (level == q_.group_by.size()) return;
  const Dimension d = q_.group_by[level];
  for (const std::string& v : values[static_cast<size_t>(d)]) {
    const size_t c = tree_.child(node, v);
    const std::string* f = d == Dimension::kFile ? &v : file;
    fn(tree_.at(c).outcomes, f);
    descend(c, level + 1, values, f, fn);
  }
}

void graft(ReportNode& node, const OutcomeTree& tree, size_t o) {
  node.metrics.outcomes = tree.at(o).outcomes;
  // Every lookup before any child is added: adding may move the children.
  std::unordered_map<std::string, size_t> by_key;
  size_t i = 0;
  for (const ReportNode& c : node.children)
    by_key.emplace(c.key, i++);
  std::vector<std::pair<size_t, size_t>> pairs;  // report child index, outcome node
  std::vector<size_t> fresh;                     // outcome nodes without a report child
  for (size_t oc : tree.at(o).children) {
    auto it = by_key.find(tree.at(oc).key);
    if (it != by_key.end())
      pairs.emplace_back(it->second, oc);
    else
      fresh.push_back(oc);
  }
  for (size_t oc : fresh) {
    ReportNode child;
    child.key = tree.at(oc).key;
    node.children.add(std::move(child));
    pairs.emplace_back(node.children.size() - 1, oc);
  }
  auto first = node.children.begin();
  for (const auto& [index, oc] : pairs)
    graft(*(first + static_cast<std::ptrdiff_t>(index)), tree, oc);
}

}  // namespace codepulse::report
