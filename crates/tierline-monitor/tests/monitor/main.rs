//! Monitoring against real servers on loopback, a real database on both backends, and a clock
//! the test moves: outages confirmed after retries, incidents opened once, recoveries and
//! availability exact to the second, heartbeats, certificates, maintenance, several nodes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod helpers;
mod outages;
mod reach;
mod special;

use tierline_testkit::story;

fn main() {
    tierline_monitor::install_crypto_provider();
    tierline_testkit::suite(&[
        story!(outages::http_outage_is_confirmed_recorded_and_measured),
        story!(outages::tcp_outages_add_to_one_incident),
        story!(outages::maintenance_hides_an_outage),
        story!(outages::no_stability_no_incident),
        story!(outages::auto_resolve_and_flapping_make_no_storm),
        story!(outages::http_checks_look_at_status_keyword_and_latency),
        story!(special::a_heartbeat_that_stops_is_down),
        story!(special::a_cron_heartbeat_follows_its_schedule),
        story!(special::a_certificate_that_expires_soon_fails),
        story!(special::nodes_share_the_monitors),
        story!(special::two_runners_check_each_monitor_once),
        story!(special::a_gap_in_checking_is_unknown_and_results_are_pruned),
        story!(reach::an_agents_monitor_inside_the_desk_never_connects),
        story!(reach::an_administrators_allowance_reaches_its_own_target_only),
        story!(reach::redirects_are_held_to_the_rule_at_every_hop),
    ]);
}
