// A projects folder and a state folder in a temporary directory, scanned
// with the real Scanner and SQLite store (the embedded price book).
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/test_support.hpp"
#include "tracker/flow/scanner.hpp"

namespace codepulse::test {

struct ScanFixture {
  TempDir dir;
  std::string projects = dir / "claude/projects";
  std::string state = dir / "state";

  tracker::ScanStats scan(std::vector<tracker::Problem>* problems = nullptr) {
    auto store = tracker::LocalStore::open(state);
    REQUIRE(store);
    tracker::ScanOptions o;
    o.projects_dirs = {projects};
    o.strip.author = "dev@example.com";
    tracker::Scanner s(*store, Pricer::builtin(), o);
    auto stats = s.scan_all();
    REQUIRE(stats);
    if (problems) *problems = s.problems();
    return *stats;
  }
  int64_t sql_int(const std::string& q) {
    auto store = tracker::LocalStore::open(state);
    REQUIRE(store);
    auto v = store->database().scalar(q.c_str());
    REQUIRE(v);
    return *v;
  }
  std::string file(const std::string& rel) { return projects + "/" + rel; }
};

}  // namespace codepulse::test
