// A JSON value SCIM's handlers can change in place (a resource a PATCH edits
// before it is read back as a whole, RFC 7644 3.5.2): parsed from a request
// body, written with JsonWriter. Attribute names are matched without case,
// as SCIM's are (RFC 7643 2.1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json_writer.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

struct ScimValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  std::string text;
  std::vector<ScimValue> items;                           // kArray
  std::vector<std::pair<std::string, ScimValue>> fields;  // kObject, in order

  static ScimValue string(std::string s);
  static ScimValue boolean_of(bool b);
  static ScimValue number_of(double n);
  static ScimValue object();
  static ScimValue array();

  bool is_object() const { return kind == Kind::kObject; }
  bool is_array() const { return kind == Kind::kArray; }
  bool is_string() const { return kind == Kind::kString; }
  // The field named `key` (any case), or nullptr.
  const ScimValue* find(std::string_view key) const;
  ScimValue* find(std::string_view key);
  // Sets (replaces) field `key`; returns it.
  ScimValue& set(std::string_view key, ScimValue v);
  void erase(std::string_view key);
};

// The body as JSON (an error names the position and what is wrong).
Result<ScimValue> parse_scim_value(std::string_view body);
void write_scim_value(JsonWriter& w, const ScimValue& v);
// Two values equal as SCIM compares them: strings without case.
bool scim_equal(const ScimValue& a, const ScimValue& b);

}  // namespace codepulse::collector
