// The providers' poller (provider_poller.hpp): cursors, pages, whole days.
#include "collector/providers/provider_poller.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "collector/providers/provider_page.hpp"
#include "common/secret_file.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int kMaxPages = 10'000;  // of one poll of one source: a server that pages forever

// A key goes into an HTTP header: printable ASCII only, no spaces.
Result<std::string> read_admin_key(const std::string& key_name, const std::string& path) {
  auto key = read_secret_file(key_name, path, 16, 1024, "");
  if (!key) return key.error();
  for (char c : *key)
    if (c < '!' || c > '~')
      return make_error(key_name + " " + path +
                        " holds a character an API key cannot have (a space or a control "
                        "character)");
  return key;
}

// Where the next poll starts once every day through `last` is stored: the
// day after it, but no later than yesterday (the provider may still add to
// yesterday and today).
std::string resume_day(const std::string& last, const std::string& today) {
  return std::min(next_day(last), previous_day(today));
}

enum class Next { kMore, kDone, kFailed };

// A page's rows into `builder`; whether another page follows (its cursor not
// one seen before), or why the poll stops.
Next add_page(DayBuilder& builder, const ProviderPage& page, std::set<std::string>& tokens,
              PollResult& result, const std::string& what) {
  if (auto s = builder.add(page); !s) {
    result.error = s.error().message;
    return Next::kFailed;
  }
  if (!page.has_more) return Next::kDone;
  if (!tokens.insert(page.next_page).second || result.pages >= kMaxPages) {
    result.error = what + ": the next_page cursor repeats an earlier one";
    return Next::kFailed;
  }
  return Next::kMore;
}

std::string describe(const PollResult& r) {
  std::string out = std::string(provider_of(r.source)) + " " + source_name(r.source) + ": " +
                    std::to_string(r.days) + " day(s) stored";
  if (r.days > 0) out += " (" + r.first_day + " to " + r.last_day + ")";
  out += " from " + std::to_string(r.pages) + " page(s)";
  return out;
}

}  // namespace

Result<std::unique_ptr<ProviderPoller>> ProviderPoller::create(Store& store,
                                                               const ProviderOptions& options,
                                                               Logger& log) {
  std::unique_ptr<ProviderPoller> poller(new ProviderPoller(store, options, log));
  for (const auto& [name, settings] :
       {std::pair{"anthropic", options.anthropic}, std::pair{"openai", options.openai}}) {
    if (!settings) continue;
    const std::string key_name = std::string(name) + "_admin_key_file";
    auto key = read_admin_key(key_name, settings->admin_key_file);
    if (!key) return key.error();
    auto endpoint = parse_https_url(settings->base_url, std::string(name) + "_base_url",
                                    "the admin key is only sent encrypted");
    if (!endpoint) return endpoint.error();
    endpoint->agent = "codepulse-collector";
    Provider p;
    p.name = name;
    p.settings = *settings;
    p.fetcher = std::make_unique<ProviderFetcher>(
        name, *endpoint, ClientTls{options.ca_file, ""}, std::move(key).value(), key_name,
        options.retry, [raw = poller.get()](int64_t ms) { return raw->sleep_(ms); });
    poller->providers_.push_back(std::move(p));
  }
  return poller;
}

ProviderPoller::ProviderPoller(Store& store, const ProviderOptions& options, Logger& log)
    : store_(store),
      options_(options),
      log_(log),
      sleep_([this](int64_t ms) { return wait(ms); }) {}

ProviderPoller::~ProviderPoller() {
  stop();
}

void ProviderPoller::set_sleep(ProviderSleep sleep) {
  sleep_ = std::move(sleep);
}

void ProviderPoller::set_on_polled(std::function<void()> on_polled) {
  on_polled_ = std::move(on_polled);
}

ProviderPoller::Provider* ProviderPoller::provider_for(ProviderSource source) {
  for (Provider& p : providers_)
    if (p.name == provider_of(source)) return &p;
  return nullptr;
}

std::vector<PollResult> ProviderPoller::poll_once(int64_t now_ms) {
  std::vector<PollResult> out;
  for (ProviderSource source : kProviderSources)
    if (provider_for(source)) out.push_back(poll_source(source, now_ms));
  return out;
}

PollResult ProviderPoller::poll_source(ProviderSource source, int64_t now_ms) {
  PollResult result;
  result.source = source;
  Provider* p = provider_for(source);
  if (!p) {
    result.error = std::string(provider_of(source)) + " is not configured";
    return result;
  }
  const std::string today = day_of_ms(now_ms);
  auto cursor = store_.provider_cursor(source);
  if (!cursor) {
    result.error = cursor.error().message;
  } else {
    std::string start =
        *cursor ? (*cursor)->next_day : day_of_ms(now_ms - options_.history_days * kDayMs);
    start = std::min(start, today);
    if (source == ProviderSource::kAnthropicClaudeCode)
      poll_days(*p, result, start, today, now_ms);
    else
      poll_buckets(*p, result, start, today, now_ms);
  }
  if (result.error.empty())
    log_.info("providers", describe(result));
  else
    log_.warn("providers", describe(result) + "; stopped: " + result.error);
  return result;
}

