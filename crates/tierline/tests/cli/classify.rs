//! `tierline classify`: one answer per line, errors per line, and the evaluation commands.

use serde_json::Value;

use crate::{stdout, tierline};

#[test]
fn classifies_each_line_and_reports_bad_ones() {
    let input = concat!(
        "{\"subject\": \"[FIRING:1] HostOutOfMemory instance=app-2:9100\", \"body\": \"\"}\n",
        "not json\n",
        "{\"subject\": \"Как выгрузить счета за прошлый год?\", \"body\": \"Нужна инструкция\"}\n",
        "{\"body\": \"no subject\"}\n",
        "\n",
    );
    let out = tierline(&["classify"], input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "one answer per input line");
    assert_eq!(lines[0]["class"], 2);
    assert!(lines[0]["confidence"].as_f64().unwrap() > 0.0);
    assert!(
        lines[0]["reasons"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("invalid request")
    );
    assert_eq!(lines[2]["class"], 6);
    assert!(lines[3]["error"].as_str().unwrap().contains("subject"));
    assert!(lines[4]["error"].as_str().unwrap().contains("empty line"));
}

#[test]
fn eval_and_cross_validation_print_their_figures() {
    let dir = std::env::temp_dir().join(format!("tierline-classify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("labelled.jsonl");
    std::fs::write(
        &file,
        "{\"subject\": \"DDoS attack on the shop\", \"class\": 5}\n{\"subject\": \"How do I reset a password?\", \"class\": 6}\n",
    )
    .unwrap();
    let out = tierline(&["classify", "eval", file.to_str().unwrap()], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    for needle in ["examples: 2", "accuracy:", "macro-F1:", "confusion"] {
        assert!(text.contains(needle), "{text}");
    }
    std::fs::write(&file, "{\"subject\": \"x\", \"class\": 9}\n").unwrap();
    let bad = tierline(&["classify", "eval", file.to_str().unwrap()], "");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("line 1"));
    let cv = tierline(&["classify", "cv", "--folds", "3"], "");
    assert!(cv.status.success());
    assert!(stdout(&cv).contains("3-fold cross-validation"));
    std::fs::remove_dir_all(dir).unwrap();
}
