//! `tierline sla explain`: due times and the windows behind them, in words and in JSON.

use serde_json::Value;

use crate::{stdout, tierline};

const FRIDAY: &str = "2026-11-20T18:25:00+02:00";

fn explain(extra: &[&str]) -> std::process::Output {
    let mut args = vec!["sla", "explain", "--tz", "Europe/Kyiv", "--start", FRIDAY];
    args.extend_from_slice(extra);
    tierline(&args, "")
}

#[test]
fn spec_example_in_words() {
    let out = explain(&["--coverage", "base+evening", "--class", "3"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("Reaction: 1h of covered time, due Fri 2026-11-20 19:25 EET (+02:00)."),
        "{text}"
    );
    assert!(
        text.contains("Resolution: 4h of covered time, due Mon 2026-11-23 11:55 EET (+02:00)."),
        "{text}"
    );
    assert!(text.contains("Fri 2026-11-20 18:25–20:00"), "{text}");
    assert!(text.contains("Mon 2026-11-23 09:30–11:55"), "{text}");
    assert!(
        text.contains("Mon–Fri 09:30–20:00; Sat–Sun closed"),
        "{text}"
    );
}

#[test]
fn stability_json_and_holidays() {
    let out = explain(&[
        "--coverage",
        "base",
        "--class",
        "3",
        "--stability",
        "--json",
    ]);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["clocks"][0]["due"], "2026-11-23T09:55:00+02:00");
    assert_eq!(doc["clocks"][1]["due"], "2026-11-23T10:25:00+02:00");

    let dir = std::env::temp_dir().join(format!("tierline-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ics = dir.join("holidays.ics");
    std::fs::write(
        &ics,
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261123\r\nSUMMARY:Day off\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let out = explain(&[
        "--class",
        "3",
        "--stability",
        "--json",
        "--holidays",
        ics.to_str().unwrap(),
    ]);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc["clocks"][0]["due"], "2026-11-24T09:55:00+02:00",
        "Monday is a holiday"
    );

    std::fs::write(&ics, "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2026112\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").unwrap();
    let out = explain(&["--class", "3", "--holidays", ics.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn holiday_files_are_bounded_in_size_and_in_what_they_expand_to() {
    let dir = std::env::temp_dir().join(format!("tierline-explain-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The probing attack: 1,666 year-long events repeated COUNT=1000 times (the CLI once grew to
    // 22 GB on it). Refused for the date budget, at once.
    let mut attack = String::from("BEGIN:VCALENDAR\r\n");
    for i in 0..1666 {
        attack.push_str(&format!(
            "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nDTEND;VALUE=DATE:20270101\r\n\
             RRULE:FREQ=YEARLY;COUNT=1000\r\nSUMMARY:Day {i}\r\nEND:VEVENT\r\n"
        ));
    }
    attack.push_str("END:VCALENDAR\r\n");
    let ics = dir.join("attack.ics");
    std::fs::write(&ics, attack).unwrap();
    let started = std::time::Instant::now();
    let out = explain(&["--class", "3", "--holidays", ics.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("more than 10000 dates"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // A 4 GiB file (sparse: no disk used) is refused for its size without being read whole.
    let huge = dir.join("huge.ics");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(4 << 30)
        .unwrap();
    let out = explain(&["--class", "3", "--holidays", huge.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("larger than 524288 bytes"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn classes_without_targets_and_bad_arguments() {
    let text = stdout(&explain(&["--class", "1"]));
    assert!(
        text.contains("Reaction: not in the SLA for class 1"),
        "{text}"
    );
    let text = stdout(&explain(&["--class", "2"]));
    assert!(text.contains("individual target"), "{text}");
    let text = stdout(&explain(&["--class", "2", "--stability"]));
    assert!(text.contains("Reaction: 30m of covered time"), "{text}");
    for bad in [
        &["--class", "7"][..],
        &["--class", "3", "--coverage", "base+nights"],
        &["--class", "3", "--tz", "Mars/Olympus"],
    ] {
        let out = explain(bad);
        assert!(!out.status.success(), "{bad:?}");
        assert!(!out.stderr.is_empty());
    }
}
