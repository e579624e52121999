// From the configuration (file, --set, flags) to what each part needs.
#pragma once

#include <string>
#include <vector>

#include "common/cli/args.hpp"
#include "common/environment.hpp"
#include "common/pricing/pricer.hpp"
#include "tracker/config/keys.hpp"
#include "tracker/daemon/daemon.hpp"
#include "tracker/flow/scanner.hpp"
#include "tracker/ship/price_book_file.hpp"

namespace codepulse::tracker {

// A command's own flags plus --config and one flag per configuration key.
std::vector<FlagSpec> with_config_flags(std::vector<FlagSpec> own);

// --config FILE, else $XDG_CONFIG_HOME/codepulse/tracker.toml when it exists.
std::optional<std::string> config_file(const Args& args, const Environment& env);
Result<Config> load_config(const Args& args, const Environment& env);

// The price book to price with: prices_file, else the collector's book saved
// in the state folder, else the embedded one (tracker/ship/price_book_file.hpp).
Result<PriceBookChoice> load_prices(const Config& c);
// The same as a pricer; a saved book that cannot be used is warned about on
// stderr.
Result<std::shared_ptr<const Pricer>> load_pricer(const Config& c);
// Projects folders that exist now, strip options (author, keyed hashing), limits.
Result<ScanOptions> scan_options(const Config& c, const Environment& env);
// The same without the folders (the daemon finds them as they appear).
Result<ScanOptions> scan_settings(const Config& c, const Environment& env);
// git_metadata and the git_* keys; paths and branches hashed like usage records'.
GitScanOptions git_scan_options(const Config& c, const ScanOptions& scan);
// The laptop's line key (tracker/queue/line_key.hpp) when line provenance
// is on (line_provenance and git_metadata), made on first use; empty, with a
// warning on stderr, when it cannot be read or made.
std::string line_provenance_key(const Config& c, const std::string& state_dir);
Result<DaemonOptions> daemon_options(const Config& c, const Environment& env);
// nullopt when no collector is configured (records are only queued).
Result<std::optional<ShipOptions>> ship_options(const Config& c);

}  // namespace codepulse::tracker
