//! The simulator checked against VoIPbin's own OpenAPI document: every field it serves for the
//! endpoints conftop uses exists in the spec's response schema with the same JSON type (and,
//! for enums, a listed value), and conftop's types decode the spec's own examples.
//!
//! One documented deviation is allowed: unset timestamps are `null` on the real server
//! (API.md §7) although the spec types them as plain strings.

use serde_json::{Map, Value};

use crate::common::quiet_sim;

fn spec() -> Value {
    // A copy kept in the repository (its origin in the README beside it).
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/voipbin/openapi.json"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("VoIPbin's OpenAPI document must be at {path}: {e}"));
    serde_json::from_str(&text).expect("openapi.json parses")
}

/// Follows `$ref`s to the schema they name.
fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            resolve(spec, &spec["components"]["schemas"][name])
        }
        None => schema,
    }
}

/// The properties of a schema, merging `allOf` parts.
fn properties(spec: &Value, schema: &Value) -> Map<String, Value> {
    let schema = resolve(spec, schema);
    let mut out = Map::new();
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for p in parts {
            out.extend(properties(spec, p));
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        out.extend(props.clone());
    }
    out
}

/// Checks `value` against `schema`, collecting every mismatch with its JSON path.
fn check(spec: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let schema_r = resolve(spec, schema);
    let ty = schema_r.get("type").and_then(Value::as_str);
    let is_time = schema_r.get("format").and_then(Value::as_str) == Some("date-time")
        || schema.get("format").and_then(Value::as_str) == Some("date-time");
    match value {
        Value::Null if is_time => {}
        Value::Null => errors.push(format!("{path}: null where the spec has {ty:?}")),
        Value::String(s) => {
            if ty != Some("string") {
                errors.push(format!("{path}: string where the spec has {ty:?}"));
            } else if let Some(allowed) = schema_r.get("enum").and_then(Value::as_array)
                && !allowed.iter().any(|a| a == s)
            {
                errors.push(format!(
                    "{path}: {s:?} is not in the spec's enum {allowed:?}"
                ));
            }
        }
        Value::Bool(_) if ty != Some("boolean") => {
            errors.push(format!("{path}: boolean where the spec has {ty:?}"))
        }
        Value::Number(n) => {
            let ok = match ty {
                Some("integer") => n.is_i64() || n.is_u64(),
                Some("number") => true,
                _ => false,
            };
            if !ok {
                errors.push(format!("{path}: number where the spec has {ty:?}"));
            }
        }
        Value::Array(items) => {
            if ty != Some("array") {
                errors.push(format!("{path}: array where the spec has {ty:?}"));
            } else {
                for (i, item) in items.iter().enumerate() {
                    check(
                        spec,
                        &schema_r["items"],
                        item,
                        &format!("{path}[{i}]"),
                        errors,
                    );
                }
            }
        }
        Value::Object(obj) => {
            let props = properties(spec, schema);
            let free = schema_r.get("additionalProperties") == Some(&Value::Bool(true));
            if props.is_empty() && !(ty == Some("object") || free) {
                errors.push(format!("{path}: object where the spec has {ty:?}"));
                return;
            }
            for (k, v) in obj {
                match props.get(k) {
                    Some(sub) => check(spec, sub, v, &format!("{path}.{k}"), errors),
                    None if free || props.is_empty() => {}
                    None => errors.push(format!("{path}.{k}: not in the spec")),
                }
            }
        }
        _ => {}
    }
}

/// The schema of an endpoint's answer for a status code.
fn response_schema(spec: &Value, path: &str, method: &str, status: &str) -> Value {
    let resp = &spec["paths"][path][method]["responses"][status];
    let resp = match resp.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            &spec["components"]["responses"][r.trim_start_matches("#/components/responses/")]
        }
        None => resp,
    };
    let schema = resp["content"]["application/json"]["schema"].clone();
    assert!(
        !schema.is_null(),
        "the spec documents {method} {path} {status}"
    );
    schema
}

