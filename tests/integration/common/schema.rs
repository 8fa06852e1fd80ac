//! A small JSON Schema validator for the subset `schema/*.schema.json` use: `type` (one or a
//! list, `null` for nullable), `const`, `enum`, `properties`, `required`, `additionalProperties`
//! (a boolean), `items`, `oneOf`, `$ref` to `#/$defs/…` and `format: date-time`. Any other
//! keyword is an error, so a schema cannot silently rely on something unchecked. Shared by the
//! test modules, since no validator crate is available.

use std::path::Path;

use serde_json::Value;

/// Annotations: documentation only.
const IGNORED: [&str; 5] = ["$schema", "$defs", "title", "description", "$comment"];

/// The schema file `schema/<name>.schema.json`.
pub fn schema(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("schema/{name}.schema.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every way `value` breaks `schema`, each as `<JSON pointer>: <what>`.
pub fn validate(schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, schema, value, "", &mut errors);
    errors
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_matches(wanted: &str, value: &Value) -> bool {
    let actual = type_name(value);
    actual == wanted || (wanted == "number" && actual == "integer")
}

fn check(root: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let at = if path.is_empty() { "/" } else { path };
    let Some(rules) = schema.as_object() else {
        panic!("{at}: a schema must be an object, got {schema}");
    };
    for (keyword, rule) in rules {
        match keyword.as_str() {
            k if IGNORED.contains(&k) => {}
            "$ref" => {
                let name = rule
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                    .unwrap_or_else(|| panic!("{at}: only #/$defs/… references: {rule}"));
                let target = &root["$defs"][name];
                assert!(!target.is_null(), "{at}: no $defs/{name}");
                check(root, target, value, path, errors);
            }
            "type" => {
                let wanted: Vec<&str> = match rule {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                    _ => panic!("{at}: bad type {rule}"),
                };
                if !wanted.iter().any(|t| type_matches(t, value)) {
                    errors.push(format!(
                        "{at}: {} is not of type {wanted:?}",
                        type_name(value)
                    ));
                }
            }
            "const" => {
                if value != rule {
                    errors.push(format!("{at}: {value} is not {rule}"));
                }
            }
            "enum" => {
                let allowed = rule.as_array().unwrap_or_else(|| panic!("{at}: bad enum"));
                if !allowed.contains(value) {
                    errors.push(format!("{at}: {value} is not one of {rule}"));
                }
            }
            "format" => {
                assert_eq!(rule, "date-time", "{at}: only the date-time format");
                if let Some(text) = value.as_str()
                    && text.parse::<jiff::Timestamp>().is_err()
                {
                    errors.push(format!("{at}: '{text}' is not an RFC 3339 date-time"));
                }
            }
            "required" => {
                if let Some(object) = value.as_object() {
                    for name in rule
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        if !object.contains_key(name) {
                            errors.push(format!("{at}: missing required field '{name}'"));
                        }
                    }
                }
            }
            "properties" => {
                if let Some(object) = value.as_object() {
                    let properties = rule
                        .as_object()
                        .unwrap_or_else(|| panic!("{at}: bad properties"));
                    for (name, sub) in properties {
                        if let Some(v) = object.get(name) {
                            check(root, sub, v, &format!("{path}/{name}"), errors);
                        }
                    }
                }
            }
            "additionalProperties" => {
                let allowed = rule
                    .as_bool()
                    .unwrap_or_else(|| panic!("{at}: additionalProperties must be a boolean"));
                if let (false, Some(object)) = (allowed, value.as_object()) {
                    let known = rules.get("properties").and_then(Value::as_object);
                    for name in object.keys() {
                        if !known.is_some_and(|k| k.contains_key(name)) {
                            errors.push(format!("{at}: unexpected field '{name}'"));
                        }
                    }
                }
            }
            "items" => {
                if let Some(items) = value.as_array() {
                    for (i, item) in items.iter().enumerate() {
                        check(root, rule, item, &format!("{path}/{i}"), errors);
                    }
                }
            }
            "oneOf" => {
                let options = rule.as_array().unwrap_or_else(|| panic!("{at}: bad oneOf"));
                let mut failures = Vec::new();
                let matching = options
                    .iter()
                    .filter(|option| {
                        let mut option_errors = Vec::new();
                        check(root, option, value, path, &mut option_errors);
                        let ok = option_errors.is_empty();
                        failures.extend(option_errors);
                        ok
                    })
                    .count();
                if matching != 1 {
                    errors.push(format!(
                        "{at}: matches {matching} of the oneOf schemas, not exactly one ({})",
                        failures.join("; ")
                    ));
                }
            }
            other => panic!("{at}: unsupported schema keyword '{other}'"),
        }
    }
}
