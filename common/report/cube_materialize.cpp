// The cube query's finished tree: children lists, node names and metrics, and
// the ReportNode tree a report returns.
#include <string>
#include <vector>

#include "common/report/cube_query_internal.hpp"

namespace codepulse::report {

const std::string& CubeQuery::key_name(size_t level, uint32_t key) const {
  return names(level_dims_[level]).name(key);
}

// The dictionary of a dimension's values: the cube's, or this query's for
// dates, epics, commits and the people dimensions.
const Dictionary& CubeQuery::names(Dimension d) const {
  switch (d) {
    case Dimension::kModel:
      return c_.models_;
    case Dimension::kRepo:
      return c_.repos_;
    case Dimension::kAuthor:
      return c_.authors_;
    case Dimension::kSession:
      return c_.sessions_;
    case Dimension::kBranch:
      return c_.branches_;
    case Dimension::kFile:
      return c_.files_;
    case Dimension::kTask:
      return c_.tasks_;
    case Dimension::kEpic:
      return epic_names_;
    case Dimension::kDate:
      return date_names_;
    case Dimension::kCommit:
      return commit_names_;
    case Dimension::kPr:
      return pr_names_;
    case Dimension::kAssistant:
      return c_.assistants_;
    case Dimension::kPerson:
      return person_names_;
    case Dimension::kTeam:
      return team_names_;
    case Dimension::kGroup:
      return group_names_;
    case Dimension::kOrg:
      return org_names_;
    case Dimension::kLevel:
      return level_names_;
  }
  return c_.models_;
}

Metrics CubeQuery::metrics_of(uint32_t i) const {
  const Node& n = nodes_[i];
  Metrics m;
  m.input = n.input;
  m.output = n.output;
  m.cache_create = n.cache_create;
  m.cache_read = n.cache_read;
  m.cost_nanos = n.cost;
  m.list_cost_nanos = n.list_cost;
  m.effective_cost_nanos = n.effective;
  m.records = n.records;
  m.unpriced_records = n.unpriced;
  m.sessions = n.sessions;
  m.active_days = n.days;
  m.skill_calls = n.skills;
  m.mcp_calls = n.mcp;
  return m;
}

// Children lists in creation order (first_, next_), and each node's depth.
void CubeQuery::link_children() {
  const size_t n = nodes_.size();
  first_.assign(n, kNone);
  next_.assign(n, kNone);
  depth_.assign(n, 0);
  std::vector<uint32_t> last(n, kNone);
  for (uint32_t i = 1; i < n; ++i) {
    const uint32_t p = nodes_[i].parent;
    depth_[i] = static_cast<uint8_t>(depth_[p] + 1);
    if (last[p] == kNone)
      first_[p] = i;
    else
      next_[last[p]] = i;
    last[p] = i;
  }
}

// The nodes materialize() would make (the root's descendants after --top).
size_t CubeQuery::returned_nodes() const {
  size_t count = 0;
  std::vector<uint32_t> stack{0};
  while (!stack.empty()) {
    const uint32_t id = stack.back();
    stack.pop_back();
    for (uint32_t c = first_[id]; c != kNone; c = next_[c]) {
      ++count;
      stack.push_back(c);
    }
  }
  return count;
}

const std::string& CubeQuery::name_of(uint32_t id) const {
  if (nodes_[id].others) return others_names_.at(id);
  return key_name(depth_[id] - 1u, nodes_[id].key);
}

ReportNode CubeQuery::materialize() {
  struct Frame {
    uint32_t node;
    ReportNode* out;
  };
  ReportNode top;
  top.metrics = metrics_of(0);
  std::vector<Frame> stack{{0, &top}};
  while (!stack.empty()) {
    const Frame f = stack.back();
    stack.pop_back();
    size_t count = 0;
    for (uint32_t c = first_[f.node]; c != kNone; c = next_[c])
      ++count;
    // Every child is added before any is descended into: their addresses hold.
    f.out->children.reserve(count);
    for (uint32_t c = first_[f.node]; c != kNone; c = next_[c]) {
      ReportNode child;
      child.key = name_of(c);
      child.metrics = metrics_of(c);
      child.others = nodes_[c].others;
      stack.push_back({c, &f.out->children.add(std::move(child))});
    }
  }
  return top;
}
}  // namespace codepulse::report
