// The collector's poller of the providers' usage and cost (docs/
// PROVIDER_IMPORT.md): for each configured provider, each source from where
// its cursor says, page by page; each page's whole days are stored with the
// cursor in one transaction, so a restart resumes after the last stored day
// and nothing is half imported. The last two days are fetched again at every
// poll (the provider may still add to them); a day fetched again replaces
// the stored one. A failed poll keeps what was stored and says why.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "collector/providers/provider_fetch.hpp"
#include "collector/providers/provider_page.hpp"
#include "collector/store/store.hpp"
#include "common/log/logger.hpp"

namespace codepulse::collector {

// One provider's settings (the keys anthropic_* and openai_* of the
// collector's configuration).
struct ProviderSettings {
  std::string admin_key_file;  // a private file (0600) holding the admin key
  std::string base_url;        // https://api.anthropic.com, https://api.openai.com
  int64_t poll_interval_ms = 3'600'000;
};

struct ProviderOptions {
  std::optional<ProviderSettings> anthropic, openai;
  std::string ca_file;        // empty: the system's trusted CAs
  int64_t history_days = 31;  // how far back a source's first poll starts
  RetryPolicy retry;
  bool any() const { return anthropic || openai; }
};

// What one poll of one source did.
struct PollResult {
  ProviderSource source = ProviderSource::kAnthropicMessages;
  int64_t pages = 0, days = 0;      // pages read, days stored
  std::string first_day, last_day;  // of the days stored ("" when none)
  std::string error;                // "" when the poll completed
};

class ProviderPoller {
 public:
  // Reads the admin keys (private files: refused, saying why, when group or
  // others may read them) and checks the base URLs.
  static Result<std::unique_ptr<ProviderPoller>> create(Store& store,
                                                        const ProviderOptions& options,
                                                        Logger& log);
  ~ProviderPoller();
  ProviderPoller(const ProviderPoller&) = delete;
  ProviderPoller& operator=(const ProviderPoller&) = delete;

  // Replaces the waits between retries (tests). Set before polling.
  void set_sleep(ProviderSleep sleep);
  // Called on the poller's thread after each poll of a provider (e.g. to
  // check the reconcile gap at once). Set before start().
  void set_on_polled(std::function<void()> on_polled);

  // Every source of every configured provider, once, as of `now_ms`.
  std::vector<PollResult> poll_once(int64_t now_ms);
  PollResult poll_source(ProviderSource source, int64_t now_ms);

  // Polls on a thread of its own: every provider at once, then every its
  // poll interval, until stop().
  void start();
  void stop();

 private:
  struct Provider {
    std::string name;
    ProviderSettings settings;
    std::unique_ptr<ProviderFetcher> fetcher;
    int64_t next_poll_ms = 0;
  };
  ProviderPoller(Store& store, const ProviderOptions& options, Logger& log);
  Provider* provider_for(ProviderSource source);
  // One page, fetched and read; nullopt (result.error says why) when either failed.
  std::optional<ProviderPage> fetch_page(Provider& p, PollResult& result, const std::string& target,
                                         const std::string& what);
  // The sources with daily buckets, and the Claude Code report (one day a request).
  void poll_buckets(Provider& p, PollResult& result, const std::string& start,
                    const std::string& today, int64_t now_ms);
  void poll_days(Provider& p, PollResult& result, const std::string& start,
                 const std::string& today, int64_t now_ms);
  // Stores `days` with the cursor after the last of them.
  bool store_days(std::vector<ProviderDay> days, PollResult& result, const std::string& today,
                  int64_t now_ms);
  bool wait(int64_t ms);  // false when stopping
  void run();

  Store& store_;
  ProviderOptions options_;
  Logger& log_;
  std::vector<Provider> providers_;
  ProviderSleep sleep_;
  std::function<void()> on_polled_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace codepulse::collector
