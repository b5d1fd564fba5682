//! Property tests of everything that reads bytes from outside: the decoders and the timestamp
//! parser on random and mutated JSON, the sanitiser on arbitrary text, and the config and theme
//! files on arbitrary content. Nothing may panic; failures are typed errors.

use conftop::api::timestamp;
use conftop::api::{Call, Conference, Conferencecall, Customer, Page};
use conftop::text::{sanitize, width};
use proptest::prelude::*;

const CONFERENCECALL: &str = r#"{"id":"b8aa51f6-5cc1-40ba-9737-45ca24dab153","customer_id":"5e4a0680-804e-11ec-8477-2fea5968d85b","activeflow_id":"00000000-0000-0000-0000-000000000000","conference_id":"99accfb7-c0dd-4a54-997d-dd18af7bc280","reference_type":"call","reference_id":"7cb70145-a20a-4070-8b23-9131410d301d","status":"joined","tm_create":"2026-08-06T16:57:12.247946Z","tm_update":"2026-08-06T16:57:14.5Z","tm_delete":null}"#;
const CONFERENCE: &str = r#"{"id":"99accfb7-c0dd-4a54-997d-dd18af7bc280","type":"conference","status":"progressing","name":"Team Standup","timeout":3600,"conferencecall_ids":["b8aa51f6-5cc1-40ba-9737-45ca24dab153"],"tm_end":null,"tm_create":"2026-08-06T16:50:00.1Z"}"#;
const CALL: &str = r#"{"id":"7cb70145-a20a-4070-8b23-9131410d301d","source":{"type":"tel","target":"+15551234567","target_name":"Alice"},"destination":{"type":"tel","target":"+15559876543"},"status":"progressing","direction":"incoming","tm_create":"2026-08-06T16:57:01.9Z"}"#;

