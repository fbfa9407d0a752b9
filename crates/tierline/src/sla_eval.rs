//! `tierline sla eval`: calendar and clock queries as JSON Lines, for scripts and checks.
//!
//! One answer per input line, in order; a line that cannot be parsed or computed gets
//! `{"error": ...}` and the run goes on. Calendars are compiled once per distinct JSON text and
//! kept for the run, since a calendar's first query costs far more than the next ones.

use std::collections::HashMap;
use std::io::{BufRead, BufWriter, Write};
use std::rc::Rc;

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use tierline_domain::Calendar;
use tierline_domain::calendar::spec::CalendarSpec;
use tierline_domain::sla::{Clock, Pause};

/// Distinct calendars kept at once; a run with more starts the cache afresh.
const CACHE_LIMIT: usize = 1024;
/// The longest target accepted: about 190 years, far past anything a calendar can answer.
const MAX_MINUTES: f64 = 1e8;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Query<'a> {
    #[serde(borrow)]
    calendar: &'a RawValue,
    op: String,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    minutes: Option<f64>,
    pauses: Option<Vec<(Timestamp, Option<Timestamp>)>>,
    stop: Option<Timestamp>,
}

/// Reads queries from `input` until it ends, writing answers to `output`.
pub fn run(input: impl BufRead, output: impl Write) -> std::io::Result<()> {
    let mut out = BufWriter::new(output);
    let mut cache: HashMap<String, Rc<Calendar>> = HashMap::new();
    for line in input.lines() {
        let line = line?;
        let answer = answer(&line, &mut cache).unwrap_or_else(|e| json!({ "error": e }));
        serde_json::to_writer(&mut out, &answer)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

fn answer(line: &str, cache: &mut HashMap<String, Rc<Calendar>>) -> Result<Value, String> {
    if line.trim().is_empty() {
        return Err("empty line: expected a JSON object".to_owned());
    }
    let q: Query = serde_json::from_str(line).map_err(|e| format!("invalid query: {e}"))?;
    let cal = calendar(q.calendar, cache)?;
    let need =
        |v: Option<Timestamp>, name: &str| v.ok_or_else(|| format!("op {:?} needs {name:?}", q.op));
    let start = need(q.start, "start")?;
    let show =
        |t: Timestamp| Value::String(t.display_with_offset(cal.tz().to_offset(t)).to_string());
    match q.op.as_str() {
        "add" => {
            let d = minutes(q.minutes, &q.op)?;
            let due = cal.add(start, d).map_err(|e| e.to_string())?;
            Ok(json!({ "due": show(due) }))
        }
        "between" => {
            let end = need(q.end, "end")?;
            let d = cal.between(start, end).map_err(|e| e.to_string())?;
            Ok(json!({ "minutes": minutes_value(d) }))
        }
        "next_open" => match cal.next_open(start).map_err(|e| e.to_string())? {
            Some(at) => Ok(json!({ "at": show(at) })),
            None => Err(format!("no covered time at or after {start} before 2200")),
        },
        "is_covered" => {
            let covered = cal.is_covered(start).map_err(|e| e.to_string())?;
            Ok(json!({ "covered": covered }))
        }
        "clock" => {
            let target = minutes(q.minutes, &q.op)?;
            let pauses = q
                .pauses
                .unwrap_or_default()
                .into_iter()
                .map(|(from, until)| Pause { from, until });
            let mut clock = Clock::new(&cal, start, target)
                .and_then(|c| c.with_pauses(pauses))
                .map_err(|e| e.to_string())?;
            let due = clock.due().map_err(|e| e.to_string())?;
            let mut answer = json!({ "due": due.map(show) });
            if let Some(stop) = q.stop {
                clock = clock.stopped_at(stop);
                let elapsed = clock.elapsed(stop).map_err(|e| e.to_string())?;
                answer["elapsed_minutes"] = minutes_value(elapsed);
            }
            Ok(answer)
        }
        other => Err(format!(
            "unknown op {other:?}: expected add, between, next_open, is_covered or clock"
        )),
    }
}

fn calendar(
    raw: &RawValue,
    cache: &mut HashMap<String, Rc<Calendar>>,
) -> Result<Rc<Calendar>, String> {
    if let Some(cal) = cache.get(raw.get()) {
        return Ok(Rc::clone(cal));
    }
    let spec: CalendarSpec =
        serde_json::from_str(raw.get()).map_err(|e| format!("invalid calendar: {e}"))?;
    let cal = Rc::new(Calendar::try_from(&spec).map_err(|e| format!("invalid calendar: {e}"))?);
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(raw.get().to_owned(), Rc::clone(&cal));
    Ok(cal)
}

fn minutes(m: Option<f64>, op: &str) -> Result<SignedDuration, String> {
    let m = m.ok_or_else(|| format!("op {op:?} needs \"minutes\""))?;
    if !(0.0..=MAX_MINUTES).contains(&m) {
        return Err(format!(
            "minutes must be a number from 0 to {MAX_MINUTES}, got {m}"
        ));
    }
    // In range by the check above: at most 6e18 nanoseconds, which fits an i64.
    #[allow(clippy::cast_possible_truncation, reason = "bounded by MAX_MINUTES")]
    let nanos = (m * 60e9).round() as i64;
    Ok(SignedDuration::from_nanos(nanos))
}

/// Whole minutes as an integer, anything else as a fraction.
fn minutes_value(d: SignedDuration) -> Value {
    let nanos = d.as_nanos();
    if nanos % 60_000_000_000 == 0 {
        json!(i64::try_from(nanos / 60_000_000_000).unwrap_or(i64::MAX))
    } else {
        #[allow(
            clippy::cast_precision_loss,
            reason = "a fraction of a minute is shown as a float"
        )]
        let minutes = nanos as f64 / 60e9;
        json!(minutes)
    }
}
