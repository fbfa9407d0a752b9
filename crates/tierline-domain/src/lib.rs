//! tierline's domain: business calendars and coverage, SLA policies and clocks.
//!
//! Pure code: no I/O, no clock reads, no async. Every function that needs "now" takes it as a
//! parameter, so the same inputs always give the same answer and everything here is testable
//! without a database or a server.

pub mod alerts;
pub mod availability;
pub mod calendar;
pub mod checks;
pub mod contract;
pub mod cron;
pub mod ids;
pub mod monitor;
pub mod reach;
pub mod sla;
pub mod ticket;
pub mod workflow;

pub use calendar::{Calendar, CalendarError};
pub use sla::{Class, Clock, ClockState, SlaPolicy, Target};
