//! A deliberately naive calendar: it looks at one minute at a time.
//!
//! It answers from the definition of covered time (a local wall-clock time inside a working
//! interval of an open date) with none of the compiled timeline's machinery, so the property tests
//! check the fast calendar against it, and the benchmark runs both side by side. It is exact only
//! when every boundary and start falls on a whole minute, which is how the tests use it.

use jiff::{SignedDuration, Timestamp};

use super::Calendar;

/// How far the naive walk looks before it gives up: about 20 years of minutes.
const MAX_STEPS: i64 = 20 * 366 * 24 * 60;

/// Whether `t` is covered, decided from the local wall-clock time.
pub fn is_covered(cal: &Calendar, t: Timestamp) -> bool {
    let local = cal.tz.to_datetime(t);
    let date = local.date();
    let time = local.time();
    let secs = u32::from(time.hour().unsigned_abs()) * 3600
        + u32::from(time.minute().unsigned_abs()) * 60
        + u32::from(time.second().unsigned_abs());
    let today = cal.intervals_on(date).iter().any(|iv| {
        iv.start().seconds() <= secs && (iv.is_night_shift() || secs < iv.end().seconds())
    });
    let from_last_night = date.yesterday().is_ok_and(|y| {
        cal.intervals_on(y)
            .iter()
            .any(|iv| iv.is_night_shift() && secs < iv.end().seconds())
    });
    let scheduled = !cal.is_closed_date(date) && (today || from_last_night);
    let n = i64::try_from(t.as_nanosecond()).unwrap_or(i64::MAX);
    let inside = |periods: &[(i64, i64)]| periods.iter().any(|&(a, b)| a <= n && n < b);
    (scheduled || inside(&cal.open)) && !inside(&cal.closed)
}

/// `Calendar::add` by walking minutes: whole minutes only.
pub fn add(cal: &Calendar, start: Timestamp, minutes: i64) -> Option<Timestamp> {
    let mut left = minutes;
    let mut t = start;
    if left == 0 {
        return Some(t);
    }
    for _ in 0..MAX_STEPS {
        let next = t.checked_add(SignedDuration::from_mins(1)).ok()?;
        if is_covered(cal, t) {
            left -= 1;
            if left == 0 {
                return Some(next);
            }
        }
        t = next;
    }
    None
}

/// `Calendar::between` by counting covered minutes in `[a, b)`, as whole minutes.
pub fn between(cal: &Calendar, a: Timestamp, b: Timestamp) -> i64 {
    let mut count = 0;
    let mut t = a;
    while t < b {
        if is_covered(cal, t) {
            count += 1;
        }
        match t.checked_add(SignedDuration::from_mins(1)) {
            Ok(next) => t = next,
            Err(_) => break,
        }
    }
    count
}

/// `Calendar::next_open` by walking minutes.
pub fn next_open(cal: &Calendar, t: Timestamp) -> Option<Timestamp> {
    let mut t = t;
    for _ in 0..MAX_STEPS {
        if is_covered(cal, t) {
            return Some(t);
        }
        t = t.checked_add(SignedDuration::from_mins(1)).ok()?;
    }
    None
}
