//! Classification in the desk: requests without a class get one with reasons, unsure ones wait
//! for qualification, agents' decisions become training examples, rules are editable.

use serde_json::json;
use tierline_store::Backend;

use crate::desk::{Desk, ok};

pub async fn new_requests_are_classified_and_agents_teach_the_classifier(backend: Backend) {
    let d = Desk::new(backend).await;
    let app = &d.app;
    let t = ok(app, "POST", "/api/v1/tickets", &d.ann, json!({"subject": "[FIRING:1] HostOutOfMemory instance=app-1:9100", "description": "OOM killer on app-1"})).await;
    assert_eq!(t["class"], 2, "{t}");
    let id = t["id"].as_i64().unwrap();
    let events = ok(
        app,
        "GET",
        &format!("/api/v1/tickets/{id}/events"),
        &d.agent,
        json!(null),
    )
    .await;
    let classified = &events[0]["data"]["classified"];
    assert_eq!(classified["class"], 2);
    assert!(classified["confidence"].as_f64().unwrap() > 0.0);
    assert!(!classified["reasons"].as_array().unwrap().is_empty());

    // A text with nothing to go on waits for qualification on line 1.
    let vague = ok(
        app,
        "POST",
        "/api/v1/tickets",
        &d.ann,
        json!({"subject": "Hello", "description": "Please call me back"}),
    )
    .await;
    assert_eq!(vague["needs_qualification"], true, "{vague}");
    let vid = vague["id"].as_i64().unwrap();
    let queue = ok(
        app,
        "GET",
        "/api/v1/tickets?needs_qualification=true",
        &d.agent,
        json!(null),
    )
    .await;
    assert_eq!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![vid]
    );
    // The agent qualifies it (keeping the class is a qualification too) and the classifier learns.
    let class = vague["class"].clone();
    // Another node, built before the correction, notices it and retrains.
    let other = std::sync::Arc::new(
        tierline_desk::ClassifierService::default().with_refresh(std::time::Duration::ZERO),
    );
    other.get(&app.store).await.unwrap();
    let before = other.built_from();
    let q = ok(
        app,
        "POST",
        &format!("/api/v1/tickets/{vid}/class"),
        &d.agent,
        json!({"class": class, "reason": "asked on the phone"}),
    )
    .await;
    assert_eq!(q["needs_qualification"], false);
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/tickets/{vid}/class"),
            Some(&d.agent),
            Some(&json!({"class": class, "reason": "again"})),
        )
        .await;
    assert_eq!(status, 422, "the same class twice is no change");
    ok(
        app,
        "POST",
        &format!("/api/v1/tickets/{id}/class"),
        &d.agent,
        json!({"class": 3, "reason": "the whole app was down"}),
    )
    .await;
    assert_eq!(app.store.training_examples().await.unwrap().len(), 2);
    let mut seen = before;
    for _ in 0..100 {
        other.get(&app.store).await.unwrap();
        seen = other.built_from();
        if seen.0 == before.0 + 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        seen.0,
        before.0 + 2,
        "the other node learnt both corrections"
    );

    // A given class is a qualification: taken as it is, with no classifier verdict recorded.
    let given = ok(
        app,
        "POST",
        "/api/v1/tickets",
        &d.agent,
        json!({"customer_id": d.acme, "subject": "DDoS on the shop", "class": 6}),
    )
    .await;
    assert_eq!(
        (
            given["class"].as_i64(),
            given["needs_qualification"].as_bool()
        ),
        (Some(6), Some(false))
    );
    let gid = given["id"].as_i64().unwrap();
    let given_events = ok(
        app,
        "GET",
        &format!("/api/v1/tickets/{gid}/events"),
        &d.agent,
        json!(null),
    )
    .await;
    assert!(
        given_events[0]["data"].get("classified").is_none(),
        "{given_events}"
    );

    // Trying the classifier, and its rules.
    let verdict = ok(
        app,
        "POST",
        "/api/v1/classify",
        &d.agent,
        json!({"subject": "Вирус на сервере, сайт рассылает спам"}),
    )
    .await;
    assert_eq!(verdict["class"], 5, "{verdict}");
    assert_eq!(verdict["language"], "ru");
    assert_eq!(
        app.call(
            "POST",
            "/api/v1/classify",
            Some(&d.ann),
            Some(&json!({"subject": "x"}))
        )
        .await
        .0,
        403
    );
    let rules = ok(
        app,
        "GET",
        "/api/v1/classifier/rules",
        &d.agent,
        json!(null),
    )
    .await;
    assert!(rules.as_array().unwrap().len() >= 5);
    let bad = json!([{"name": "broken", "pattern": "(", "class": 2, "weight": 100}]);
    let (status, problem) = app
        .call(
            "PUT",
            "/api/v1/classifier/rules",
            Some(&d.admin),
            Some(&bad),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "rules[0]");
    let mine = json!([{"name": "printers are questions", "pattern": "printer|принтер", "class": 6, "weight": 300}]);
    assert_eq!(
        app.call(
            "PUT",
            "/api/v1/classifier/rules",
            Some(&d.agent),
            Some(&mine)
        )
        .await
        .0,
        403
    );
    ok(
        app,
        "PUT",
        "/api/v1/classifier/rules",
        &d.admin,
        mine.clone(),
    )
    .await;
    assert_eq!(
        ok(
            app,
            "GET",
            "/api/v1/classifier/rules",
            &d.agent,
            json!(null)
        )
        .await,
        mine
    );
    // The new rules are in force as soon as the answer comes back.
    let verdict = ok(
        app,
        "POST",
        "/api/v1/classify",
        &d.agent,
        json!({"subject": "The printer on floor 2"}),
    )
    .await;
    assert_eq!(verdict["class"], 6, "{verdict}");
    assert!(
        verdict["reasons"][0]
            .as_str()
            .unwrap()
            .contains("printers are questions"),
        "{verdict}"
    );
}

pub async fn a_class_corrected_on_the_page_retrains_at_once(backend: Backend) {
    let mut desk = None;
    let d = Desk::with(backend, |s| desk = Some(s.desk.clone())).await;
    let desk = desk.unwrap();
    let app = &d.app;
    // A request without a class is classified: the classifier is trained now.
    let t = ok(
        app,
        "POST",
        "/api/v1/tickets",
        &d.agent,
        json!({"customer_id": d.acme, "subject": "Printer", "description": "It jams."}),
    )
    .await;
    let id = t["id"].as_i64().unwrap();
    let class = if t["class"].as_i64() == Some(5) { 4 } else { 5 };
    let before = desk.classifier().built_from();
    crate::pages::set_password(&d, d.agent_id).await;
    let mut agent = crate::pages::Browser::new(&d, "en");
    agent.sign_in("agent@desk.test").await;
    agent.get(&format!("/agent/tickets/{id}")).await;
    let p = agent
        .post(
            &format!("/agent/tickets/{id}/class"),
            &[
                ("class", &class.to_string()),
                ("reason", "asked on the phone"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, reqwest::StatusCode::SEE_OTHER);
    // As through the API, the correction is learnt at once, not at the next 30 s check.
    let mut seen = before;
    for _ in 0..100 {
        seen = desk.classifier().built_from();
        if seen.0 == before.0 + 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(seen.0, before.0 + 1, "the page's correction was learnt");
}
