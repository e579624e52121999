// The weekly digest per team (docs/ALERTS.md "Weekly digest"): numbers
// worked out by hand for a week of two teams (spend, change, cost per merged
// PR, waste, anomalies), the `digest show` command in both formats with its
// bad input, and `serve` sending each team's digest once through a local
// HTTPS webhook receiver that fails and recovers, across a restart.
#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "collector/alert/digest_alerts.hpp"
#include "common/time.hpp"
#include "tests/support/alert_receiver.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/seat_fixtures.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

constexpr int64_t kHourMs = 3'600'000;

int64_t at(const std::string& day, int hour) {
  auto ms = parse_iso8601_utc_ms(day + "T00:00:00Z");
  REQUIRE(ms);
  return *ms + hour * kHourMs;
}

// acme > eng > {api, web}: alice (GitHub login alice) in api, bob in web.
void two_teams(Store& store) {
  REQUIRE(store.edit_people([](PeopleRows& d) {
    d.teams = {{"acme", TeamKind::kOrg, ""},
               {"api", TeamKind::kTeam, "eng"},
               {"eng", TeamKind::kGroup, "acme"},
               {"web", TeamKind::kTeam, "eng"}};
    PersonRow alice;
    alice.id = 1;
    alice.email = "alice@acme.example";
    alice.aliases = {"github:alice"};
    PersonRow bob;
    bob.id = 2;
    bob.email = "bob@acme.example";
    d.people = {alice, bob};
    d.memberships = {{1, "api", "2026-01-01", ""}, {2, "web", "2026-01-01", ""}};
    return Status{};
  }));
}

// A pull request of alice's in api, merged at `merged_ms`.
WebhookDelivery merged_pr(int64_t number, int64_t merged_ms) {
  WebhookDelivery d;
  d.source = "github";
  d.delivery_id = "pr-" + std::to_string(number);
  d.received_ms = merged_ms;
  d.event.kind = WebhookEvent::kPullRequest;
  d.event.event = "pull_request.closed";
  d.event.repo = "github.com/acme/api";
  PullRequestUpdate& p = d.event.pull_request;
  p.number = number;
  p.author = "github:alice";
  p.head_branch = "feature-" + std::to_string(number);
  p.base_branch = "main";
  p.head_sha = std::string(39, 'a') + std::to_string(number);
  p.merge_sha = std::string(39, 'b') + std::to_string(number);
  p.state = report::PullRequestFact::State::kMerged;
  p.event_ms = p.merged_ms = p.closed_ms = merged_ms;
  p.opened_ms = merged_ms - 5 * kHourMs;
  return d;
}

// Week 2026-W45 (Monday 2026-11-02 to Sunday 2026-11-08), Opus 4.6 input at
// $5 a million: alice $5 on Tuesday and $5 on Wednesday in api, bob $2 on
// Thursday in web; the week before alice $8; two of alice's pull requests
// merged on Thursday and Friday. Every record is its own session with no
// commit: the no_commit waste is all of it, and both repositories are
// spend without commits (anomalies).
void week_45(Store& store) {
  two_teams(store);
  REQUIRE(store.ingest(
      "alice@acme.example",
      decoded_batch("b1",
                    {input_record("r1", at("2026-11-03", 10), 1'000'000, "github.com/acme/api"),
                     input_record("r2", at("2026-11-04", 10), 1'000'000, "github.com/acme/api"),
                     input_record("r0", at("2026-10-27", 10), 1'600'000, "github.com/acme/api")})));
  REQUIRE(store.ingest("bob@acme.example",
                       decoded_batch("b2", {input_record("r3", at("2026-11-05", 10), 400'000,
                                                         "github.com/acme/web")})));
  REQUIRE(store.apply_webhook(merged_pr(1, at("2026-11-05", 15))));
  REQUIRE(store.apply_webhook(merged_pr(2, at("2026-11-06", 15))));
}

