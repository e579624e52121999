// SCIM's changeable JSON values (scim_value.hpp).
#include "collector/serve/scim_value.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>

#include "common/ascii.hpp"

namespace codepulse::collector {
namespace {

ScimValue from_element(simdjson::dom::element e) {
  ScimValue v;
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT:
      v.kind = ScimValue::Kind::kObject;
      {
        const simdjson::dom::object object = e.get_object().value_unsafe();
        for (auto field : object)
          v.fields.emplace_back(std::string(field.key), from_element(field.value));
        break;
      }
    case simdjson::dom::element_type::ARRAY:
      v.kind = ScimValue::Kind::kArray;
      {
        const simdjson::dom::array array = e.get_array().value_unsafe();
        for (auto item : array)
          v.items.push_back(from_element(item));
        break;
      }
    case simdjson::dom::element_type::STRING:
      v.kind = ScimValue::Kind::kString;
      v.text = std::string(e.get_string().value_unsafe());
      break;
    case simdjson::dom::element_type::BOOL:
      v.kind = ScimValue::Kind::kBool;
      v.boolean = e.get_bool().value_unsafe();
      break;
    case simdjson::dom::element_type::INT64:
      v.kind = ScimValue::Kind::kNumber;
      v.number = static_cast<double>(e.get_int64().value_unsafe());
      break;
    case simdjson::dom::element_type::UINT64:
      v.kind = ScimValue::Kind::kNumber;
      v.number = static_cast<double>(e.get_uint64().value_unsafe());
      break;
    case simdjson::dom::element_type::DOUBLE:
      v.kind = ScimValue::Kind::kNumber;
      v.number = e.get_double().value_unsafe();
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      break;
  }
  return v;
}

}  // namespace

ScimValue ScimValue::string(std::string s) {
  ScimValue v;
  v.kind = Kind::kString;
  v.text = std::move(s);
  return v;
}

ScimValue ScimValue::boolean_of(bool b) {
  ScimValue v;
  v.kind = Kind::kBool;
  v.boolean = b;
  return v;
}

ScimValue ScimValue::number_of(double n) {
  ScimValue v;
  v.kind = Kind::kNumber;
  v.number = n;
  return v;
}

ScimValue ScimValue::object() {
  ScimValue v;
  v.kind = Kind::kObject;
  return v;
}

ScimValue ScimValue::array() {
  ScimValue v;
  v.kind = Kind::kArray;
  return v;
}

const ScimValue* ScimValue::find(std::string_view key) const {
  for (const auto& [k, v] : fields)
    if (iequals(k, key)) return &v;
  return nullptr;
}

ScimValue* ScimValue::find(std::string_view key) {
  for (auto& [k, v] : fields)
    if (iequals(k, key)) return &v;
  return nullptr;
}

ScimValue& ScimValue::set(std::string_view key, ScimValue v) {
  kind = Kind::kObject;
  if (ScimValue* old = find(key)) return *old = std::move(v);
  fields.emplace_back(std::string(key), std::move(v));
  return fields.back().second;
}

void ScimValue::erase(std::string_view key) {
  std::erase_if(fields, [key](const auto& f) { return iequals(f.first, key); });
}

Result<ScimValue> parse_scim_value(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto error = parser.parse(body.data(), body.size()).get(doc))
    return make_error(std::string("the body is not JSON: ") + simdjson::error_message(error));
  return from_element(doc);
}

void write_scim_value(JsonWriter& w, const ScimValue& v) {
  switch (v.kind) {
    case ScimValue::Kind::kNull:
      w.null();
      break;
    case ScimValue::Kind::kBool:
      w.value(v.boolean);
      break;
    case ScimValue::Kind::kNumber:
      if (std::trunc(v.number) == v.number && std::fabs(v.number) < 9e15)
        w.value(static_cast<int64_t>(v.number));
      else
        w.value(v.number);
      break;
    case ScimValue::Kind::kString:
      w.value(v.text);
      break;
    case ScimValue::Kind::kArray:
      w.begin_array();
      for (const ScimValue& item : v.items)
        write_scim_value(w, item);
      w.end_array();
      break;
    case ScimValue::Kind::kObject:
      w.begin_object();
      for (const auto& [k, item] : v.fields) {
        w.key(k);
        write_scim_value(w, item);
      }
      w.end_object();
      break;
  }
}

bool scim_equal(const ScimValue& a, const ScimValue& b) {
  if (a.kind == ScimValue::Kind::kString && b.kind == ScimValue::Kind::kString)
    return iequals(a.text, b.text);
  if (a.kind == ScimValue::Kind::kBool && b.kind == ScimValue::Kind::kBool)
    return a.boolean == b.boolean;
  if (a.kind == ScimValue::Kind::kNumber && b.kind == ScimValue::Kind::kNumber)
    return a.number == b.number;
  return false;
}

}  // namespace codepulse::collector
