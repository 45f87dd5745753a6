//! The ordered parallel pipeline: results come back in file order whatever thread finished first, a fold that
//! breaks sees nothing after, and reading by position falls back to reading in order at a quote.

use std::ops::ControlFlow;

use giamngheo_formats::blocks::{Block, Reading, Source, fold_by_position, fold_in_order};
use giamngheo_formats::csv_scan::{BlockReader, PositionalBlocks};

/// Lines of different lengths, so that tiny blocks end at different places in them.
fn lines(n: usize) -> String {
    (0..n)
        .map(|i| format!("{i},{}\n", "x".repeat(i % 7)))
        .collect()
}

/// The block's records, after a pause that makes the later blocks of other threads finish first.
fn slow_copy(_: &mut (), b: Block<'_>) -> Vec<u8> {
    if b.records().first() == Some(&b'1') {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    b.records().to_vec()
}

#[test]
fn results_are_folded_in_file_order() {
    let text = lines(500);
    for (threads, reading) in [1, 2, 5]
        .into_iter()
        .flat_map(|t| [(t, Reading::Workers), (t, Reading::Thread)])
    {
        let mut reader = BlockReader::new(text.as_bytes(), 16);
        let first = reader.next_block().unwrap().unwrap();
        let folded = fold_in_order(
            Source {
                first,
                reader: &mut reader,
            },
            threads,
            reading,
            || (),
            slow_copy,
            (Vec::new(), 0),
            |(out, n): &mut (Vec<u8>, usize), part| {
                out.extend_from_slice(&part);
                *n += 1;
                ControlFlow::Continue(())
            },
        );
        assert!(folded.read_error.is_none());
        let (out, blocks) = folded.acc;
        assert_eq!(
            String::from_utf8(out).unwrap(),
            text,
            "{threads} threads, {reading:?}"
        );
        assert!(blocks > 100, "the input was cut into many blocks: {blocks}");
    }
}

#[test]
fn a_fold_that_breaks_sees_nothing_after() {
    let text = lines(500);
    for reading in [Reading::Workers, Reading::Thread] {
        let mut reader = BlockReader::new(text.as_bytes(), 16);
        let folded = fold_in_order(
            Source {
                first: Vec::new(),
                reader: &mut reader,
            },
            3,
            reading,
            || (),
            slow_copy,
            Vec::new(),
            |seen: &mut Vec<Vec<u8>>, part| {
                seen.push(part);
                if seen.len() == 10 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        let seen = folded.acc;
        assert_eq!(seen.len(), 10);
        assert!(text.as_bytes().starts_with(&seen.concat()));
    }
}

#[test]
fn each_worker_keeps_its_own_state() {
    let text = lines(300);
    let mut reader = BlockReader::new(text.as_bytes(), 32);
    let folded = fold_in_order(
        Source {
            first: Vec::new(),
            reader: &mut reader,
        },
        4,
        Reading::Workers,
        || 0u64,
        |done: &mut u64, b| {
            *done += 1;
            (*done, b.records().len())
        },
        (0usize, 0usize, 0usize),
        |(bytes, blocks, firsts), (done, len)| {
            *bytes += len;
            *blocks += 1;
            *firsts += usize::from(done == 1);
            ControlFlow::Continue(())
        },
    );
    let (bytes, blocks, firsts) = folded.acc;
    assert_eq!(bytes, text.len());
    // A state made once per worker, not once per block: at most four blocks were a worker's first.
    assert!(
        blocks > 20 && firsts <= 4,
        "{blocks} blocks, {firsts} first"
    );
}

#[cfg(unix)]
#[test]
fn reading_by_position_gives_the_same_and_falls_back_at_a_quote() {
    let dir = std::env::temp_dir().join(format!("giamngheo-blocks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plain = lines(2000);
    // A quoted field holding a line break, far into the file: the blocks by position cannot be trusted.
    let quoted = format!("{}\"a\nb\",1\n{}", lines(1000), lines(1000));
    for (name, text) in [("plain.csv", &plain), ("quoted.csv", &quoted)] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let mut reader = BlockReader::new(file.try_clone().unwrap(), 64);
        let first = reader.next_block().unwrap().unwrap();
        let blocks = PositionalBlocks::new(file, reader.position(), 64).unwrap();
        let folded = fold_by_position(
            Source {
                first,
                reader: &mut reader,
            },
            &blocks,
            3,
            || (),
            |_, b| (b.quote_free, b.records().to_vec()),
            (Vec::new(), 0usize),
            |(out, by_position): &mut (Vec<u8>, usize), (quote_free, part)| {
                out.extend_from_slice(&part);
                *by_position += usize::from(quote_free);
                ControlFlow::Continue(())
            },
        );
        assert!(folded.read_error.is_none());
        let (out, by_position) = folded.acc;
        assert_eq!(String::from_utf8(out).unwrap(), *text, "{name}");
        if name == "plain.csv" {
            assert!(by_position > 10, "read by position: {by_position}");
        } else {
            assert_eq!(by_position, 0, "the blocks read by position were forgotten");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
