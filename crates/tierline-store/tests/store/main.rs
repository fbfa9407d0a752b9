//! The store's conformance suite: the same stories on SQLite and on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod limit_stories;
mod query_stories;
mod schema_stories;
mod stories;
mod web_stories;
mod workflow_stories;

fn main() {
    tierline_testkit::suite(stories::ALL);
}
