// The collector's commands, one file each; main.cpp dispatches.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/cli/command.hpp"

namespace codepulse::collector {

inline constexpr std::string_view kProgram = "codepulse-collector";

// Prints "codepulse-collector: <message>" to stderr; returns `code`.
int fail(const std::string& message, int code = kExitFailure);
// Prints "codepulse-collector <version>"; returns kExitOk.
int print_version();

// token create | list | revoke
int run_token_command(const std::vector<std::string>& args);
// serve: the HTTPS ingest server
int run_serve_command(const std::vector<std::string>& args);
// report: usage from the collector's database
int run_report_command(const std::vector<std::string>& args);
// leverage: the leverage score of given numbers
int run_leverage_command(const std::vector<std::string>& args);
// cert create | fingerprint
int run_cert_command(const std::vector<std::string>& args);
// backup: an online copy of a SQLite store with a generation of its own
int run_backup_command(const std::vector<std::string>& args);
// restored: a new store generation for a database restored from a backup
int run_restored_command(const std::vector<std::string>& args);
// reconcile: a month of codepulse next to the providers' imported usage and cost
int run_reconcile_command(const std::vector<std::string>& args);
// import-usage: a provider's usage or cost export into the store
int run_import_usage_command(const std::vector<std::string>& args);
// prices list | show | history | unpriced | import | override
int run_prices_command(const std::vector<std::string>& args);
// statement: a month for finance, by author, repository and model, seats and providers
int run_statement_command(const std::vector<std::string>& args);
// alerts list | test: the alert outbox, a test alert to a receiver
int run_alerts_command(const std::vector<std::string>& args);
// seats add | list | end | remove
int run_seats_command(const std::vector<std::string>& args);
// budgets add | list | remove | status | override
int run_budgets_command(const std::vector<std::string>& args);
// people import | list | show | unmapped | levels set: the people directory
int run_people_command(const std::vector<std::string>& args);
// waste: the waste ledger, per rule and in total, by any report dimensions
int run_waste_command(const std::vector<std::string>& args);
// anomalies: spend that stands out against its own history, explained
int run_anomalies_command(const std::vector<std::string>& args);
// deployments list | stats: deployments, failures and the delivery metrics
int run_deployments_command(const std::vector<std::string>& args);
// tasks classes: cost and outcomes per task class, their distribution and outliers
int run_tasks_command(const std::vector<std::string>& args);
// hotspots: files ranked by changes, authors and recent heavy rewrites
int run_hotspots_command(const std::vector<std::string>& args);
// audit list | export: the audit log
int run_audit_command(const std::vector<std::string>& args);
// digest show: the weekly digest of a team or of the organisation
int run_digest_command(const std::vector<std::string>& args);
// export focus: a month of AI assistant spend as a FinOps FOCUS 1.2 CSV
int run_export_command(const std::vector<std::string>& args);

}  // namespace codepulse::collector
