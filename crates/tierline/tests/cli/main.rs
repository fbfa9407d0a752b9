//! The binary's command line, run as a user would run it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly; helpers outside #[test] functions too"
)]

mod classify;
mod monitor;
mod serve;
mod sla_eval;
mod sla_explain;

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `tierline ARGS` with `stdin` and returns what it did.
pub fn tierline(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tierline"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tierline binary starts");
    let mut input = child.stdin.take().unwrap();
    let text = stdin.to_owned();
    // Write from a thread so that a large input cannot deadlock against a full output pipe.
    let writer = std::thread::spawn(move || input.write_all(text.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}
