#include "tracker/git/repo_filter.hpp"

#include <fnmatch.h>

namespace codepulse::tracker {
namespace {

bool any_matches(const std::vector<std::string>& patterns, const std::string& identity,
                 const std::string& root) {
  for (const std::string& p : patterns) {
    if (::fnmatch(p.c_str(), identity.c_str(), 0) == 0) return true;
    if (!root.empty() && ::fnmatch(p.c_str(), root.c_str(), 0) == 0) return true;
  }
  return false;
}

}  // namespace

bool repo_selected(const std::string& identity, const std::string& root,
                   const std::vector<std::string>& include,
                   const std::vector<std::string>& exclude) {
  if (any_matches(exclude, identity, root)) return false;
  return include.empty() || any_matches(include, identity, root);
}

}  // namespace codepulse::tracker
