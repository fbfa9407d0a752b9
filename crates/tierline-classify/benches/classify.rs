//! Classifying one request, and training the shipped classifier.
//! Run with `cargo bench -p tierline-classify --bench classify`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark's setup may panic"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tierline_classify::{Classifier, default_rules, parse_examples};

fn bench(c: &mut Criterion) {
    let examples = parse_examples(tierline_classify::TEAM_SET).unwrap();
    let classifier = Classifier::shipped().unwrap();
    let mut g = c.benchmark_group("classify");
    g.throughput(Throughput::Elements(examples.len() as u64));
    g.bench_function("every request of the team's set, one at a time", |b| {
        b.iter(|| {
            for e in &examples {
                black_box(classifier.classify(black_box(&e.subject), black_box(&e.body)));
            }
        });
    });
    g.finish();
    let mut g = c.benchmark_group("train");
    g.sample_size(10);
    g.bench_function("the shipped classifier from the team's set", |b| {
        b.iter(|| black_box(Classifier::train(&examples, default_rules())));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