std::set<std::string> keys_sent(AlertReceiverMock& receiver) {
  std::set<std::string> out;
  for (const PeerRequest& r : receiver.requests()) {
    const auto at = r.body.find("\"id\":\"");
    if (at != std::string::npos)
      out.insert(r.body.substr(at + 6, r.body.find('"', at + 6) - at - 6));
  }
  return out;
}

}  // namespace

TEST_CASE("ISO weeks of the digest, in a time zone, with bad weeks refused",
          "[collector][digest]") {
  const TimeZone utc = TimeZone::utc();
  auto w45 = parse_iso_week("2026-W45", utc);
  REQUIRE(w45);
  CHECK(w45->first_day == "2026-11-02");
  CHECK(w45->last_day == "2026-11-08");
  CHECK(w45->since_ms == at("2026-11-02", 0));
  CHECK(w45->until_ms == at("2026-11-09", 0));
  CHECK(week_before(*w45, utc).label == "2026-W44");
  CHECK(iso_week_at(at("2026-11-08", 23), utc).label == "2026-W45");
  CHECK(iso_week_at(at("2027-01-01", 12), utc).label == "2026-W53");  // 2026 has 53 weeks
  CHECK(parse_iso_week("2026-W53", utc)->first_day == "2026-12-28");
  CHECK(parse_iso_week("2027-W53", utc).error().message ==
        "the week '2027-W53' does not exist: 2027 has 52 ISO weeks");
  CHECK(parse_iso_week("2026-49", utc).error().message ==
        "a week must be an ISO week like 2026-W49 (W01 to W53), got '2026-49'");
  CHECK_FALSE(parse_iso_week("2026-W00", utc));
  // In Berlin (UTC+1 in November) the week starts an hour before UTC's.
  auto berlin = TimeZone::load("Europe/Berlin");
  REQUIRE(berlin);
  CHECK(parse_iso_week("2026-W45", *berlin)->since_ms == at("2026-11-01", 23));
  // The send time: Monday 09:00 sends the week before; earlier, the one before that.
  DigestSchedule s;
  CHECK(digest_due(s, at("2026-11-09", 9)).label == "2026-W45");
  CHECK(digest_due(s, at("2026-11-09", 9) - 1).label == "2026-W44");
  s.weekday = *parse_weekday("Wednesday");
  s.hour = 14;
  CHECK(digest_due(s, at("2026-11-11", 14)).label == "2026-W45");
  CHECK(digest_due(s, at("2026-11-10", 20)).label == "2026-W44");
}

