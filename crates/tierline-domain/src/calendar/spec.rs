//! The JSON shape of a calendar, shared by the command line and the API.
//!
//! ```json
//! {"tz": "Europe/Kyiv",
//!  "week": {"mon": [["09:30", "18:30"]], "sat": [["22:00", "06:00"]]},
//!  "holidays": ["2026-01-01"],
//!  "workdays": {"2026-01-10": [["09:30", "18:30"]]},
//!  "open": [["2026-03-01T20:00:00Z", "2026-03-01T23:00:00Z"]],
//!  "closed": [["2026-03-05T12:00:00+02:00", "2026-03-05T18:30:00+02:00"]]}
//! ```
//!
//! `coverage` (`"base+evening"`, see [`Coverage`]) may stand instead of `week`, or beside it to
//! add intervals to a preset. A weekday left out is closed; everything but `tz` is optional.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use super::{Calendar, CalendarError, Coverage, WeekSchedule, WorkInterval};

/// A calendar as written in JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarSpec {
    /// IANA time zone.
    pub tz: String,
    /// A coverage preset, such as `base+evening`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<String>,
    /// Working intervals per weekday (`mon` … `sun`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({"mon": [["09:30", "18:30"]]})))]
    pub week: BTreeMap<String, Vec<(String, String)>>,
    /// Closed local dates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<Date>,
    /// Moved working days with their own intervals.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({"2026-01-10": [["09:30", "18:30"]]})))]
    pub workdays: BTreeMap<Date, Vec<(String, String)>>,
    /// One-off covered periods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub open: Vec<(Timestamp, Timestamp)>,
    /// One-off closed periods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub closed: Vec<(Timestamp, Timestamp)>,
}

/// A weekday from `mon`/`monday` (any case).
pub fn parse_weekday(s: &str) -> Result<Weekday, CalendarError> {
    Ok(match s.to_ascii_lowercase().as_str() {
        "mon" | "monday" => Weekday::Monday,
        "tue" | "tuesday" => Weekday::Tuesday,
        "wed" | "wednesday" => Weekday::Wednesday,
        "thu" | "thursday" => Weekday::Thursday,
        "fri" | "friday" => Weekday::Friday,
        "sat" | "saturday" => Weekday::Saturday,
        "sun" | "sunday" => Weekday::Sunday,
        _ => return Err(CalendarError::UnknownWeekday(s.to_owned())),
    })
}

fn intervals(list: &[(String, String)]) -> Result<Vec<WorkInterval>, CalendarError> {
    list.iter()
        .map(|(a, b)| WorkInterval::parse(a, b))
        .collect()
}

impl TryFrom<&CalendarSpec> for Calendar {
    type Error = CalendarError;

    fn try_from(spec: &CalendarSpec) -> Result<Calendar, CalendarError> {
        let tz = Calendar::time_zone(&spec.tz)?;
        let mut week = match &spec.coverage {
            Some(c) => c.parse::<Coverage>()?.week(),
            None => WeekSchedule::closed(),
        };
        for (day, list) in &spec.week {
            let day = parse_weekday(day)?;
            for iv in intervals(list)? {
                week.add(day, iv);
            }
        }
        let mut b = Calendar::builder(tz)
            .week(week)
            .holidays(spec.holidays.iter().copied());
        for (date, list) in &spec.workdays {
            b = b.workday(*date, intervals(list)?);
        }
        for &(s, e) in &spec.open {
            b = b.open_period(s, e);
        }
        for &(s, e) in &spec.closed {
            b = b.closed_period(s, e);
        }
        b.build()
    }
}
