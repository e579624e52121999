// The outcome overlay (docs/METRICS.md): each commit's and pull request's
// outcomes added to every node its dimension values lead to, once per node,
// in a tree of their own that is then grafted onto the report's.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/report/report.hpp"

namespace codepulse::report {

// The values of one dimension of a fact.
using Values = std::vector<std::string>;

void add_unique(Values& v, const std::string& s);
// `v`, or `none` alone when it is empty.
Values or_default(Values v, const char* none);

// The outcome tree: nodes found by (parent, value), each with its outcomes.
class OutcomeTree {
 public:
  OutcomeTree() : nodes_(1) {}
  struct Node {
    std::string key;
    Outcomes outcomes;
    std::vector<size_t> children;
  };
  size_t child(size_t parent, const std::string& key) {
    auto [it, added] = index_.try_emplace({parent, key}, nodes_.size());
    if (added) {
      nodes_.push_back({key, {}, {}});
      nodes_[parent].children.push_back(it->second);
    }
    return it->second;
  }
  Node& at(size_t i) { return nodes_[i]; }
  const Node& at(size_t i) const { return nodes_[i]; }

 private:
  struct KeyHash {
    size_t operator()(const std::pair<size_t, std::string>& k) const {
      return std::hash<std::string>()(k.second) ^ (k.first * 0x9e3779b97f4a7c15ULL);
    }
  };
  std::vector<Node> nodes_;
  std::unordered_map<std::pair<size_t, std::string>, size_t, KeyHash> index_;
};

// A fact's values for every dimension; `add` is told, per node, the file
// value on its path (nullptr above the file level).
using AddFn = std::function<void(Outcomes&, const std::string* file)>;

class Overlay {
 public:
  explicit Overlay(const ReportQuery& q) : q_(q) {}

  // Adds a fact whose values for dimension d are values[d]: filters first
  // (a filtered dimension must have an allowed value), then every path.
  void add(std::vector<Values> values, const AddFn& fn);

  OutcomeTree& tree() { return tree_; }

 private:
  void descend(size_t node, size_t level, const std::vector<Values>& values,
               const std::string* file, const AddFn& fn);

  const ReportQuery& q_;
  OutcomeTree tree_;
};

// The outcome tree (from node `o`) into the report tree: matching keys meet,
// the others are new nodes without spend.
void graft(ReportNode& node, const OutcomeTree& tree, size_t o);

}  // namespace codepulse::report