TEST_CASE("the weekly digest of each team and of the organisation, worked out by hand",
          "[collector][digest]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto opened = open_store(target.db);
  REQUIRE(opened);
  Store& store = **opened;
  week_45(store);
  const TimeZone utc = TimeZone::utc();
  auto digests = team_digests(store, *parse_iso_week("2026-W45", utc), utc, at("2026-12-05", 12),
                              DigestOptions{});
  REQUIRE(digests);
  REQUIRE(digests->size() == 3);
  const TeamDigest& org = (*digests)[0];
  const TeamDigest& api = (*digests)[1];
  const TeamDigest& web = (*digests)[2];
  CHECK(org.team.empty());
  CHECK(api.team == "api");
  CHECK(web.team == "web");  // teams only: not the group eng nor the org acme
  // Spend: api $5 + $5, web $2, all $12; the week before api $8.
  CHECK(org.spend_nanos == 12 * kDollarNanos);
  CHECK(org.previous_nanos == 8 * kDollarNanos);
  CHECK(digest_change(org) == "+50.0%");
  CHECK(api.spend_nanos == 10 * kDollarNanos);
  CHECK(digest_change(api) == "+25.0%");
  CHECK(web.spend_nanos == 2 * kDollarNanos);
  CHECK(web.previous_nanos == 0);
  CHECK(digest_change(web) == "new");
  // Two merged PRs, both alice's (api): $10 / 2 and, for all, $12 / 2.
  CHECK(api.merged_prs == 2);
  CHECK(api.cost_per_merged_pr_nanos == 5 * kDollarNanos);
  CHECK(org.cost_per_merged_pr_nanos == 6 * kDollarNanos);
  CHECK(web.merged_prs == 0);
  CHECK_FALSE(web.cost_per_merged_pr_nanos);
  // Waste: no session reached a commit, so all of it is no_commit.
  CHECK(api.waste_nanos == 10 * kDollarNanos);
  REQUIRE(api.waste.size() == 1);
  CHECK(api.waste[0].rule == "no_commit");
  CHECK(api.waste[0].nanos == 10 * kDollarNanos);
  CHECK(org.waste_nanos == 12 * kDollarNanos);
  // Anomalies: spend without commits in each repository, the largest first.
  REQUIRE(org.anomalies.size() == 2);
  CHECK(org.anomalies[0].subject == "github.com/acme/api");
  CHECK(org.anomalies[1].subject == "github.com/acme/web");
  REQUIRE(api.anomalies.size() == 1);
  CHECK(api.anomalies[0].kind == "no_commit_repo");
  CHECK(api.anomalies[0].value == 10 * kDollarNanos);
  REQUIRE(web.anomalies.size() == 1);
  CHECK(web.anomalies[0].subject == "github.com/acme/web");

  const std::string text = digest_text(api);
  CHECK(text.rfind("Spend $10.00 (organisation cost) from 2026-11-02 to 2026-11-08 (UTC); the week "
                   "before $8.00 (+25.0%).\n"
                   "Merged pull requests: 2, $5.00 per merged PR.\n"
                   "Waste: $10.00; most in no_commit $10.00.\n"
                   "Anomalies:\n- github.com/acme/api: ",
                   0) == 0);
  CHECK(text.find("\nSee: codepulse-collector digest show --team 'api' --week 2026-W45") !=
        std::string::npos);
  const AlertMessage alert = digest_alert(api, 0);
  CHECK(alert.dedupe_key == "digest:api:2026-W45");
  CHECK(alert.title == "codepulse weekly digest: api, 2026-W45");
  CHECK(
      alert.details.rfind(
          R"({"team":"api","week":"2026-W45","first_day":"2026-11-02","last_day":"2026-11-08",)"
          R"("tz":"UTC","spend_usd":10.000000,"previous_usd":8.000000,"change_percent":25.0,)"
          R"("merged_prs":2,"cost_per_merged_pr_usd":5.000000,"waste_usd":10.000000,)"
          R"("waste":[{"rule":"no_commit","usd":10.000000}],"anomalies":[{"kind":"no_commit_repo",)",
          0) == 0);
  CHECK(digest_alert(org, 0).dedupe_key == "digest::2026-W45");

  // A week with nothing: the digests are empty and none would be sent.
  auto quiet = team_digests(store, *parse_iso_week("2026-W30", utc), utc, at("2026-12-05", 12),
                            DigestOptions{});
  REQUIRE(quiet);
  for (const TeamDigest& d : *quiet)
    CHECK(digest_empty(d));
  CHECK_FALSE(digest_empty(api));
}

