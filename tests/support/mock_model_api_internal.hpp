// The parts of a mock model API (mock_model_api.hpp) its protocols share: the
// ledger of script, requests and served answers, and the members of
// MockModelApi. Each API's .cpp defines, in namespace codepulse::test (found
// by argument-dependent lookup), for its Answer and Served:
//   void check_answer(const Answer&);  // throws std::invalid_argument
//   mock_http::Reply answer_request(MockLedger<Answer, Served>&,
//                                   const mock_http::Request&, MockRequest& seen);
// (which fills seen's model, stream and api_key) and then instantiates
// `template class MockModelApi<Answer, Served>;`.
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

  // The first answer left in the script that `fits` (any, without it), taken
  // from the script into a new Served's `field`, with its script_index;
  // nullopt when none is left. Holding mu.
  std::optional<Served> take(Answer Served::*field,
                             const std::function<bool(const Answer&)>& fits = nullptr) {
    for (auto it = script.begin(); it != script.end(); ++it) {
      if (fits && !fits(it->second)) continue;
      Served s;
      s.script_index = it->first;
      s.*field = std::move(it->second);
      script.erase(it);
      return s;
    }
    return std::nullopt;
  }
};

template <class Answer, class Served>
struct MockModelApi<Answer, Served>::State {
  MockLedger<Answer, Served> ledger;
  std::unique_ptr<mock_http::Server> server;  // last: stopped before the ledger goes

  mock_http::Reply handle(const mock_http::Request& req) {
    MockRequest seen;
    seen.method = req.method;
    seen.target = req.target;
    mock_http::Reply reply;
    try {
      reply = answer_request(ledger, req, seen);
    } catch (const std::exception& e) {
      reply = {500, "text/plain", e.what(), {}, {}};
    }
    seen.status = reply.status;
    std::lock_guard lock(ledger.mu);
    ledger.requests.push_back(seen);
    return reply;
  }
};

template <class Answer, class Served>
MockModelApi<Answer, Served>::MockModelApi(std::vector<Answer> script)
    : state_(std::make_unique<State>()) {
  for (const Answer& a : script)
    check_answer(a);
  for (size_t i = 0; i < script.size(); ++i)
    state_->ledger.script.emplace_back(i, std::move(script[i]));
  state_->server = std::make_unique<mock_http::Server>(
      [s = state_.get()](const mock_http::Request& req) { return s->handle(req); });
}

template <class Answer, class Served>
MockModelApi<Answer, Served>::~MockModelApi() = default;

template <class Answer, class Served>
int MockModelApi<Answer, Served>::port() const {
  return state_->server->port();
}

template <class Answer, class Served>
std::string MockModelApi<Answer, Served>::base_url() const {
  return state_->server->base_url();
}

template <class Answer, class Served>
std::vector<MockRequest> MockModelApi<Answer, Served>::requests() const {
  std::lock_guard lock(state_->ledger.mu);
  return state_->ledger.requests;
}

template <class Answer, class Served>
std::vector<Served> MockModelApi<Answer, Served>::served() const {
  std::lock_guard lock(state_->ledger.mu);
  return state_->ledger.served;
}

template <class Answer, class Served>
size_t MockModelApi<Answer, Served>::remaining() const {
  std::lock_guard lock(state_->ledger.mu);
  return state_->ledger.script.size();
}

}  // namespace codepulse::test
