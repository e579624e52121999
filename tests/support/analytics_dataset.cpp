#include "tests/support/analytics_dataset.hpp"

#include "tests/support/insight_records.hpp"

namespace codepulse::test {
namespace {

constexpr int64_t kDay = kDayMs;

}  // namespace

std::map<std::string, std::vector<proto::WireRecord>> analytics_dataset(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const char* models[] = {"claude-opus-4-6", "claude-sonnet-4-5-20250929",
                          "claude-haiku-4-5-20251001", "gateway-model-x"};
  const char* assistants[] = {"claude-code", "claude-code", "codex", "gemini-cli"};
  std::map<std::string, std::vector<proto::WireRecord>> out;
  for (int i = 0; i < 600; ++i) {
    proto::WireRecord w;
    w.record_uid = "u" + std::to_string(i);
    UsageRecord& r = w.usage;
    r.timestamp_ms = kT0 + pick(90) * kDay + pick(static_cast<int>(kDay));
    r.session_id = "s" + std::to_string(pick(25));
    r.turn_id = pick(6) == 0 ? "" : "t" + std::to_string(i / 4);
    r.assistant = assistants[pick(4)];
    r.model = models[pick(4)];
    r.input = pick(5000);
    r.output = pick(20000);
    r.cache_create_5m = pick(90000);
    r.cache_create_1h = pick(4) == 0 ? pick(5000) : 0;
    r.cache_read = pick(900000);
    r.inference_geo = pick(4) == 0 ? "us" : "global";
    r.fast = r.model == std::string("claude-opus-4-6") && pick(5) == 0;
    r.web_search_requests = pick(6) == 0 ? pick(3) : 0;
    r.repo = "github.com/acme/r" + std::to_string(pick(4));
    r.branch = pick(4) == 0 ? "" : pick(2) ? "main" : "feature/x";
    const int tasks = pick(4);
    for (int t = 0; t < tasks; ++t)
      r.task_keys += (t ? "," : "") + std::string("PROJ-") + std::to_string(pick(6));
    for (int t = pick(3); t > 0; --t) {
      const char* names[] = {"Skill", "mcp:github:search", "Bash"};
      r.tools.push_back(
          test::tool_call("toolu_" + std::to_string(i) + "_" + std::to_string(t), names[pick(3)]));
    }
    out["dev" + std::to_string(pick(5)) + "@acme.example"].push_back(std::move(w));
  }
  // A burst: 200 requests of one session in 33 minutes, a turn every four.
  for (int i = 600; i < 800; ++i) {
    proto::WireRecord w;
    w.record_uid = "u" + std::to_string(i);
    UsageRecord& r = w.usage;
    r.timestamp_ms = kT0 + 10 * kDay + (i - 600) * 10'000;
    r.session_id = "burst";
    r.turn_id = "tb" + std::to_string(i / 4);
    r.model = "claude-opus-4-6";
    r.input = 10 + i;
    r.output = 100;
    r.repo = "github.com/acme/r0";
    r.branch = "main";
    out["dev0@acme.example"].push_back(std::move(w));
  }
  return out;
}

std::map<std::string, std::vector<proto::WireRecord>> file_dataset(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const char* models[] = {"claude-opus-4-6", "claude-sonnet-4-5-20250929",
                          "claude-haiku-4-5-20251001", "gateway-model-x"};
  const char* paths[] = {"src/a.cpp",        "src/b.cpp", "src/c.hpp", "docs/README.md",
                         "tests/a_test.cpp", "Makefile",  "src/z.cpp"};
  std::map<std::string, std::vector<proto::WireRecord>> out;
  int uid = 0;
  for (int turn = 0; turn < 120; ++turn) {
    // The turn's start: any quarter hour of a month; turn 7 at 23:50 on
    // 2026-01-05, its records running past midnight.
    const int64_t start = turn == 7 ? kT0 + 4 * kDay + 23 * 3'600'000 + 50 * 60'000
                                    : kT0 + pick(30) * kDay + pick(96) * 900'000;
    const std::string author = "dev" + std::to_string(pick(3)) + "@acme.example";
    const std::string session = "fs" + std::to_string(pick(12));
    const std::string model = models[pick(4)];
    std::string task_keys;
    for (int t = pick(4); t > 0; --t)
      task_keys += (task_keys.empty() ? "" : ",") + std::string("PROJ-") + std::to_string(pick(5));
    for (int k = 0; k < 4; ++k, ++uid) {
      proto::WireRecord w;
      w.record_uid = "f" + std::to_string(uid);
      UsageRecord& r = w.usage;
      r.timestamp_ms = start + k * 600'000 + pick(60'000);
      r.session_id = session;
      r.turn_id = turn % 10 == 9 ? "" : "ft" + std::to_string(turn);
      r.model = model;
      r.input = pick(4000);
      r.output = pick(3000);
      r.cache_create_5m = pick(20000);
      r.cache_read = pick(200000);
      r.repo = "github.com/acme/r" + std::to_string(pick(2));
      r.branch = pick(3) == 0 ? "" : "main";
      r.task_keys = task_keys;
      for (int c = pick(4); c > 0; --c) {
        const std::string id = "toolu_f" + std::to_string(uid) + "_" + std::to_string(c);
        const int kind = pick(5);
        if (kind == 0) {
          r.tools.push_back(tool_call(id, "Bash"));
          continue;
        }
        if (kind == 1) {
          r.tools.push_back(read_call(id, paths[pick(7)]));
          continue;
        }
        ToolUse t = tool_call(id, kind == 2 ? "Write" : "Edit");
        t.path = paths[pick(7)];
        t.action = FileAction::kChange;
        t.result_seen = pick(6) != 0;
        if (t.result_seen) {
          t.lines_added = pick(400);
          t.lines_removed = pick(3) == 0 ? 0 : pick(120);
        }
        r.tools.push_back(std::move(t));
      }
      out[author].push_back(std::move(w));
    }
  }
  return out;
}

