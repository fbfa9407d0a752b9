//! The isolation matrix: every endpoint that names an object, for every role, with another
//! organisation's object. A caller who may not see it gets exactly the answer a missing object
//! gets (so existence is not leaked), never a success; staff get through.

use serde_json::{Value, json};
use tierline_store::Backend;

use crate::desk::Desk;

/// An endpoint, a body that would be valid for it, and the object it names.
struct Case {
    method: &'static str,
    path: String,
    missing: String,
    body: Option<Value>,
}

fn cases(d: &Desk) -> Vec<Case> {
    const NONE: i64 = 987_654;
    let mut out = Vec::new();
    let mut add = |method: &'static str, template: &str, id: i64, body: Option<Value>| {
        out.push(Case {
            method,
            path: template.replace("{}", &id.to_string()),
            missing: template.replace("{}", &NONE.to_string()),
            body,
        });
    };
    let (c, t, v, u) = (d.globex, d.globex_ticket, d.globex_contract, d.gus_id);
    add("GET", "/api/v1/customers/{}", c, None);
    add("GET", "/api/v1/customers/{}/systems", c, None);
    add(
        "POST",
        "/api/v1/customers/{}/systems",
        c,
        Some(json!({"name": "x", "built_by_us": false})),
    );
    add("GET", "/api/v1/customers/{}/contracts", c, None);
    add(
        "POST",
        "/api/v1/customers/{}/contracts",
        c,
        Some(json!({"effective_from": "2027-01-01", "terms": {"calendar": {"tz": "UTC"}}})),
    );
    add("GET", "/api/v1/contracts/{}", v, None);
    add("GET", "/api/v1/users/{}", u, None);
    add("GET", "/api/v1/users/{}/tokens", u, None);
    add(
        "PATCH",
        "/api/v1/users/{}",
        u,
        Some(json!({"name": "Taken over"})),
    );
    add(
        "POST",
        "/api/v1/users/{}/tokens",
        u,
        Some(json!({"name": "steal"})),
    );
    add("DELETE", "/api/v1/tokens/{}", d.gus_token_id, None);
    add("GET", "/api/v1/tickets/{}", t, None);
    add("GET", "/api/v1/tickets/{}/events", t, None);
    add(
        "POST",
        "/api/v1/tickets/{}/replies",
        t,
        Some(json!({"body": "hello"})),
    );
    add(
        "POST",
        "/api/v1/tickets/{}/replies",
        t,
        Some(json!({"body": "psst", "public": false})),
    );
    add(
        "POST",
        "/api/v1/tickets/{}/status",
        t,
        Some(json!({"status": "open"})),
    );
    add(
        "POST",
        "/api/v1/tickets/{}/class",
        t,
        Some(json!({"class": 6, "reason": "x"})),
    );
    add(
        "POST",
        "/api/v1/tickets/{}/escalate",
        t,
        Some(json!({"reason": "x"})),
    );
    add(
        "POST",
        "/api/v1/tickets/{}/deescalate",
        t,
        Some(json!({"reason": "x"})),
    );
    add(
        "POST",
        "/api/v1/tickets/{}/assign",
        t,
        Some(json!({"assignee_id": null})),
    );
    add(
        "POST",
        "/api/v1/tickets/{}/milestones",
        t,
        Some(json!({"milestone": "spec_agreed"})),
    );
    add(
        "POST",
        "/api/v1/tickets/{}/time",
        t,
        Some(json!({"minutes": 15, "note": "x"})),
    );
    add("GET", "/api/v1/tickets/{}/time", t, None);
    add("GET", "/api/v1/customers/{}/consultation", c, None);
    add("GET", "/api/v1/tickets/{}/vendor", t, None);
    add(
        "POST",
        "/api/v1/tickets/{}/group",
        t,
        Some(json!({"group_id": null})),
    );
    add(
        "PUT",
        "/api/v1/tickets/{}/vendor",
        t,
        Some(json!({"vendor": "Hoster"})),
    );
    out
}

pub async fn other_organisations_objects_are_not_found_on_any_endpoint(backend: Backend) {
    let d = Desk::new(backend).await;
    let app = &d.app;
    for (role, token) in [
        ("customer of another organisation", &d.ann),
        ("vendor contact", &d.vendor),
    ] {
        for case in cases(&d) {
            let (status, body) = app
                .call(case.method, &case.path, Some(token), case.body.as_ref())
                .await;
            let (missing_status, missing_body) = app
                .call(case.method, &case.missing, Some(token), case.body.as_ref())
                .await;
            let what = format!("{role}: {} {}", case.method, case.path);
            assert!(status == 404 || status == 403, "{what}: {status} {body}");
            assert_eq!(
                (status, &body["detail"]),
                (missing_status, &missing_body["detail"]),
                "{what}: differs from a missing object"
            );
        }
        // Lists leak nothing either.
        let (_, list) = app
            .call(
                "GET",
                &format!("/api/v1/tickets?customer_id={}&count=true", d.globex),
                Some(token),
                None,
            )
            .await;
        assert_eq!(list["total"], 0, "{role}");
        let (_, customers) = app
            .call("GET", "/api/v1/customers", Some(token), None)
            .await;
        assert!(
            customers
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["id"] != d.globex),
            "{role}"
        );
        let (_, users) = app.call("GET", "/api/v1/users", Some(token), None).await;
        assert!(
            users
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u["id"] != d.gus_id),
            "{role}"
        );
    }
    // Nothing of Globex's changed through all of that.
    let (_, t) = app
        .call(
            "GET",
            &format!("/api/v1/tickets/{}", d.globex_ticket),
            Some(&d.gus),
            None,
        )
        .await;
    assert_eq!(
        (
            t["status"].as_str(),
            t["line"].as_i64(),
            t["class"].as_i64()
        ),
        (Some("new"), Some(1), Some(3))
    );
    let (_, events) = app
        .call(
            "GET",
            &format!("/api/v1/tickets/{}/events", d.globex_ticket),
            Some(&d.agent),
            None,
        )
        .await;
    assert_eq!(events.as_array().unwrap().len(), 1);
    // Staff get through to every GET.
    for token in [&d.admin, &d.agent] {
        for case in cases(&d).into_iter().filter(|c| c.method == "GET") {
            let (status, body) = app.call("GET", &case.path, Some(token), None).await;
            if case.path.ends_with("/tokens") && token == &d.agent {
                assert_eq!(status, 403, "agents do not list others' tokens");
            } else {
                assert_eq!(status, 200, "GET {}: {body}", case.path);
            }
        }
    }
    let (_, ann_me) = app
        .call(
            "GET",
            &format!("/api/v1/users/{}", d.ann_id),
            Some(&d.ann),
            None,
        )
        .await;
    assert_eq!(ann_me["id"], d.ann_id);
    let (_, own) = app
        .call(
            "GET",
            &format!("/api/v1/customers/{}", d.acme),
            Some(&d.ann),
            None,
        )
        .await;
    assert_eq!(own["name"], "Acme");
}