TEST_CASE("digest show prints a team's digest as a table and as JSON, bad input refused",
          "[collector][digest][cli]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  {
    auto opened = open_store(db);
    REQUIRE(opened);
    week_45(**opened);
  }
  const auto table =
      run({collector_bin(), "digest", "show", "--db", db, "--team", "web", "--week", "2026-W45"});
  CHECK(table.exit_code == 0);
  CHECK(table.out.rfind("codepulse weekly digest: web, 2026-W45\n"
                        "Spend $2.00 (organisation cost) from 2026-11-02 to 2026-11-08 (UTC); the "
                        "week before $0.00 (new).\n"
                        "Merged pull requests: 0, no cost per merged PR.\n"
                        "Waste: $2.00; most in no_commit $2.00.\n",
                        0) == 0);
  const auto json = run(
      {collector_bin(), "digest", "show", "--db", db, "--week", "2026-W45", "--format", "json"});
  CHECK(json.exit_code == 0);
  CHECK(json.out.rfind(R"({"team":null,"week":"2026-W45",)", 0) == 0);
  CHECK(json.out.find(R"("spend_usd":12.000000,"previous_usd":8.000000,"change_percent":50.0,)"
                      R"("merged_prs":2,"cost_per_merged_pr_usd":6.000000,)") != std::string::npos);

  const auto bad_week = run({collector_bin(), "digest", "show", "--db", db, "--week", "2026-W99"});
  CHECK(bad_week.exit_code == 2);
  CHECK(bad_week.err ==
        "codepulse-collector: --week: a week must be an ISO week like 2026-W49 (W01 to W53), "
        "got '2026-W99'\n");
  const auto unknown = run(
      {collector_bin(), "digest", "show", "--db", db, "--team", "galaxy", "--week", "2026-W45"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err ==
        "codepulse-collector: the people directory has no team 'galaxy' (codepulse-collector "
        "people list shows the teams)\n");
}

TEST_CASE("serve sends each team's weekly digest once, through a 500 and a restart",
          "[collector][digest][alert]") {
  TempDir dir;
  CollectorFixture collector(dir / "collector");
  AlertReceiverMock receiver(collector.cert(), collector.key());
  const TimeZone utc = TimeZone::utc();
  const int64_t now = now_utc_ms();
  const DigestWeek last = week_before(iso_week_at(now, utc), utc);
  {
    auto opened = open_store(collector.db());
    REQUIRE(opened);
    two_teams(**opened);
    // Last week: alice $5 in api, bob $2 in web.
    REQUIRE(
        (*opened)->ingest("alice@acme.example",
                          decoded_batch("b1", {input_record("r1", last.since_ms + 10 * kHourMs,
                                                            1'000'000, "github.com/acme/api")})));
    REQUIRE((*opened)->ingest("bob@acme.example",
                              decoded_batch("b2", {input_record("r2", last.since_ms + 11 * kHourMs,
                                                                400'000, "github.com/acme/web")})));
  }
  // Sent today from 00:00: the week before is due at once.
  static const char* const kDays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                      "friday", "saturday", "sunday"};
  const int64_t today = (now - iso_week_at(now, utc).since_ms) / 86'400'000;
  receiver.script({500});  // the first request fails; the receiver then recovers
  const std::vector<std::string> args = {"--alert-webhook-url",
                                         receiver.url("/codepulse"),
                                         "--alert-webhook-secret-file",
                                         private_file(dir / "secret", std::string(40, 'k')),
                                         "--alert-ca-file",
                                         collector.ca(),
                                         "--alert-retry-base",
                                         "200ms",
                                         "--alert-poll",
                                         "100ms",
                                         "--anomaly-check-minutes",
                                         "0",
                                         "--digest-weekday",
                                         kDays[today],
                                         "--digest-hour",
                                         "0"};
  collector.start(args);
  CHECK(eventually(kPatienceMs, [&] { return receiver.delivered() == 3; }));
  collector.stop();
  collector.start(args);  // works the digests out again at start: nothing new
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  collector.stop();
  CHECK(receiver.requests().size() == 4);
  CHECK(receiver.delivered() == 3);
  CHECK(keys_sent(receiver) == std::set<std::string>{"digest::" + last.label,
                                                     "digest:api:" + last.label,
                                                     "digest:web:" + last.label});
  bool api_seen = false;
  for (const PeerRequest& r : receiver.requests()) {
    CHECK(r.body.find("\"source\":\"digest\"") != std::string::npos);
    if (r.body.find("\"id\":\"digest:api:") == std::string::npos) continue;
    api_seen = true;
    CHECK(r.body.find(R"("details":{"team":"api","week":")" + last.label + "\"") !=
          std::string::npos);
    CHECK(r.body.find(R"("spend_usd":5.000000,"previous_usd":0.000000,"change_percent":null,)") !=
          std::string::npos);
  }
  CHECK(api_seen);
}
