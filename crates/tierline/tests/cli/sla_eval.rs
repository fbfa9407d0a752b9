//! `tierline sla eval`: answers in order, one per line, errors per line.

use serde_json::{Value, json};

use crate::{stdout, tierline};

fn kyiv_base() -> Value {
    let day = json!([["09:30", "18:30"]]);
    json!({"tz": "Europe/Kyiv", "week": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day}})
}

fn eval(lines: &[String]) -> Vec<Value> {
    let input = lines.join("\n") + "\n";
    let out = tierline(&["sla", "eval"], &input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn good_lines_get_answers_in_order() {
    let cal = kyiv_base();
    let lines: Vec<String> = [
        json!({"calendar": cal, "op": "add", "start": "2026-11-20T18:25:00+02:00", "minutes": 60}),
        json!({"calendar": cal, "op": "add", "start": "2026-11-20T16:25:00Z", "minutes": 0.5}),
        json!({"calendar": cal, "op": "between", "start": "2026-11-20T18:00:00+02:00", "end": "2026-11-23T10:00:00+02:00"}),
        json!({"calendar": cal, "op": "between", "start": "2026-11-23T09:30:00+02:00", "end": "2026-11-23T09:30:20+02:00"}),
        json!({"calendar": cal, "op": "next_open", "start": "2026-11-21T12:00:00Z"}),
        json!({"calendar": cal, "op": "is_covered", "start": "2026-11-21T12:00:00Z"}),
        json!({"calendar": cal, "op": "clock", "start": "2026-11-23T09:30:00+02:00", "minutes": 120,
               "pauses": [["2026-11-23T10:00:00+02:00", "2026-11-23T11:00:00+02:00"]],
               "stop": "2026-11-23T12:00:00+02:00"}),
        json!({"calendar": cal, "op": "clock", "start": "2026-11-23T09:30:00+02:00", "minutes": 120,
               "pauses": [["2026-11-23T10:00:00+02:00", null]]}),
        json!({"calendar": {"tz": "Europe/Kyiv", "week": {"sat": [["22:00", "06:00"]]},
                            "holidays": ["2026-11-22"], "workdays": {"2026-11-23": [["10:00", "11:00"]]}},
               "op": "add", "start": "2026-11-21T21:00:00+02:00", "minutes": 150}),
    ]
    .iter()
    .map(Value::to_string)
    .collect();
    let answers = eval(&lines);
    assert_eq!(
        answers,
        vec![
            json!({"due": "2026-11-23T10:25:00+02:00"}),
            json!({"due": "2026-11-20T18:25:30+02:00"}),
            json!({"minutes": 60}),
            json!({"minutes": 1.0 / 3.0}),
            json!({"at": "2026-11-23T09:30:00+02:00"}),
            json!({"covered": false}),
            json!({"due": "2026-11-23T12:30:00+02:00", "elapsed_minutes": 90}),
            json!({"due": null}),
            // Saturday 22:00–24:00, Sunday is a holiday, then Monday's own 10:00–11:00.
            json!({"due": "2026-11-23T10:30:00+02:00"}),
        ]
    );
}

#[test]
fn a_bad_line_gets_an_error_and_the_run_goes_on() {
    let cal = kyiv_base();
    let good =
        json!({"calendar": cal, "op": "add", "start": "2026-11-20T18:25:00+02:00", "minutes": 60})
            .to_string();
    let bad = [
        ("not json", "invalid query"),
        ("", "empty line"),
        ("[1, 2]", "invalid query"),
        (
            r#"{"calendar": {"tz": "Mars/Olympus"}, "op": "add", "start": "2026-11-20T18:25:00Z", "minutes": 1}"#,
            "unknown time zone",
        ),
        (
            r#"{"calendar": {"tz": "UTC", "week": {"mon": [["09:00", "25:00"]]}}, "op": "add", "start": "2026-11-20T18:25:00Z", "minutes": 1}"#,
            "invalid time of day",
        ),
        (
            r#"{"calendar": {"tz": "UTC", "week": {"mon": [["09:00", "09:00"]]}}, "op": "add", "start": "2026-11-20T18:25:00Z", "minutes": 1}"#,
            "invalid interval",
        ),
        (
            r#"{"calendar": {"tz": "UTC", "week": {"moon": []}}, "op": "add", "start": "2026-11-20T18:25:00Z", "minutes": 1}"#,
            "unknown weekday",
        ),
        (
            r#"{"calendar": {"tz": "UTC", "holidays": ["2026-02-30"]}, "op": "add", "start": "2026-11-20T18:25:00Z", "minutes": 1}"#,
            "invalid calendar",
        ),
        (
            r#"{"calendar": {"tz": "UTC"}, "op": "add", "start": "2026-11-20T18:25:00", "minutes": 1}"#,
            "offset",
        ),
        (
            r#"{"calendar": {"tz": "UTC"}, "op": "add", "start": "2026-11-20T18:25:00Z", "minutes": -5}"#,
            "minutes must be",
        ),
        (
            r#"{"calendar": {"tz": "UTC"}, "op": "add", "start": "2026-11-20T18:25:00Z", "minutes": "ten"}"#,
            "invalid query",
        ),
        (
            r#"{"calendar": {"tz": "UTC"}, "op": "add", "start": "2026-11-20T18:25:00Z"}"#,
            "needs \"minutes\"",
        ),
        (
            r#"{"calendar": {"tz": "UTC"}, "op": "between", "start": "2026-11-20T18:25:00Z"}"#,
            "needs \"end\"",
        ),
        (
            r#"{"calendar": {"tz": "UTC"}, "op": "teleport", "start": "2026-11-20T18:25:00Z"}"#,
            "unknown op",
        ),
        (
            r#"{"calendar": {"tz": "UTC"}, "op": "add", "start": "2026-11-20T18:25:00Z", "minutes": 1, "colour": "red"}"#,
            "unknown field",
        ),
        (
            r#"{"calendar": {"tz": "UTC"}, "op": "add", "start": "2026-11-20T18:25:00Z", "minutes": 1}"#,
            "not enough covered time",
        ),
        (
            r#"{"calendar": {"tz": "UTC", "coverage": "24x7"}, "op": "add", "start": "1950-01-01T00:00:00Z", "minutes": 1}"#,
            "outside the supported range",
        ),
        (
            r#"{"calendar": {"tz": "UTC", "coverage": "24x7"}, "op": "clock", "start": "2026-01-01T00:00:00Z", "minutes": 1, "pauses": [["2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"]]}"#,
            "pause",
        ),
    ];
    let mut lines = Vec::new();
    for (line, _) in &bad {
        lines.push((*line).to_owned());
        lines.push(good.clone());
    }
    let answers = eval(&lines);
    assert_eq!(answers.len(), lines.len(), "one answer per line");
    for (i, (line, needle)) in bad.iter().enumerate() {
        let err = answers[2 * i]["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{line}: expected an error, got {}", answers[2 * i]));
        assert!(
            err.contains(needle),
            "{line}: {err:?} should mention {needle:?}"
        );
        assert_eq!(
            answers[2 * i + 1],
            json!({"due": "2026-11-23T10:25:00+02:00"})
        );
    }
}

#[test]
fn many_lines_over_a_few_calendars() {
    let cals = [
        kyiv_base(),
        json!({"tz": "America/New_York", "coverage": "base+evening"}),
    ];
    let lines: Vec<String> = (0..20_000)
        .map(|i| {
            json!({"calendar": cals[i % 2], "op": "add", "start": "2026-11-20T18:25:00Z", "minutes": i % 600})
                .to_string()
        })
        .collect();
    let answers = eval(&lines);
    assert_eq!(answers.len(), 20_000);
    assert!(answers.iter().all(|a| a.get("due").is_some()));
}