fn page(item: &str) -> String {
    format!(r#"{{"result":[{item},{item}],"next_page_token":"2026-08-20T09:12:33.123456Z"}}"#)
}

/// Every decoder conftop has, on the same bytes.
fn decode_all(bytes: &[u8]) {
    let _ = Page::<Conferencecall>::from_json(bytes);
    let _ = Page::<Conference>::from_json(bytes);
    let _ = Page::<Call>::from_json(bytes);
    let _ = serde_json::from_slice::<Conferencecall>(bytes);
    let _ = serde_json::from_slice::<Conference>(bytes);
    let _ = serde_json::from_slice::<Call>(bytes);
    let _ = serde_json::from_slice::<Customer>(bytes);
}

/// A byte-level mutation: delete, insert or replace at a position.
fn mutate(base: &str, ops: &[(u8, usize, u8)]) -> Vec<u8> {
    let mut b = base.as_bytes().to_vec();
    for &(op, at, byte) in ops {
        if b.is_empty() {
            break;
        }
        let i = at % b.len();
        match op % 3 {
            0 => {
                b.remove(i);
            }
            1 => b.insert(i, byte),
            _ => b[i] = byte,
        }
    }
    b
}

/// Arbitrary JSON values, for structure-aware fuzzing of field types.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>().prop_map(|n| serde_json::json!(n)),
        ".{0,40}".prop_map(serde_json::Value::String),
        Just(serde_json::json!("00000000-0000-0000-0000-000000000000")),
        Just(serde_json::json!("9999-01-01 00:00:00.000000")),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::hash_map(".{0,8}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn decoders_never_panic_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes);
    }

    #[test]
    fn decoders_never_panic_on_mutated_json(
        which in 0usize..3,
        ops in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 1..8),
    ) {
        let base = page([CONFERENCECALL, CONFERENCE, CALL][which]);
        decode_all(&mutate(&base, &ops));
    }

    #[test]
    fn any_field_may_hold_any_json_type(
        which in 0usize..3,
        field in 0usize..12,
        value in json_value(),
    ) {
        let base = [CONFERENCECALL, CONFERENCE, CALL][which];
        let mut obj: serde_json::Map<String, serde_json::Value> = serde_json::from_str(base).unwrap();
        let keys: Vec<String> = obj.keys().cloned().collect();
        let key = keys[field % keys.len()].clone();
        obj.insert(key.clone(), value);
        let one = serde_json::Value::Object(obj);
        let body = serde_json::json!({"result": [one.clone()], "next_page_token": "x"}).to_string();
        decode_all(body.as_bytes());
        // A list answer always decodes; an odd item is skipped and counted, never fatal.
        let p = Page::<Conferencecall>::from_json(body.as_bytes()).unwrap();
        prop_assert_eq!(p.items.len() + p.skipped, 1);
    }

    #[test]
    fn timestamps_never_panic(s in ".{0,48}") {
        let _ = timestamp::parse(&s);
    }

    #[test]
    fn near_timestamps_parse_or_fail_cleanly(
        y in 0u32..10000, mo in 0u32..14, d in 0u32..33, h in 0u32..26, mi in 0u32..62,
        sec in 0u32..62, frac in "[0-9]{0,12}", sep in prop_oneof![Just("T"), Just(" ")],
        zone in prop_oneof![Just(""), Just("Z"), Just("+02:00"), Just("-13:30"), Just("+99:00")],
    ) {
        let dot = if frac.is_empty() { "" } else { "." };
        let s = format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}:{sec:02}{dot}{frac}{zone}");
        match timestamp::parse(&s) {
            Ok(Some(t)) => {
                // A value that parsed is a real instant that formats back as a token.
                prop_assert!(!timestamp::format_token(t).is_empty());
                prop_assert!(y < 9999, "the sentinel year means unset");
            }
            Ok(None) => prop_assert!(y == 9999),
            Err(e) => prop_assert!(e.to_string().starts_with("not a timestamp")),
        }
    }

    #[test]
    fn sanitised_text_is_printable_single_line_and_bounded(s in "\\PC{0,200}|[\\x00-\\x7f\\u{80}-\\u{9f}\\u{200b}-\\u{202e}\\u{2066}-\\u{2069}]{0,200}", max in 1usize..80) {
        let out = sanitize(&s, max);
        prop_assert!(!out.chars().any(|c| c.is_control()), "{:?}", out);
        let invisible = |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}');
        prop_assert!(!out.chars().any(invisible), "bidi or zero-width left in {:?}", out);
        prop_assert!(unicode_segmentation::UnicodeSegmentation::graphemes(out.as_str(), true).count() <= max);
        // At most two cells per grapheme (wide characters).
        prop_assert!(width(&out) <= max * 2);
    }

    #[test]
    fn config_files_never_panic(text in ".{0,200}") {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, &text).unwrap();
        if let Err(e) = conftop::config::load(Some(&path)) {
            prop_assert!(e.to_string().contains("config.toml"), "the error names the file: {}", e);
        }
        let theme = dir.path().join("theme.toml");
        std::fs::write(&theme, &text).unwrap();
        if let Err(e) = conftop::ui::Theme::load(theme.to_str().unwrap()) {
            prop_assert!(e.to_string().contains("theme.toml"), "{}", e);
        }
    }

    #[test]
    fn structured_config_values_are_checked(
        key in prop_oneof![Just("interval"), Just("rotate"), Just("budget"), Just("theme"), Just("read_only"), Just("api_url")],
        value in prop_oneof![Just("\"2s\"".to_owned()), Just("\"soon\"".to_owned()), Just("-3".to_owned()), Just("true".to_owned()), Just("[1]".to_owned()), "\"[a-z0-9 ]{0,6}\""],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, format!("{key} = {value}\n")).unwrap();
        match conftop::config::load(Some(&path)) {
            Ok(_) => {}
            Err(e) => prop_assert!(e.to_string().contains(key) || e.to_string().contains("invalid"), "{}", e),
        }
    }
}
