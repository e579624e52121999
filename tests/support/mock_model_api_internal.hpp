// The parts of a mock model API (mock_model_api.hpp) its protocols share: the
// ledger of script, requests and served answers, and the members of
// MockModelApi, instantiated once per protocol in the protocol's .cpp.
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/mock_http_internal.hpp"
#include "tests/support/mock_model_api.hpp"

namespace codepulse::test {

template <class Answer, class Served>
struct MockLedger {
  const std::string tag = mock_http::random_tag();  // in every id

  mutable std::mutex mu;                         // guards what follows
  std::deque<std::pair<size_t, Answer>> script;  // not served yet, with their index
  int64_t counter = 0;
  std::vector<MockRequest> requests;
  std::vector<Served> served;

  // "<prefix>_01<tag><6-digit counter>"; unique in this mock. Holding mu.
  std::string next_id(std::string_view prefix) {
    char buf[80];
    std::snprintf(buf, sizeof buf, "%.*s_01%s%06lld", static_cast<int>(prefix.size()),
                  prefix.data(), tag.c_str(), static_cast<long long>(++counter));
    return buf;
  }

  // The first answer left in the script that `fits` (any, without it), and
  // its index in the script; nullopt when none. Holding mu.
  std::optional<std::pair<size_t, Answer>> take(
      const std::function<bool(const Answer&)>& fits = nullptr) {
    for (auto it = script.begin(); it != script.end(); ++it) {
      if (fits && !fits(it->second)) continue;
      std::pair<size_t, Answer> next = std::move(*it);
      script.erase(it);
      return next;
    }
    return std::nullopt;
  }
};

template <class Protocol>
struct MockModelApi<Protocol>::State {
  MockLedger<Answer, Served> ledger;
  std::unique_ptr<mock_http::Server> server;  // last: stopped before the ledger goes

  mock_http::Reply handle(const mock_http::Request& req) {
    MockRequest seen;
    seen.method = req.method;
    seen.target = req.target;
    mock_http::Reply reply;
    try {
      reply = Protocol::answer(ledger, req, seen);
    } catch (const std::exception& e) {
      reply = Protocol::internal_error(e.what());
    }
    seen.status = reply.status;
    std::lock_guard lock(ledger.mu);
    ledger.requests.push_back(seen);
    return reply;
  }
};

template <class Protocol>
MockModelApi<Protocol>::MockModelApi(std::vector<Answer> script)
    : state_(std::make_unique<State>()) {
  for (const Answer& a : script)
    Protocol::check(a);
  for (size_t i = 0; i < script.size(); ++i)
    state_->ledger.script.emplace_back(i, std::move(script[i]));
  state_->server = std::make_unique<mock_http::Server>(
      [s = state_.get()](const mock_http::Request& req) { return s->handle(req); });
}

template <class Protocol>
MockModelApi<Protocol>::~MockModelApi() = default;

template <class Protocol>
int MockModelApi<Protocol>::port() const {
  return state_->server->port();
}

template <class Protocol>
std::string MockModelApi<Protocol>::base_url() const {
  return state_->server->base_url();
}

template <class Protocol>
std::vector<MockRequest> MockModelApi<Protocol>::requests() const {
  std::lock_guard lock(state_->ledger.mu);
  return state_->ledger.requests;
}

template <class Protocol>
std::vector<typename Protocol::Served> MockModelApi<Protocol>::served() const {
  std::lock_guard lock(state_->ledger.mu);
  return state_->ledger.served;
}

template <class Protocol>
size_t MockModelApi<Protocol>::remaining() const {
  std::lock_guard lock(state_->ledger.mu);
  return state_->ledger.script.size();
}

}  // namespace codepulse::test
