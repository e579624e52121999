// Strings an attacker can put in what codepulse reports: terminal escapes,
// line breaks, spreadsheet formulas, C1 controls, bidirectional overrides and
// invalid UTF-8, in every string field of usage records, commits, pull
// requests and Jira epics, and the report made of them.
#pragma once

#include <string>
#include <vector>

#include "common/report/report.hpp"
#include "common/result.hpp"

namespace codepulse::test {

// Each hostile payload once.
const std::vector<std::string>& hostile_strings();

// A report on `q` (its query's dimensions and outcomes) of one session per
// hostile string s, whose model (every other session), repository, branch,
// file, author, session id, task keys, assistant, the epic of its task, its
// commit's repository, branch, author, file and task keys, and its pull
// request's repository, branch, author and task keys are all s; the
// author is a person of name s, in team, group and org s at level s.
Result<report::Report> hostile_report(const report::ReportQuery& q);

}  // namespace codepulse::test
