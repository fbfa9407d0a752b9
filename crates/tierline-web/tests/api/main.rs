//! The REST API against the real server on a random loopback port, on SQLite and PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod bad_input;
mod classification;
mod desk;
mod edge;
mod flow;
mod isolation;
mod limits;
mod monitoring;
mod pages;
mod probing;

use tierline_testkit::story;

fn main() {
    tierline_testkit::suite(&[
        story!(flow::health_and_authentication),
        story!(flow::a_request_from_portal_to_resolution),
        story!(flow::idempotency_keys_make_ticket_creation_retry_safe),
        story!(flow::password_sign_in_sessions_and_rate_limits),
        story!(isolation::other_organisations_objects_are_not_found_on_any_endpoint),
        story!(bad_input::bad_input_gets_a_4xx_problem_and_writes_nothing),
        story!(edge::control_characters_are_refused_with_422_and_nothing_written),
        story!(edge::customers_cannot_choose_a_class_or_targets),
        story!(edge::structs_are_objects_never_arrays),
        story!(edge::out_of_range_values_are_refused_not_clamped),
        story!(classification::new_requests_are_classified_and_agents_teach_the_classifier),
        story!(pages::pages_forms_and_their_protections),
        story!(pages::live_updates_reach_only_those_who_may_see_them),
        story!(pages::administration_and_phone_requests_through_forms),
        story!(pages::a_vendor_contact_sees_only_the_escalation_shared_with_it),
        story!(monitoring::alert_webhooks_open_repeat_and_resolve_incidents),
        story!(monitoring::monitors_are_for_staff_to_set_and_customers_to_see),
        story!(probing::a_vendor_loses_the_ticket_when_it_leaves_line_4),
        story!(probing::agents_clear_a_vendor_contact_at_any_line),
        story!(probing::a_burst_of_sign_ins_gets_no_more_password_checks_than_the_limit),
        story!(probing::a_password_change_ends_other_sessions_and_disabling_revokes_tokens),
        story!(probing::sign_in_and_language_redirects_stay_on_plain_local_paths),
        story!(probing::pages_carry_browser_security_headers),
        story!(probing::the_origin_check_compares_the_scheme),
        story!(probing::sqlite_acknowledges_a_request_only_once_it_is_on_disk),
        story!(probing::behind_a_trusted_proxy_limits_count_the_forwarded_client),
        story!(probing::live_updates_send_only_what_is_new_and_visible),
        story!(probing::people_change_their_own_password_and_stay_signed_in_only_where_they_did),
        story!(monitoring::monitors_reach_private_addresses_only_as_an_administrator_allows),
        story!(limits::attachments_are_bounded_per_customer_by_a_quota_and_a_rate),
        story!(limits::multipart_forms_are_bounded_in_parts_files_and_fields),
        story!(limits::a_refused_file_leaves_no_request_and_a_resubmit_makes_exactly_one),
        story!(classification::a_class_corrected_on_the_page_retrains_at_once),
        story!(limits::a_holiday_file_that_asks_for_too_much_is_refused_in_the_admins_language),
        story!(limits::alert_payloads_are_bounded),
    ]);
}
