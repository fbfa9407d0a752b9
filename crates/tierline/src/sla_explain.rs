//! `tierline sla explain`: a request's due times, and in plain words the covered windows that
//! make them up, so that an agent or a customer can check a due time by hand.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use tierline_domain::calendar::ics::{MAX_ICS_BYTES, parse_holidays};
use tierline_domain::calendar::{Coverage, WEEK};
use tierline_domain::sla::{ClockKind, Target, human_duration};
use tierline_domain::{Calendar, Class, SlaPolicy};

use clap::Args;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Coverage presets joined by '+': base, evening, saturday, sunday, weekends, weekends-long, 24x7.
    #[arg(long, default_value = "base")]
    pub coverage: String,
    /// The customer's IANA time zone.
    #[arg(long, default_value = "UTC")]
    pub tz: String,
    /// When the request arrived (RFC 3339, e.g. 2026-11-20T18:25:00+02:00).
    #[arg(long)]
    pub start: Timestamp,
    /// The request class, 1 to 6.
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..=6))]
    pub class: i64,
    /// Use the Stability add-on's targets.
    #[arg(long)]
    pub stability: bool,
    /// Holidays from an iCalendar file (all-day events).
    #[arg(long, value_name = "FILE.ics")]
    pub holidays: Option<PathBuf>,
    /// The individual target agreed for this request, in minutes (for "individual" cells).
    #[arg(long, value_name = "MINUTES")]
    pub individual_minutes: Option<u32>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What one clock came to.
struct Explained {
    kind: ClockKind,
    target: Target,
    due: Option<Timestamp>,
    windows: Vec<(Timestamp, Timestamp)>,
}

