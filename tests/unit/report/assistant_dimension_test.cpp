// The assistant a record comes from is a dimension like the others: it
// groups, filters, nests and splits exactly on every query path, and a
// commit's outcomes go to the assistants of the sessions linked to it.
#include <catch2/catch.hpp>

#include "common/report/report.hpp"
#include "common/report/usage_cube.hpp"

using namespace codepulse;
using namespace codepulse::report;

namespace {

constexpr int64_t kT0 = 1'795'132'800'000;  // 2026-11-20 00:00 UTC

UsageFact fact(int64_t id, const std::string& assistant, const std::string& model, int64_t input,
               int64_t output, int64_t cache_read = 0) {
  UsageFact f;
  f.record_id = id;
  f.author = "dev@acme.example";
  f.session = assistant + "-s" + std::to_string(id % 2);
  f.assistant = assistant;
  f.model = model;
  f.repo = "github.com/acme/api";
  f.turn_id = "t" + std::to_string(id);
  f.ts_ms = kT0 + id * 3'600'000;
  f.input = input;
  f.output = output;
  f.cache_read = cache_read;
  return f;
}

std::vector<UsageFact> facts() {
  std::vector<UsageFact> out;
  for (int64_t i = 0; i < 6; ++i) {
    out.push_back(fact(i, "claude-code", "claude-opus-4-6", 1000 + i, 200, 5000));
    out.push_back(fact(10 + i, "codex", i % 2 ? "gpt-5.5" : "gpt-5.1-codex", 3000, 700 + i, 9000));
    out.push_back(fact(20 + i, "gemini-cli", "gemini-2.5-pro", 2000, 900, 100 * i));
  }
  out.push_back(fact(30, "opencode", "model-nobody-prices", 10, 10));
  return out;
}

struct Totals {
  int64_t input = 0, output = 0, cache_read = 0, records = 0, list_nanos = 0, unpriced = 0;
};

Totals expected(const std::vector<UsageFact>& all, const Pricer& pricer,
                const std::string& assistant) {
  Totals t;
  for (const UsageFact& f : all) {
    if (f.assistant != assistant) continue;
    t.input += f.input;
    t.output += f.output;
    t.cache_read += f.cache_read;
    ++t.records;
    const auto cost = pricer.price(f.to_price()).list_nanos;
    if (cost)
      t.list_nanos += *cost;
    else
      ++t.unpriced;
  }
  return t;
}

Report query(const UsageCube& cube, const Params& params, UsageCube::Strategy strategy) {
  auto request = parse_report_params(params);
  REQUIRE(request);
  auto r = cube.query(request->query, {}, strategy);
  REQUIRE(r);
  return std::move(r).value();
}

}  // namespace

TEST_CASE("assistant groups, nests and filters exactly on every query path",
          "[report][assistant]") {
  const std::vector<UsageFact> all = facts();
  UsageCube cube;
  for (const UsageFact& f : all)
    cube.add(f);
  const auto strategy = GENERATE(UsageCube::Strategy::kHash, UsageCube::Strategy::kSort,
                                 UsageCube::Strategy::kSortTwoThreads);
  const Report r = query(cube, {{"group_by", "assistant,model"}}, strategy);
  REQUIRE(r.root.children.size() == 4);
  for (const std::string a : {"claude-code", "codex", "gemini-cli", "opencode"}) {
    INFO(a);
    const Totals want = expected(all, cube.pricer(), a);
    const ReportNode& n = r.root.children.at(a);
    CHECK(n.metrics.input == want.input);
    CHECK(n.metrics.output == want.output);
    CHECK(n.metrics.cache_read == want.cache_read);
    CHECK(n.metrics.records == want.records);
    CHECK(n.metrics.list_cost_nanos == want.list_nanos);
    CHECK(n.metrics.unpriced_records == want.unpriced);
    int64_t children = 0;
    for (const ReportNode& c : n.children)
      children += c.metrics.total_tokens();
    CHECK(children == n.metrics.total_tokens());
  }
  CHECK(r.root.children.at("codex").children.size() == 2);
  CHECK(r.root.children.at("opencode").metrics.all_unpriced());

  const Report codex = query(cube, {{"group_by", "model"}, {"where", "assistant=codex"}}, strategy);
  CHECK(codex.root.metrics.records == 6);
  CHECK(codex.root.metrics.list_cost_nanos == expected(all, cube.pricer(), "codex").list_nanos);
  const Report by_model = query(cube, {{"group_by", "model,assistant"}}, strategy);
  CHECK(by_model.root.children.at("gpt-5.5").children.at("codex").metrics.records == 3);
}

TEST_CASE("a record folded out leaves its assistant's node as it was", "[report][assistant]") {
  UsageCube cube;
  const UsageFact old_copy = fact(1, "codex", "gpt-5.5", 100, 10);
  cube.add(old_copy);
  cube.add(fact(2, "gemini-cli", "gemini-2.5-flash", 50, 5));
  cube.add(old_copy, -1);
  cube.add(fact(1, "codex", "gpt-5.5", 120, 12));
  const Report r = query(cube, {{"group_by", "assistant"}}, UsageCube::Strategy::kAuto);
  REQUIRE(r.root.children.size() == 2);
  CHECK(r.root.children.at("codex").metrics.input == 120);
  CHECK(r.root.children.at("codex").metrics.records == 1);
  CHECK(r.root.children.at("gemini-cli").metrics.input == 50);
}

TEST_CASE("a fact without an assistant is Claude Code's", "[report][assistant]") {
  UsageCube cube;
  UsageFact f = fact(1, "", "claude-opus-4-6", 100, 10);
  cube.add(f);
  const Report r = query(cube, {{"group_by", "assistant"}}, UsageCube::Strategy::kAuto);
  REQUIRE(r.root.children.size() == 1);
  CHECK(r.root.children.at("claude-code").metrics.records == 1);
  const auto sessions = cube.session_activity();
  REQUIRE(sessions.size() == 1);
  CHECK(sessions[0].assistants == std::vector<std::string>{"claude-code"});
}

TEST_CASE("a session names the models and assistants of the records it still has",
          "[report][assistant]") {
  UsageCube cube;
  UsageFact opus = fact(2, "claude-code", "claude-opus-4-6", 100, 10);
  UsageFact sonnet = fact(4, "claude-code", "claude-sonnet-4-5", 100, 10);
  UsageFact codex = fact(6, "codex", "gpt-5.5", 100, 10);
  codex.session = opus.session;  // one session, two assistants
  for (const UsageFact* f : {&opus, &sonnet, &codex})
    cube.add(*f);
  cube.add(sonnet);
  auto only = [&cube] {
    const auto sessions = cube.session_activity();
    REQUIRE(sessions.size() == 1);
    return sessions[0];
  };
  CHECK(only().models ==
        std::vector<std::string>{"claude-opus-4-6", "claude-sonnet-4-5", "gpt-5.5"});
  CHECK(only().assistants == std::vector<std::string>{"claude-code", "codex"});
  cube.add(sonnet, -1);  // one of sonnet's two records folded out: still there
  CHECK(only().models ==
        std::vector<std::string>{"claude-opus-4-6", "claude-sonnet-4-5", "gpt-5.5"});
  cube.add(sonnet, -1);
  cube.add(codex, -1);  // replaced by a later copy, say: gone with its assistant
  CHECK(only().models == std::vector<std::string>{"claude-opus-4-6"});
  CHECK(only().assistants == std::vector<std::string>{"claude-code"});
}
