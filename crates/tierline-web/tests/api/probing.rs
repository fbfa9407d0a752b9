//! The holes a probe found (issue 10), each shown closed: shares, sessions, tokens, redirects,
//! headers, rate limits behind a proxy.

use serde_json::json;
use tierline_store::{Backend, Role};

use crate::desk::{Desk, ok};

/// A 4-line contract's ticket escalated to line 4, shared with a vendor contact; returns
/// (ticket id, vendor id, vendor token).
async fn shared_on_line_4(d: &Desk) -> (i64, i64, String) {
    let c = ok(
        &d.app,
        "POST",
        "/api/v1/customers",
        &d.admin,
        json!({"name": "Umbrella"}),
    )
    .await;
    let cid = c["id"].as_i64().unwrap();
    ok(&d.app, "POST", &format!("/api/v1/customers/{cid}/contracts"), &d.admin, json!({"effective_from": "2026-01-01", "terms": {"calendar": {"tz": "Europe/Kyiv", "coverage": "base"}, "lines": 4}})).await;
    let (vid, vtoken) = d.app.user("ops@hoster.test", Role::Vendor, None, &[]).await;
    let t = ok(&d.app, "POST", "/api/v1/tickets", &d.agent, json!({"customer_id": cid, "subject": "Disk array failed", "description": "Customer's secret details", "class": 2})).await;
    let tid = t["id"].as_i64().unwrap();
    for _ in 0..3 {
        ok(
            &d.app,
            "POST",
            &format!("/api/v1/tickets/{tid}/escalate"),
            &d.agent,
            json!({"reason": "hardware"}),
        )
        .await;
    }
    ok(
        &d.app,
        "PUT",
        &format!("/api/v1/tickets/{tid}/vendor"),
        &d.agent,
        json!({"vendor": "Hoster", "external_ref": "HX-77", "contact_id": vid}),
    )
    .await;
    (tid, vid, vtoken)
}

pub async fn a_vendor_loses_the_ticket_when_it_leaves_line_4(backend: Backend) {
    let d = Desk::new(backend).await;
    let (tid, vid, vendor) = shared_on_line_4(&d).await;
    let path = format!("/api/v1/tickets/{tid}");
    assert_eq!(d.app.call("GET", &path, Some(&vendor), None).await.0, 200);
    ok(
        &d.app,
        "POST",
        &format!("{path}/deescalate"),
        &d.agent,
        json!({"reason": "the hoster fixed it, we verify"}),
    )
    .await;
    // The share ends with line 4: nothing of the ticket, no notes, no list entry.
    assert_eq!(d.app.call("GET", &path, Some(&vendor), None).await.0, 404);
    let note = json!({"body": "still here?"});
    let (s, _) = d
        .app
        .call(
            "POST",
            &format!("{path}/replies"),
            Some(&vendor),
            Some(&note),
        )
        .await;
    assert_eq!(s, 404);
    let (_, list) = d
        .app
        .call("GET", "/api/v1/tickets", Some(&vendor), None)
        .await;
    assert!(!list.to_string().contains("Disk array"), "{list}");
    // The timeline says so, for the desk.
    let events = ok(
        &d.app,
        "GET",
        &format!("{path}/events"),
        &d.agent,
        json!({}),
    )
    .await;
    assert!(events.to_string().contains("vendor_unshared"), "{events}");
    // The vendor block stays as the record, without its contact.
    let block = ok(
        &d.app,
        "GET",
        &format!("{path}/vendor"),
        &d.agent,
        json!({}),
    )
    .await;
    assert_eq!(block["vendor"], "Hoster");
    assert!(block["contact_id"].is_null(), "{block}");
    // Off line 4 a contact cannot be set again, but the block can be updated without one.
    let (s, body) = d
        .app
        .call(
            "PUT",
            &format!("{path}/vendor"),
            Some(&d.agent),
            Some(&json!({"vendor": "Hoster", "contact_id": vid})),
        )
        .await;
    assert_eq!(s, 422, "{body}");
    ok(
        &d.app,
        "PUT",
        &format!("{path}/vendor"),
        &d.agent,
        json!({"vendor": "Hoster", "vendor_status": "closed on their side"}),
    )
    .await;
}

pub async fn agents_clear_a_vendor_contact_at_any_line(backend: Backend) {
    let d = Desk::new(backend).await;
    let (tid, _, vendor) = shared_on_line_4(&d).await;
    let path = format!("/api/v1/tickets/{tid}");
    ok(
        &d.app,
        "PUT",
        &format!("{path}/vendor"),
        &d.agent,
        json!({"vendor": "Hoster", "external_ref": "HX-77"}),
    )
    .await;
    assert_eq!(d.app.call("GET", &path, Some(&vendor), None).await.0, 404);
    let events = ok(
        &d.app,
        "GET",
        &format!("{path}/events"),
        &d.agent,
        json!({}),
    )
    .await;
    assert!(events.to_string().contains("vendor_unshared"), "{events}");
}
