//! Benchmark: reading one household's full history (residences, members, events, reviews).
//!
//! `cargo run --release -p giamngheo-store --example history_latency -- DB [SAMPLES]` opens the registry, picks
//! SAMPLES households spread over the whole registry, reads each history once to warm the cache, then again,
//! timing every read, and prints the percentiles. Used by `bench/registry.sh`.

use std::time::Instant;

use giamngheo_store::Store;

fn main() {
    let mut args = std::env::args().skip(1);
    let db = args.next().unwrap_or_else(|| "giamngheo.db".into());
    let samples: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let mut store = Store::open(&db).unwrap_or_else(|e| panic!("open {db}: {e:?}"));
    let codes: Vec<String> = store
        .conn()
        .query("SELECT code FROM household ORDER BY id", &[])
        .unwrap_or_else(|e| panic!("{e:?}"))
        .into_iter()
        .filter_map(|r| r[0].text().map(str::to_owned))
        .collect();
    assert!(!codes.is_empty(), "no households in {db}");
    // A fixed stride through the registry: the same sample on every run.
    let step = (codes.len() / samples.max(1)).max(1);
    let picked: Vec<&String> = codes.iter().step_by(step).take(samples).collect();
    let mut rows = 0usize;
    for c in &picked {
        let h = store
            .household_history(c)
            .unwrap_or_else(|e| panic!("{c}: {e:?}"));
        rows += h.members.len() + h.residences.len() + h.events.len() + h.reviews.len();
    }
    let mut times = Vec::with_capacity(picked.len());
    for c in &picked {
        let t = Instant::now();
        let h = store
            .household_history(c)
            .unwrap_or_else(|e| panic!("{c}: {e:?}"));
        times.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(h);
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "households={} samples={} rows_per_history={:.1} p50_ms={:.3} p90_ms={:.3} p99_ms={:.3} max_ms={:.3}",
        codes.len(),
        times.len(),
        rows as f64 / picked.len() as f64,
        pct(0.5),
        pct(0.9),
        pct(0.99),
        times[times.len() - 1]
    );
}
