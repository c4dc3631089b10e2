//! The stages of `fundflow analyse`, timed one by one with criterion: loading a dataset,
//! computing the findings, writing the outputs (whatever `report::write_outputs` writes:
//! findings.json and tables, and charts and report.html once the build has them); and the
//! concentration kernels on their own; and the CSV loading kernel (100,000 grants), in one
//! pass and in parts. The datasets are made once per run with `fundflow synth` (20,000 and
//! 100,000 grants, a fixed seed) in a temporary folder, so the numbers compare across commits.
//!
//!     cargo bench --bench pipeline
//!
//! End-to-end times against the floor and the pandas reference are scripts/bench.sh's job.

use criterion::{criterion_group, criterion_main, Criterion};
use fundflow::load::{load, DatasetSource, LoadOptions};
use fundflow::measures::stats::{gini, hhi};
use fundflow::synth::{generate, Scale, DEFAULT_SEED};
use std::hint::black_box;
use std::time::Duration;

const GRANTS: &str = "20000";

fn stages(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let data = tmp.path().join("data");
    let scale = Scale::parse(GRANTS).expect("a valid scale");
    generate(scale, DEFAULT_SEED, &data).expect("synth writes the dataset");
    let source = DatasetSource::Path(data);
    let opts = LoadOptions::default();
    let dataset = load(&source, &opts).expect("synth output loads");
    let findings = fundflow::findings::analyse(&dataset, &Default::default());
    let out = tmp.path().join("out");

    let mut g = c.benchmark_group(format!("analyse, {GRANTS} grants"));
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    g.bench_function("load", |b| b.iter(|| load(black_box(&source), &opts)));
    g.bench_function("findings", |b| {
        b.iter(|| fundflow::findings::analyse(black_box(&dataset), &Default::default()))
    });
    g.bench_function("write outputs", |b| {
        b.iter(|| fundflow::report::write_outputs(black_box(&findings), &out))
    });
    g.finish();
}

fn kernels(c: &mut Criterion) {
    // 50,000 recipient totals (the national preset's organisations), heavy-tailed.
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    let totals: Vec<f64> = (0..50_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            1.0 / ((x >> 11) as f64 / (1u64 << 53) as f64 + 1e-3)
        })
        .collect();
    let mut g = c.benchmark_group("concentration, 50,000 recipients");
    g.bench_function("hhi", |b| b.iter(|| hhi(black_box(&totals))));
    g.bench_function("gini", |b| b.iter(|| gini(black_box(&totals))));
    g.finish();
}

/// The CSV loading kernel (issue 19): the records of a 100,000-grant grants.csv read in one
/// pass and in parts on rayon's threads, and the grants file loaded whole (parsed, checked,
/// interned, organisation facts merged) through the public API, which reads it in parts.
fn loading(c: &mut Criterion) {
    use fundflow::load::table::Table;
    use fundflow::load::{load_inputs, GrantsFormat, InputFile, Inputs};
    use rayon::prelude::*;
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let data = tmp.path().join("data");
    let scale = Scale::parse("100000").expect("a valid scale");
    generate(scale, DEFAULT_SEED, &data).expect("synth writes the dataset");
    let text = std::fs::read_to_string(data.join("grants.csv")).expect("grants.csv");
    let table = Table::csv("grants.csv", &text).expect("a CSV table");
    let count = |t: &Table| {
        let mut n = 0_usize;
        t.for_each(|_, _| -> Result<(), Box<fundflow::error::Problem>> {
            n += 1;
            Ok(())
        })
        .map(|()| n)
    };
    let count_in_parts = |t: &Table| {
        let parts = t
            .parts(rayon::current_num_threads() * 4, 1 << 20)
            .unwrap_or_default();
        parts
            .par_iter()
            .map(|p| {
                let mut n = 0_usize;
                t.for_each_in(p, |_, _| -> Result<(), Box<fundflow::error::Problem>> {
                    n += 1;
                    Ok(())
                })
                .map(|()| n)
            })
            .sum::<Result<usize, _>>()
    };
    assert_eq!(count(&table).ok(), count_in_parts(&table).ok());
    // 'static bytes, so each load borrows them rather than copying 30 MB first.
    let bytes: &'static [u8] = Box::leak(text.clone().into_bytes().into_boxed_slice());
    let inputs = Inputs {
        grants: Some((
            InputFile {
                name: "grants.csv".into(),
                bytes: std::borrow::Cow::Borrowed(bytes),
            },
            GrantsFormat::Csv,
        )),
        ..Inputs::default()
    };
    let opts = LoadOptions::default();
    let mut g = c.benchmark_group("grants.csv, 100,000 grants");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    g.bench_function("records, one pass", |b| b.iter(|| count(black_box(&table))));
    g.bench_function("records, in parts", |b| {
        b.iter(|| count_in_parts(black_box(&table)))
    });
    g.bench_function("load grants", |b| {
        b.iter(|| load_inputs(black_box(&inputs), &opts))
    });
    g.finish();
}

criterion_group!(benches, stages, kernels, loading);
criterion_main!(benches);