bool ProviderPoller::store_days(std::vector<ProviderDay> days, PollResult& result,
                                const std::string& today, int64_t now_ms) {
  if (days.empty()) return true;
  const ProviderCursor cursor{days.front().source, resume_day(days.back().day, today), now_ms};
  if (auto s = store_.replace_provider_days(days, cursor, "api", now_ms); !s) {
    result.error = "not stored: " + s.error().message;
    return false;
  }
  if (result.first_day.empty()) result.first_day = days.front().day;
  result.last_day = days.back().day;
  result.days += static_cast<int64_t>(days.size());
  return true;
}

std::optional<ProviderPage> ProviderPoller::fetch_page(Provider& p, PollResult& result,
                                                       const std::string& target,
                                                       const std::string& what) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      result.error = what + ": not fetched, the poller stops";
      return std::nullopt;
    }
  }
  auto body = p.fetcher->get(target, what);
  if (!body) {
    result.error = body.error().message;
    return std::nullopt;
  }
  ++result.pages;
  auto page = parse_provider_page(result.source, *body, what);
  if (!page) {
    result.error = page.error().message;
    return std::nullopt;
  }
  return std::move(page).value();
}

void ProviderPoller::poll_buckets(Provider& p, PollResult& result, const std::string& start,
                                  const std::string& today, int64_t now_ms) {
  const std::string end = next_day(today);
  const std::string name =
      std::string(provider_of(result.source)) + " " + source_name(result.source);
  DayBuilder builder(result.source);
  std::set<std::string> seen, tokens;
  std::string token;
  while (true) {
    const std::string what = name + " page " + std::to_string(result.pages + 1);
    auto page = fetch_page(p, result, provider_target(result.source, start, end, token), what);
    if (!page) return;
    for (const std::string& day : page->days) {
      if (day < start || day >= end) {
        result.error = what + ": a bucket of " + day + ", outside the days asked for (" + start +
                       " to " + today + ")";
        return;
      }
      seen.insert(day);
    }
    const Next next = add_page(builder, *page, tokens, result, what);
    if (next == Next::kFailed) return;
    if (next == Next::kDone) break;
    // The last day of a page may go on in the next one: it waits for it.
    if (!store_days(builder.take_before(builder.last_day()), result, today, now_ms)) return;
    token = page->next_page;
  }
  // A day of the range no bucket named had no usage.
  for (std::string day = start; day < end; day = next_day(day))
    if (!seen.count(day)) builder.add_day(day);
  store_days(builder.take_all(), result, today, now_ms);
}

void ProviderPoller::poll_days(Provider& p, PollResult& result, const std::string& start,
                               const std::string& today, int64_t now_ms) {
  const std::string name =
      std::string(provider_of(result.source)) + " " + source_name(result.source);
  for (std::string day = start; day <= today; day = next_day(day)) {
    DayBuilder builder(result.source);
    builder.add_day(day);
    std::set<std::string> tokens;
    std::string token;
    while (true) {
      const std::string what = name + " " + day + " page " + std::to_string(tokens.size() + 1);
      auto page =
          fetch_page(p, result, provider_target(result.source, day, next_day(day), token), what);
      if (!page) return;
      for (const ProviderUsageRow& row : page->rows)
        if (row.day != day) {
          result.error = what + ": a record of " + row.day + ", not of the day asked for";
          return;
        }
      const Next next = add_page(builder, *page, tokens, result, what);
      if (next == Next::kFailed) return;
      if (next == Next::kDone) break;
      token = page->next_page;
    }
    if (!store_days(builder.take_all(), result, today, now_ms)) return;
  }
}

bool ProviderPoller::wait(int64_t ms) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

void ProviderPoller::start() {
  if (providers_.empty() || thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void ProviderPoller::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProviderPoller::run() {
  while (true) {
    const int64_t now = now_utc_ms();
    int64_t next = INT64_MAX;
    for (Provider& p : providers_) {
      if (p.next_poll_ms <= now) {
        for (ProviderSource source : kProviderSources)
          if (p.name == provider_of(source)) {
            {
              std::lock_guard lock(mu_);
              if (stopping_) return;
            }
            poll_source(source, now);
          }
        p.next_poll_ms = now + p.settings.poll_interval_ms;
        if (on_polled_) on_polled_();
      }
      next = std::min(next, p.next_poll_ms);
    }
    if (!wait(std::max<int64_t>(next - now_utc_ms(), 1000))) return;
  }
}

}  // namespace codepulse::collector