std::shared_ptr<report::PeopleTimeline> analytics_directory() {
  auto t = std::make_shared<report::PeopleTimeline>();
  const int64_t feb15 = (kT0 + 45 * kDay) / kDay;
  const uint32_t a = t->add_person("dev0@acme.example");
  t->add_alias("dev0@acme.example", a);
  const uint32_t b = t->add_person("dev1@acme.example");
  t->add_alias("dev1@acme.example", b);
  const uint32_t api = t->add_team({"api", "platform", "acme"});
  const uint32_t web = t->add_team({"web", "product", "acme"});
  const uint32_t l2 = t->add_level("L2");
  t->add_membership(a, {INT64_MIN, INT64_MAX, api});
  t->add_membership(b, {INT64_MIN, feb15 - 1, api});
  t->add_membership(b, {feb15, INT64_MAX, web});
  t->add_level_span(a, {INT64_MIN, INT64_MAX, l2});
  return t;
}

report::SeatContext analytics_seats() {
  const int64_t jan1 = kT0 / kDay;
  report::SeatContext c;
  c.charges = std::make_shared<const report::SeatCharges>(std::vector<report::SeatTerm>{
      {1, "claude-max-20x", "claude-code", "dev0@acme.example", 200'000'000'000, jan1},
      {2, "chatgpt-business", "codex", "dev3@acme.example", 30'000'000'000, jan1 + 31},
      {3, "claude-team", "claude-code", "idle@acme.example", 25'000'000'000, jan1}});
  return c;
}

void vary_report(report::Params& params, int round, std::mt19937_64& rng,
                 const std::vector<std::string>& filters) {
  static const std::vector<std::pair<std::string, std::string>> ranges = {
      {"2026-02-01", ""},
      {"2026-01-10T10:15:00Z", "2026-03-02T23:45:00Z"},
      {"", "2026-02-20"},
      {"2026-01-20", "2026-01-27"}};
  static const char* const zones[] = {"UTC", "Asia/Kathmandu", "America/New_York"};
  if (round % 2 == 1) params.emplace_back("where", filters[rng() % filters.size()]);
  if (round % 5 == 2) params.emplace_back("where", filters[rng() % filters.size()]);
  if (round % 3 == 2) params.emplace_back("top", std::to_string(1 + rng() % 3));
  if (round % 4 != 0) {
    const auto& [since, until] = ranges[rng() % ranges.size()];
    if (!since.empty()) params.emplace_back("since", since);
    if (!until.empty()) params.emplace_back("until", until);
  }
  params.emplace_back("tz", zones[round % 3]);
}

std::string group_by_of(const std::vector<std::string>& dims) {
  std::string out;
  for (const auto& d : dims)
    out += (out.empty() ? "" : ",") + d;
  return out;
}

std::string described(const report::Params& params) {
  std::string out;
  for (const auto& [k, v] : params)
    out += k + "=" + v + " ";
  return out;
}

}  // namespace codepulse::test
