//! What can go wrong when building or asking a calendar.

use jiff::Timestamp;
use jiff::civil::Date;

/// An error from building or querying a [`Calendar`](super::Calendar).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The time-zone name is not in the time-zone database.
    #[error("unknown time zone {0:?}: expected an IANA name such as \"Europe/Kyiv\"")]
    UnknownTimeZone(String),
    /// A time of day that is not `HH:MM` or `HH:MM:SS` between 00:00 and 24:00.
    #[error("invalid time of day {0:?}: expected HH:MM between 00:00 and 24:00")]
    InvalidTime(String),
    /// A working interval that cannot be.
    #[error("invalid interval {start}–{end}: {why}")]
    InvalidInterval {
        /// Its start as given.
        start: String,
        /// Its end as given.
        end: String,
        /// Why it is refused.
        why: &'static str,
    },
    /// A one-off period whose end is not after its start.
    #[error("period {start}..{end} is empty: its end must be after its start")]
    EmptyPeriod {
        /// Start of the period.
        start: Timestamp,
        /// End of the period.
        end: Timestamp,
    },
    /// A weekday name that is not one.
    #[error("unknown weekday {0:?}: expected mon, tue, wed, thu, fri, sat or sun")]
    UnknownWeekday(String),
    /// A date outside what the calendar computes.
    #[error("date {0} is outside the supported range 1970-01-01..2199-12-31")]
    DateOutOfRange(Date),
    /// An instant outside what the calendar computes.
    #[error("instant {0} is outside the supported range 1970-01-01..2199-12-31")]
    OutOfRange(Timestamp),
    /// A negative duration was asked for.
    #[error("duration must not be negative")]
    NegativeDuration,
    /// The answer lies beyond the supported range: the calendar has too little covered time.
    #[error("the calendar has not enough covered time after {0} before 2200-01-01")]
    NoCoverage(Timestamp),
    /// A coverage preset name that does not exist, or a combination that contradicts itself.
    #[error("invalid coverage {given:?}: {why}")]
    InvalidCoverage {
        /// The text as given.
        given: String,
        /// What is wrong with it.
        why: String,
    },
}
