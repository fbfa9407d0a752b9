//! The coverage presets a contract is sold with (SPEC §1), which combine into a weekly pattern.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Weekday;

use super::{CalendarError, WeekSchedule, WorkInterval};

const WEEKDAYS: [Weekday; 5] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
];
const WEEKEND: [Weekday; 2] = [Weekday::Saturday, Weekday::Sunday];

/// Which weekend extension a contract has, if any. They exclude each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WeekendOption {
    /// One weekend day, 09:00–17:00.
    OneDay(Weekday),
    /// Saturday and Sunday, 09:00–17:00.
    BothDays,
    /// Saturday and Sunday, 09:00–20:00.
    BothDaysLong,
}

/// A contract's coverage: base business hours plus the extensions bought.
///
/// Written as the presets joined by `+`: `base`, `evening`, `saturday` or `sunday` (one weekend
/// day), `weekends` (both, 09:00–17:00), `weekends-long` (both, 09:00–20:00), `24x7`;
/// e.g. `base+evening+weekends`. Base is always included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Coverage {
    /// Evening 18:00–20:00 on weekdays.
    pub evening: bool,
    /// A weekend extension.
    pub weekend: Option<WeekendOption>,
    /// Round the clock, every day.
    pub always: bool,
}

impl Coverage {
    /// Base business hours only: 09:30–18:30, Monday to Friday.
    pub fn base() -> Coverage {
        Coverage::default()
    }

    /// The weekly pattern this coverage gives.
    pub fn week(&self) -> WeekSchedule {
        let iv = |(h0, m0): (u32, u32), (h1, m1): (u32, u32)| {
            WorkInterval::fixed(h0 * 3600 + m0 * 60, h1 * 3600 + m1 * 60)
        };
        let mut week = WeekSchedule::closed();
        if self.always {
            let all_day = iv((0, 0), (24, 0));
            week.add_days(&WEEKDAYS, all_day)
                .add_days(&WEEKEND, all_day);
            return week;
        }
        week.add_days(&WEEKDAYS, iv((9, 30), (18, 30)));
        if self.evening {
            week.add_days(&WEEKDAYS, iv((18, 0), (20, 0)));
        }
        match self.weekend {
            None => {}
            Some(WeekendOption::OneDay(day)) => {
                week.add(day, iv((9, 0), (17, 0)));
            }
            Some(WeekendOption::BothDays) => {
                week.add_days(&WEEKEND, iv((9, 0), (17, 0)));
            }
            Some(WeekendOption::BothDaysLong) => {
                week.add_days(&WEEKEND, iv((9, 0), (20, 0)));
            }
        }
        week
    }

    /// The monthly price of the extensions in US dollars (SPEC §1); base hours are in the contract.
    pub fn extensions_price_usd(&self) -> u32 {
        if self.always {
            return 1700;
        }
        let evening = if self.evening { 600 } else { 0 };
        let weekend = match self.weekend {
            None => 0,
            Some(WeekendOption::OneDay(_)) => 850,
            Some(WeekendOption::BothDays) => 1090,
            Some(WeekendOption::BothDaysLong) => 1400,
        };
        evening + weekend
    }
}

impl FromStr for Coverage {
    type Err = CalendarError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: String| CalendarError::InvalidCoverage {
            given: s.to_owned(),
            why,
        };
        let mut c = Coverage::default();
        let set_weekend = |c: &mut Coverage, w: WeekendOption| {
            if c.weekend.replace(w).is_some() {
                return Err(bad("choose one weekend extension".to_owned()));
            }
            Ok(())
        };
        for part in s.split('+').map(str::trim) {
            match part.to_ascii_lowercase().as_str() {
                "base" => {}
                "evening" => c.evening = true,
                "saturday" | "sat" => {
                    set_weekend(&mut c, WeekendOption::OneDay(Weekday::Saturday))?;
                }
                "sunday" | "sun" => set_weekend(&mut c, WeekendOption::OneDay(Weekday::Sunday))?,
                "weekends" => set_weekend(&mut c, WeekendOption::BothDays)?,
                "weekends-long" => set_weekend(&mut c, WeekendOption::BothDaysLong)?,
                "24x7" | "24/7" => c.always = true,
                other => {
                    return Err(bad(format!(
                        "unknown preset {other:?}; expected base, evening, saturday, sunday, \
                         weekends, weekends-long or 24x7"
                    )));
                }
            }
        }
        if c.always && (c.evening || c.weekend.is_some()) {
            return Err(bad(
                "24x7 already covers every hour; drop the other extensions".to_owned(),
            ));
        }
        Ok(c)
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.always {
            return f.write_str("24x7");
        }
        f.write_str("base")?;
        if self.evening {
            f.write_str("+evening")?;
        }
        match self.weekend {
            None => Ok(()),
            Some(WeekendOption::OneDay(Weekday::Sunday)) => f.write_str("+sunday"),
            Some(WeekendOption::OneDay(_)) => f.write_str("+saturday"),
            Some(WeekendOption::BothDays) => f.write_str("+weekends"),
            Some(WeekendOption::BothDaysLong) => f.write_str("+weekends-long"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse_combine_and_print_back() {
        for text in [
            "base",
            "base+evening",
            "base+evening+weekends-long",
            "base+sunday",
            "24x7",
        ] {
            assert_eq!(text.parse::<Coverage>().unwrap().to_string(), text);
        }
        assert!("base+weekends+saturday".parse::<Coverage>().is_err());
        assert!("24x7+evening".parse::<Coverage>().is_err());
        let err = "base+nights".parse::<Coverage>().unwrap_err().to_string();
        assert!(err.contains("unknown preset \"nights\""), "{err}");
    }

    #[test]
    fn evening_extends_weekdays_and_weekend_days_are_added() {
        let week = "base+evening+saturday".parse::<Coverage>().unwrap().week();
        assert_eq!(week.intervals(Weekday::Friday).len(), 2);
        assert_eq!(
            week.intervals(Weekday::Saturday)[0].to_string(),
            "09:00–17:00"
        );
        assert!(week.intervals(Weekday::Sunday).is_empty());
        assert_eq!(
            "base+evening+weekends"
                .parse::<Coverage>()
                .unwrap()
                .extensions_price_usd(),
            1690
        );
    }
}