/// A text file, reading at most one byte past `max`: a file that large is refused by the
/// parser for its size, without the whole of it (a mistaken path to a disk image, say) in memory.
fn read_bounded(path: &std::path::Path, max: usize) -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() > max {
        // Cut anywhere, perhaps inside a character: the parser refuses it for its size.
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    String::from_utf8(bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

pub fn run(args: &ExplainArgs, mut out: impl Write) -> anyhow::Result<()> {
    let coverage: Coverage = args.coverage.parse()?;
    let tz = Calendar::time_zone(&args.tz)?;
    let mut builder = Calendar::builder(tz.clone()).week(coverage.week());
    if let Some(path) = &args.holidays {
        let text = read_bounded(path, MAX_ICS_BYTES)
            .with_context(|| format!("cannot read {}", path.display()))?;
        // Expand yearly holidays far enough past the request for any target to be reached.
        let horizon = args
            .start
            .to_zoned(tz.clone())
            .date()
            .saturating_add(jiff::Span::new().years(5));
        let import = parse_holidays(&text, horizon).with_context(|| path.display().to_string())?;
        for warning in &import.warnings {
            eprintln!("{}: {warning}", path.display());
        }
        builder = builder.holidays(import.dates());
    }
    let cal = builder.build()?;
    let class = Class::try_from(args.class)?;
    let policy = if args.stability {
        SlaPolicy::stability()
    } else {
        SlaPolicy::default_table()
    };
    let individual = args
        .individual_minutes
        .map(|m| SignedDuration::from_mins(i64::from(m)));

    let mut kinds = vec![ClockKind::Reaction, ClockKind::Resolution];
    if policy.target(class, ClockKind::WorkStart) != Target::NotInSla {
        kinds.push(ClockKind::WorkStart);
    }
    let mut explained = Vec::new();
    for kind in kinds {
        let target = policy.target(class, kind);
        let clock = match policy.clock(&cal, class, kind, args.start, individual) {
            Ok(clock) => clock,
            // An individual target nobody typed in yet is something to show, not a failure.
            Err(tierline_domain::sla::SlaError::MissingIndividualTarget(..)) => None,
            Err(e) => return Err(e.into()),
        };
        let (due, windows) = match clock {
            Some(clock) => {
                let due = clock.due()?;
                let windows = match due {
                    Some(d) => clock.counted_windows(d)?,
                    None => Vec::new(),
                };
                (due, windows)
            }
            None => (None, Vec::new()),
        };
        explained.push(Explained {
            kind,
            target,
            due,
            windows,
        });
    }

    if args.json {
        let clocks: Vec<_> = explained
            .iter()
            .map(|e| {
                json!({
                    "clock": e.kind,
                    "target": e.target.to_string(),
                    "due": e.due.map(|t| rfc3339(&tz, t)),
                    "windows": e.windows.iter().map(|&(a, b)| [rfc3339(&tz, a), rfc3339(&tz, b)]).collect::<Vec<_>>(),
                })
            })
            .collect();
        let doc = json!({
            "class": class,
            "coverage": coverage.to_string(),
            "tz": args.tz,
            "stability": args.stability,
            "start": rfc3339(&tz, args.start),
            "clocks": clocks,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(());
    }

    writeln!(
        out,
        "Class {class} ({}), opened {}.",
        class.description(),
        when(&tz, args.start)
    )?;
    writeln!(
        out,
        "Coverage {coverage} in {}: {}. SLA table: {}.",
        args.tz,
        describe_week(&coverage),
        if args.stability {
            "default with Stability"
        } else {
            "default"
        },
    )?;
    if let Some(path) = &args.holidays {
        writeln!(
            out,
            "Holidays from {}: {} dates.",
            path.display(),
            cal.holiday_dates().len()
        )?;
    }
    for e in &explained {
        writeln!(out)?;
        let name = capitalised(&e.kind.to_string());
        match (e.target, e.due) {
            (Target::NotInSla, _) => writeln!(
                out,
                "{name}: not in the SLA for class {class}; no clock runs."
            )?,
            (Target::Individual, None) => writeln!(
                out,
                "{name}: an individual target, agreed per request; pass --individual-minutes to time it."
            )?,
            (_, None) => writeln!(out, "{name}: held by a pause; no due time yet.")?,
            (_, Some(due)) => {
                let target = individual
                    .filter(|_| e.target == Target::Individual)
                    .map_or_else(|| e.target.to_string(), human_duration);
                writeln!(
                    out,
                    "{name}: {target} of covered time, due {}.",
                    when(&tz, due)
                )?;
                if e.windows.is_empty() {
                    writeln!(out, "  due at once: the target is zero.")?;
                }
                let mut total = SignedDuration::ZERO;
                for &(a, b) in &e.windows {
                    total += b.duration_since(a);
                    writeln!(
                        out,
                        "  {:<44} {:>8}   (running total {})",
                        span(&tz, a, b),
                        human_duration(b.duration_since(a)),
                        human_duration(total)
                    )?;
                }
            }
        }
    }
    Ok(())
}

fn rfc3339(tz: &TimeZone, t: Timestamp) -> String {
    t.display_with_offset(tz.to_offset(t)).to_string()
}

/// `Fri 2026-11-20 18:25 EET (+02:00)`.
fn when(tz: &TimeZone, t: Timestamp) -> String {
    t.to_zoned(tz.clone())
        .strftime("%a %Y-%m-%d %H:%M %Z (%:z)")
        .to_string()
}

/// `Fri 2026-11-20 18:25–20:00`, or with both dates when a window passes midnight.
fn span(tz: &TimeZone, a: Timestamp, b: Timestamp) -> String {
    let (za, zb) = (a.to_zoned(tz.clone()), b.to_zoned(tz.clone()));
    let end_same_day = zb.date() == za.date()
        || (zb.time() == jiff::civil::Time::midnight()
            && za.date().tomorrow().ok() == Some(zb.date()));
    if end_same_day {
        let end = if zb.date() == za.date() {
            zb.strftime("%H:%M").to_string()
        } else {
            "24:00".to_owned()
        };
        format!("{}–{end}", za.strftime("%a %Y-%m-%d %H:%M"))
    } else {
        format!(
            "{} – {}",
            za.strftime("%a %Y-%m-%d %H:%M"),
            zb.strftime("%a %Y-%m-%d %H:%M")
        )
    }
}

/// `Mon–Fri 09:30–18:30, 18:00–20:00`: the covered hours of a week in a line.
fn describe_week(coverage: &Coverage) -> String {
    let week = coverage.week();
    let mut groups: Vec<(usize, usize, String)> = Vec::new();
    for (i, day) in WEEK.iter().enumerate() {
        let hours: Vec<String> = week.merged(*day).iter().map(ToString::to_string).collect();
        let hours = if hours.is_empty() {
            "closed".to_owned()
        } else {
            hours.join(", ")
        };
        match groups.last_mut() {
            Some((_, end, h)) if *h == hours => *end = i,
            _ => groups.push((i, i, hours)),
        }
    }
    const NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    groups
        .iter()
        .map(|(a, b, h)| {
            if a == b {
                format!("{} {h}", NAMES[*a])
            } else {
                format!("{}–{} {h}", NAMES[*a], NAMES[*b])
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
