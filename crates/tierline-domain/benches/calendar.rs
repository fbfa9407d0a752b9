//! `Calendar::add` and `between` against the naive minute-stepping reference, in one run.
//!
//! The calendar is the one the issue names: Kyiv business hours with ten years of holidays.
//! Starts are spread over two years (so queries land in many compiled chunks) and each due time
//! falls up to 30 days after its start. Run with `cargo bench -p tierline-domain --bench calendar`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark's setup may panic"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use tierline_domain::Calendar;
use tierline_domain::calendar::{Coverage, reference};

/// Ukrainian-style fixed public holidays, 2020–2029.
fn calendar() -> Calendar {
    let mut holidays = Vec::new();
    for y in 2020..2030 {
        for (m, d) in [
            (1, 1),
            (1, 7),
            (3, 8),
            (5, 1),
            (5, 9),
            (6, 28),
            (7, 15),
            (8, 24),
            (10, 1),
            (12, 25),
        ] {
            holidays.push(date(y, m, d));
        }
    }
    Calendar::builder(Calendar::time_zone("Europe/Kyiv").unwrap())
        .week("base".parse::<Coverage>().unwrap().week())
        .holidays(holidays)
        .build()
        .unwrap()
}

/// A small deterministic generator, so every run times the same inputs.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// (start, covered time) pairs whose due time falls at most 30 calendar days after the start;
/// whole minutes, so that the reference answers exactly the same.
fn inputs(cal: &Calendar, n: usize) -> Vec<(Timestamp, SignedDuration)> {
    let origin: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    (0..n)
        .map(|_| {
            let start = origin + SignedDuration::from_mins(rng.below(2 * 365 * 1440).cast_signed());
            let end = start + SignedDuration::from_mins(rng.below(30 * 1440).cast_signed());
            (start, cal.between(start, end).unwrap())
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let cal = calendar();
    let many = inputs(&cal, 4096);
    let few = &many[..8];

    let mut g = c.benchmark_group("add, due within 30 days, 10 years of holidays");
    g.throughput(Throughput::Elements(many.len() as u64));
    g.bench_function("tierline", |b| {
        b.iter(|| {
            for &(s, d) in &many {
                black_box(cal.add(black_box(s), black_box(d)).unwrap());
            }
        });
    });
    g.throughput(Throughput::Elements(few.len() as u64));
    g.sample_size(10);
    g.bench_function("naive minute-stepping", |b| {
        b.iter(|| {
            for &(s, d) in few {
                black_box(reference::add(&cal, black_box(s), d.as_mins()).unwrap());
            }
        });
    });
    g.finish();

    // The same answers, or the comparison means nothing.
    for &(s, d) in few {
        assert_eq!(
            Some(cal.add(s, d).unwrap()),
            reference::add(&cal, s, d.as_mins())
        );
    }

    let mut g = c.benchmark_group("add, 30 days of covered time (about 80 calendar weeks)");
    let long: Vec<_> = many
        .iter()
        .map(|&(s, _)| (s, SignedDuration::from_hours(30 * 24)))
        .collect();
    g.throughput(Throughput::Elements(long.len() as u64));
    g.bench_function("tierline", |b| {
        b.iter(|| {
            for &(s, d) in &long {
                black_box(cal.add(black_box(s), d).unwrap());
            }
        });
    });
    g.finish();

    let mut g = c.benchmark_group("between, spans up to 30 days");
    let spans: Vec<_> = many
        .iter()
        .map(|&(s, d)| (s, cal.add(s, d).unwrap()))
        .collect();
    g.throughput(Throughput::Elements(spans.len() as u64));
    g.bench_function("tierline", |b| {
        b.iter(|| {
            for &(a, z) in &spans {
                black_box(cal.between(black_box(a), black_box(z)).unwrap());
            }
        });
    });
    g.finish();

    let mut g = c.benchmark_group("first query on a new calendar (compiles one chunk)");
    g.bench_function("tierline", |b| {
        let (s, d) = many[0];
        b.iter(|| {
            let fresh = calendar();
            black_box(fresh.add(s, d).unwrap());
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
