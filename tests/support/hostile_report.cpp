// The hostile strings and the report made of them (hostile_report.hpp).
#include "tests/support/hostile_report.hpp"

#include <cstdio>

#include "common/report/outcome_report.hpp"
#include "common/report/people_timeline.hpp"
#include "common/report/usage_cube.hpp"

namespace codepulse::test {

using namespace codepulse::report;

namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kT0 = 1'780'000'000'000 - 1'780'000'000'000 % (24 * 60 * kMinute);

std::string sha_of(size_t i) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%040zx", 0xabc0000 + i);
  return buf;
}

}  // namespace

const std::vector<std::string>& hostile_strings() {
  static const std::vector<std::string> kStrings = {
      "\x1b]0;owned title\x07",               // sets the terminal's title
      "\x1b[2J\x1b[Hcleared",                 // clears the screen
      "two\nlines,\"forged\"\r\nrow",         // forges lines in tables and CSV
      "=HYPERLINK(\"http://evil.example\")",  // a formula
      "+1+2",
      "-2+3",
      "@SUM(A1:A9)",
      "\tTAB=1",
      "\rCR=1",
      std::string("del\x7f and nul\x00 bytes", 19),
      "c1 \xc2\x9b"
      "31m csi and \xc2\x85 nel",
      "bidi \xe2\x80\xae"
      "txt.exe \xe2\x81\xa6",
      "invalid \xff\xfe utf-8",
      "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac",  // plain non-ASCII, kept as it is
  };
  return kStrings;
}

Result<Report> hostile_report(const ReportQuery& q) {
  UsageCube cube;
  // Each hostile author is a person of that name, in a team, group and
  // organisation of that name, at a level of that name.
  auto people = std::make_shared<PeopleTimeline>();
  for (const std::string& s : hostile_strings()) {
    const uint32_t p = people->add_person(s);
    people->add_alias(s, p);
    people->add_membership(p, {INT64_MIN, INT64_MAX, people->add_team({s, s, s})});
    people->add_level_span(p, {INT64_MIN, INT64_MAX, people->add_level(s)});
  }
  cube.set_people(people);
  OutcomeData data;
  EpicMap epics;
  const auto& strings = hostile_strings();
  for (size_t i = 0; i < strings.size(); ++i) {
    const std::string& s = strings[i];
    const int64_t t = kT0 + static_cast<int64_t>(i) * 60 * kMinute;
    UsageFact f;
    f.record_id = static_cast<int64_t>(i) + 1;
    f.author = s;
    f.session = s;
    f.model = i % 2 ? std::string("claude-opus-4-6") : s;
    f.repo = s;
    f.branch = s;
    f.task_keys = s;
    f.turn_id = "turn-" + std::to_string(i);
    f.assistant = s;
    f.ts_ms = t;
    f.input = 1000 + static_cast<int64_t>(i);
    f.output = 200;
    ToolUse edit;
    edit.tool_use_id = "toolu_" + std::to_string(i);
    edit.name = "Edit";
    edit.path = s;
    edit.action = FileAction::kChange;
    edit.result_seen = true;
    edit.lines_added = 5;
    f.tools = {edit};
    cube.add(f);
    for (const std::string& task : attributed_tasks(s))
      epics[task] = s;
    CommitRecord c;
    c.sha = sha_of(i);
    c.repo = s;
    c.author_email = s;
    c.committer_email = s;
    c.author_ms = c.committer_ms = t + 20 * kMinute;
    c.branch = s;
    c.task_keys = s;
    c.files = {{s, 10, 2, false}};
    data.commits.commits.push_back(c);
    PullRequestFact pr;
    pr.repo = s;
    pr.number = static_cast<int64_t>(i) + 1;
    pr.author = "github:" + s;
    pr.author_email = s;
    pr.head_branch = s;
    pr.base_branch = s;
    pr.task_keys = s;
    pr.state = PullRequestFact::State::kMerged;
    pr.first_commit_ms = c.committer_ms;
    pr.opened_ms = pr.ready_ms = t + 30 * kMinute;
    pr.first_review_ms = t + 40 * kMinute;
    pr.merged_ms = pr.closed_ms = t + 50 * kMinute;
    pr.merge_sha = sha_of(100 + i);
    pr.head_sha = c.sha;
    pr.commit_shas = {c.sha};
    data.pull_requests.push_back(pr);
  }
  return query_cube(cube, q, epics,
                    [&data](int64_t, int64_t) -> Result<OutcomeData> { return data; });
}

}  // namespace codepulse::test