#[tokio::test]
async fn simulator_answers_match_the_published_schemas() {
    let spec = spec();
    let sim = quiet_sim(30).await;
    let key = sim.access_key();
    let base = sim.base_url();
    let http = reqwest::Client::new();
    let fetch = |method: reqwest::Method, p: String| {
        let req = http.request(method, format!("{base}{p}?accesskey={key}&page_size=100"));
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };

    let (ids, leaving) = sim.with_world(|w| {
        let live = w.live_participants(0);
        let p = live
            .iter()
            .find(|p| p.status == conftop::sim::ParticipantStatus::Joined)
            .unwrap();
        let q = live
            .iter()
            .rev()
            .find(|p| p.status == conftop::sim::ParticipantStatus::Joined)
            .unwrap();
        ((p.id, p.conference, p.call), q.id)
    });
    let foreign = sim.with_world(|w| w.live_participants(1)[0].id);
    let connect = sim.with_world(|w| {
        w.open_conferences(0)
            .into_iter()
            .find(|r| r.kind == conftop::sim::ConferenceKind::Connect)
            .unwrap()
            .id
    });

    use reqwest::Method as M;
    let cases = [
        (
            "/conferencecalls",
            "get",
            M::GET,
            "/conferencecalls".to_owned(),
            "200",
        ),
        (
            "/conferencecalls/{id}",
            "get",
            M::GET,
            format!("/conferencecalls/{}", ids.0),
            "200",
        ),
        (
            "/conferencecalls/{id}",
            "delete",
            M::DELETE,
            format!("/conferencecalls/{leaving}"),
            "200",
        ),
        (
            "/conferencecalls/{id}",
            "get",
            M::GET,
            format!("/conferencecalls/{}", uuid::Uuid::new_v4()),
            "400",
        ),
        (
            "/conferencecalls/{id}",
            "get",
            M::GET,
            format!("/conferencecalls/{foreign}"),
            "403",
        ),
        (
            "/conferencecalls/{id}",
            "delete",
            M::DELETE,
            "/conferencecalls/not-a-uuid".to_owned(),
            "400",
        ),
        (
            "/conferences",
            "get",
            M::GET,
            "/conferences".to_owned(),
            "200",
        ),
        (
            "/conferences/{id}",
            "get",
            M::GET,
            format!("/conferences/{}", ids.1),
            "200",
        ),
        (
            "/conferences/{id}",
            "get",
            M::GET,
            format!("/conferences/{connect}"),
            "200",
        ),
        ("/calls", "get", M::GET, "/calls".to_owned(), "200"),
        (
            "/calls/{id}",
            "get",
            M::GET,
            format!("/calls/{}", ids.2),
            "200",
        ),
        (
            "/calls/{id}",
            "get",
            M::GET,
            format!("/calls/{}", uuid::Uuid::new_v4()),
            "404",
        ),
        ("/customer", "get", M::GET, "/customer".to_owned(), "200"),
    ];
    let mut errors = Vec::new();
    let mut checked_fields = 0;
    for (spec_path, spec_method, method, path, status) in cases {
        let (got, body) = fetch(method, path.clone()).await;
        assert_eq!(got.to_string(), status, "{spec_method} {path}: {body}");
        let schema = response_schema(&spec, spec_path, spec_method, status);
        check(
            &spec,
            &schema,
            &body,
            &format!("{spec_method} {path}"),
            &mut errors,
        );
        checked_fields += count_fields(&body);
        if status != "200" {
            // The error body must carry the fields the spec requires.
            for field in ["status", "reason", "message", "request_id"] {
                assert!(
                    body["error"][field].is_string(),
                    "{path}: error.{field}: {body}"
                );
            }
        }
    }
    // 401 for the list endpoints, documented with the same envelope.
    let r = http
        .get(format!("{base}/conferencecalls?accesskey=wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    check(
        &spec,
        &response_schema(&spec, "/conferencecalls", "get", "401"),
        &body,
        "401",
        &mut errors,
    );
    assert!(
        errors.is_empty(),
        "fields that do not match the spec:\n{}",
        errors.join("\n")
    );
    assert!(
        checked_fields > 1000,
        "the answers were checked field by field ({checked_fields})"
    );
}

fn count_fields(v: &Value) -> usize {
    match v {
        Value::Object(o) => o.len() + o.values().map(count_fields).sum::<usize>(),
        Value::Array(a) => a.iter().map(count_fields).sum(),
        _ => 0,
    }
}

/// An object made of the `example` of every property of a schema.
fn example(spec: &Value, name: &str) -> Value {
    let schema = &spec["components"]["schemas"][name];
    let mut obj = Map::new();
    for (k, prop) in properties(spec, schema) {
        let ex = prop
            .get("example")
            .or_else(|| resolve(spec, &prop).get("example"));
        if let Some(ex) = ex {
            let ex = match (ex, resolve(spec, &prop).get("properties")) {
                // An object property whose example is missing: build it from its own schema.
                (Value::Null, Some(_)) => continue,
                _ => ex.clone(),
            };
            obj.insert(k, ex);
        } else if resolve(spec, &prop).get("properties").is_some() {
            let r = prop["$ref"].as_str().unwrap_or_default();
            let sub = r.trim_start_matches("#/components/schemas/");
            if !sub.is_empty() {
                obj.insert(k, example(spec, sub));
            }
        }
    }
    Value::Object(obj)
}

#[test]
fn our_types_decode_the_specs_own_examples() {
    let spec = spec();
    let cc = example(&spec, "ConferenceManagerConferencecall");
    let cc: conftop::api::Conferencecall =
        serde_json::from_value(cc.clone()).unwrap_or_else(|e| panic!("{e}: {cc}"));
    assert_eq!(cc.status, conftop::api::ConferencecallStatus::Joined);
    assert!(cc.tm_create.is_some());

    let conf = example(&spec, "ConferenceManagerConference");
    let conf: conftop::api::Conference =
        serde_json::from_value(conf.clone()).unwrap_or_else(|e| panic!("{e}: {conf}"));
    assert_eq!(conf.name, "Team Standup");
    assert_eq!(conf.conferencecall_ids.len(), 1);

    let call = example(&spec, "CallManagerCall");
    let call: conftop::api::Call =
        serde_json::from_value(call.clone()).unwrap_or_else(|e| panic!("{e}: {call}"));
    assert!(!call.source.target.is_empty() || !call.destination.target.is_empty());

    let customer = example(&spec, "CustomerManagerCustomer");
    let customer: conftop::api::Customer =
        serde_json::from_value(customer.clone()).unwrap_or_else(|e| panic!("{e}: {customer}"));
    assert_eq!(customer.name, "Acme Corporation");
}

#[test]
fn the_checker_catches_mismatches() {
    let spec = spec();
    let schema =
        serde_json::json!({"$ref": "#/components/schemas/ConferenceManagerConferencecall"});
    let bad = serde_json::json!({
        "id": 5,
        "status": "dancing",
        "made_up": "x",
        "tm_create": null,
        "conference_id": ["not", "a", "string"],
    });
    let mut errors = Vec::new();
    check(&spec, &schema, &bad, "cc", &mut errors);
    let all = errors.join("\n");
    assert!(all.contains("cc.id: number"), "{all}");
    assert!(
        all.contains("\"dancing\" is not in the spec's enum"),
        "{all}"
    );
    assert!(all.contains("cc.made_up: not in the spec"), "{all}");
    assert!(all.contains("cc.conference_id: array"), "{all}");
    assert!(
        !all.contains("tm_create"),
        "null timestamps are the documented deviation"
    );
    assert_eq!(errors.len(), 4, "{all}");
}
