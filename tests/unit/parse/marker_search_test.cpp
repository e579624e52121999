#include "tracker/parse/marker_search.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

namespace {

using Finder = size_t (*)(std::string_view, std::string_view);
struct Loop {
  const char* name;
  Finder find;
};

// find_marker as dispatched, and each loop it chooses between that this CPU
// can run.
std::vector<Loop> loops() {
  namespace in = codepulse::tracker::marker_search_internal;
  std::vector<Loop> all = {{"dispatched", codepulse::tracker::find_marker},
                           {"sse2", in::find_marker_sse2}};
#if defined(__x86_64__)
  if (in::has_avx2())
    all.push_back({"avx2", in::find_marker_avx2});
  else
    WARN("this CPU has no AVX2: its loop is not tested here");
#endif
  return all;
}

}  // namespace

TEST_CASE("find_marker agrees with string_view::find at every position and length", "[parse]") {
  for (const Loop& loop : loops()) {
    INFO("loop " << loop.name);
    const Finder find_marker = loop.find;
    const std::string needles[] = {"\"usage\"", "\"user\"", "\"tool_use_id\":", "ab", "x", "",
                                   "\"u\"",     "usag"};
    for (const std::string& needle : needles) {
      for (size_t len = 0; len < 112; ++len) {
        for (size_t at = 0; at + needle.size() <= len; ++at) {
          std::string hay(len, '"');  // quotes everywhere: the commonest JSON byte
          hay.replace(at, needle.size(), needle);
          INFO("needle " << needle << " len " << len << " at " << at);
          CHECK(find_marker(hay, needle) == std::string_view(hay).find(needle));
        }
        std::string none(len, 'u');
        CHECK(find_marker(none, needle) == std::string_view(none).find(needle));
      }
    }
  }
}

TEST_CASE("find_marker finds the first of several matches and near-misses", "[parse]") {
  for (const Loop& loop : loops()) {
    INFO("loop " << loop.name);
    const Finder find_marker = loop.find;
    // Near-misses share the two compared bytes but not the rest.
    const std::string hay = std::string(37, ' ') + "\"usxge\" \"uXage\" \"usage\":{} \"usage\"";
    CHECK(find_marker(hay, "\"usage\"") == hay.find("\"usage\""));
    CHECK(find_marker(hay.substr(0, hay.find("\"usage\"") + 6), "\"usage\"") ==
          std::string_view::npos);  // cut one byte short of the end
  }
}

TEST_CASE("find_marker matches string_view::find on random JSON-like text", "[parse]") {
  for (const Loop& loop : loops()) {
    INFO("loop " << loop.name);
    const Finder find_marker = loop.find;
    std::mt19937 rng(7);
    const std::string alphabet = "\"usage:{}_toldi ,";
    std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<size_t> length(0, 600);
    const std::string needles[] = {"\"usage\"", "\"user\"", "\"tool_use_id\":", "\"id\""};
    for (int round = 0; round < 3000; ++round) {
      std::string hay(length(rng), ' ');
      for (char& c : hay)
        c = alphabet[pick(rng)];
      for (const std::string& needle : needles) {
        INFO("round " << round << " needle " << needle);
        REQUIRE(find_marker(hay, needle) == std::string_view(hay).find(needle));
      }
    }
  }
}

namespace {

// find_last_marker as dispatched, and each backward loop this CPU can run.
std::vector<Loop> last_loops() {
  namespace in = codepulse::tracker::marker_search_internal;
  std::vector<Loop> all = {{"dispatched", codepulse::tracker::find_last_marker},
                           {"sse2", in::find_last_marker_sse2}};
#if defined(__x86_64__)
  if (in::has_avx2())
    all.push_back({"avx2", in::find_last_marker_avx2});
  else
    WARN("this CPU has no AVX2: its backward loop is not tested here");
#endif
  return all;
}

}  // namespace

TEST_CASE("find_last_marker agrees with string_view::rfind at every position and length",
          "[parse]") {
  for (const Loop& loop : last_loops()) {
    INFO("loop " << loop.name);
    const Finder find_last = loop.find;
    const std::string needles[] = {"\"usage\"", "\"user\"", "\"tool_use_id\":", "ab", "x", "",
                                   "\"u\"",     "usag"};
    for (const std::string& needle : needles) {
      for (size_t len = 0; len < 112; ++len) {
        for (size_t at = 0; at + needle.size() <= len; ++at) {
          std::string hay(len, '"');
          hay.replace(at, needle.size(), needle);
          INFO("needle " << needle << " len " << len << " at " << at);
          CHECK(find_last(hay, needle) == std::string_view(hay).rfind(needle));
          // A second match before it: the later one is found.
          if (at >= needle.size() && !needle.empty()) {
            std::string two = hay;
            two.replace(0, needle.size(), needle);
            CHECK(find_last(two, needle) == std::string_view(two).rfind(needle));
          }
        }
        std::string none(len, 'u');
        CHECK(find_last(none, needle) == std::string_view(none).rfind(needle));
      }
    }
  }
}

TEST_CASE("find_last_marker matches string_view::rfind on random JSON-like text", "[parse]") {
  for (const Loop& loop : last_loops()) {
    INFO("loop " << loop.name);
    const Finder find_last = loop.find;
    std::mt19937 rng(11);
    const std::string alphabet = "\"usage:{}_toldi ,";
    std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<size_t> length(0, 600);
    const std::string needles[] = {"\"usage\"", "\"user\"", "\"tool_use_id\":", "\"id\""};
    for (int round = 0; round < 3000; ++round) {
      std::string hay(length(rng), ' ');
      for (char& c : hay)
        c = alphabet[pick(rng)];
      for (const std::string& needle : needles) {
        INFO("round " << round << " needle " << needle);
        REQUIRE(find_last(hay, needle) == std::string_view(hay).rfind(needle));
      }
    }
  }
}
