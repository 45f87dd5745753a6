//! The one ordered parallel pipeline of the readers of large files (classify, the households import, mpi):
//! blocks of whole records are worked on by one thread per core and handed back to a fold in file order, so
//! memory stays at a few blocks whatever the size of the file, and the first problem in file order is the one
//! a caller reports.
//!
//! The blocks come from a reader thread that keeps two per worker read ahead ([`Reading::Thread`]), or the
//! workers take turns at the reader ([`Reading::Workers`], no reader thread of its own to share the cores
//! with): each takes the next block with its number, hands back the block it finished for refilling (a fresh
//! allocation of a block's size is fresh pages, each faulted in and zeroed by the kernel), works. From a file,
//! [`fold_by_position`] has them read blocks by position instead, each its own, holding no lock while they
//! read; a quote anywhere (or a file that changes size) sends them back to the reader, which cuts blocks in
//! order and knows where a quoted field ends.

use std::collections::BTreeMap;
use std::io::Read;
use std::ops::ControlFlow;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;

use crate::csv_scan::{BlockReader, Positioned, SharedBlocks};

/// One block handed to a worker.
pub struct Block<'a> {
    /// The buffer: its lines are `buf[begin..]`. Mutable so that a reader may pad it past its end while it
    /// reads it (there is room for [`crate::csv_scan::BLOCK_SLACK`] bytes).
    pub buf: &'a mut Vec<u8>,
    pub begin: usize,
    /// Read by position, where no quote was found in it.
    pub quote_free: bool,
}

impl Block<'_> {
    /// The block's whole records.
    pub fn records(&self) -> &[u8] {
        &self.buf[self.begin..]
    }
}

/// The input of a pipeline: the bytes after the header (the rest of the block it was read from, perhaps
/// empty), then the reader's blocks.
pub struct Source<'a, R> {
    pub first: Vec<u8>,
    pub reader: &'a mut BlockReader<R>,
}

/// Who reads the blocks in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The workers, taking turns, each refilling the block it finished: for work that is fast per byte (mpi's
    /// sums), where a reader thread would only take a share of the cores.
    Workers,
    /// A thread of its own, keeping two blocks per worker read ahead: for work that is slow per byte
    /// (classify, the households import), so that a worker never waits for the reader.
    Thread,
}

/// What a pipeline ends with: the fold's value, and the error of a read that stopped it early (the blocks
/// folded are all those before the one that could not be read).
pub struct Folded<A> {
    pub acc: A,
    pub read_error: Option<std::io::Error>,
}

/// Works on every block of `source` on `threads` threads (each with its own `init()` state) and folds the
/// results into `acc` in file order. A fold that breaks stops the reading: no later block is folded.
pub fn fold_in_order<R, S, T, A>(
    source: Source<'_, R>,
    threads: usize,
    reading: Reading,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, Block<'_>) -> T + Sync,
    mut acc: A,
    mut fold: impl FnMut(&mut A, T) -> ControlFlow<()>,
) -> Folded<A>
where
    R: Read + Send,
    T: Send,
{
    let shared = Shared::new(source);
    let mut next = 0;
    shared.stage(
        None,
        reading == Reading::Thread,
        threads,
        &init,
        &work,
        &mut next,
        &mut |t| fold(&mut acc, t),
    );
    Folded {
        acc,
        read_error: shared.into_error(),
    }
}

/// The same, reading the blocks after the first by position from `positional` (the file `source` reads from,
/// from the reader's position on), which needs no lock between the workers. When that finds a quote or a
/// change of size, the fold goes back to its value after the first block and the rest is read in order.
pub fn fold_by_position<R, S, T, A>(
    source: Source<'_, R>,
    positional: &dyn SharedBlocks,
    threads: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, Block<'_>) -> T + Sync,
    mut acc: A,
    mut fold: impl FnMut(&mut A, T) -> ControlFlow<()>,
) -> Folded<A>
where
    R: Read + Send,
    T: Send,
    A: Clone,
{
    let shared = Shared::new(source);
    // The first block is the reader's whatever happens next: folded alone, it is where a fallback starts
    // again from.
    let first = shared
        .source
        .lock()
        .ok()
        .and_then(|mut src| src.first.take());
    if let Some(mut buf) = first {
        let t = work(
            &mut init(),
            Block {
                buf: &mut buf,
                begin: 0,
                quote_free: false,
            },
        );
        if fold(&mut acc, t).is_break() {
            return Folded {
                acc,
                read_error: None,
            };
        }
    }
    if let Ok(mut src) = shared.source.lock() {
        src.seq = 1;
    }
    let after_first = acc.clone();
    let mut next = 1;
    shared.stage(
        Some(positional),
        false,
        threads,
        &init,
        &work,
        &mut next,
        &mut |t| fold(&mut acc, t),
    );
    if shared.quoted.load(Ordering::Relaxed) {
        // The rest again, in order, numbered after the first block.
        acc = after_first;
        shared.stop.store(false, Ordering::Relaxed);
        let mut next = 1;
        shared.stage(None, false, threads, &init, &work, &mut next, &mut |t| {
            fold(&mut acc, t)
        });
    }
    Folded {
        acc,
        read_error: shared.into_error(),
    }
}

struct InOrder<'a, R> {
    reader: &'a mut BlockReader<R>,
    first: Option<Vec<u8>>,
    /// The number of the next block read in order.
    seq: u64,
    error: Option<std::io::Error>,
}

struct Shared<'a, R> {
    source: Mutex<InOrder<'a, R>>,
    /// A block read by position held a quote: the reading by position stops.
    quoted: AtomicBool,
    /// The fold broke: the workers take no more blocks.
    stop: AtomicBool,
}

impl<'a, R: Read + Send> Shared<'a, R> {
    fn new(source: Source<'a, R>) -> Shared<'a, R> {
        Shared {
            source: Mutex::new(InOrder {
                reader: source.reader,
                first: (!source.first.is_empty()).then_some(source.first),
                seq: 0,
                error: None,
            }),
            quoted: AtomicBool::new(false),
            stop: AtomicBool::new(false),
        }
    }

    fn into_error(self) -> Option<std::io::Error> {
        self.source.into_inner().ok().and_then(|src| src.error)
    }

    /// The next block for a worker: its number, buffer, start and whether it is known to hold no quote.
    fn take(
        &self,
        positional: Option<&dyn SharedBlocks>,
        spare: &mut Option<Vec<u8>>,
    ) -> Option<(u64, Vec<u8>, usize, bool)> {
        if self.stop.load(Ordering::Relaxed) {
            return None;
        }
        let first = match self.source.lock() {
            Ok(mut src) => src.first.take().map(|b| {
                src.seq += 1;
                (src.seq - 1, b)
            }),
            Err(_) => return None,
        };
        if let Some((seq, b)) = first {
            return Some((seq, b, 0, false));
        }
        if let Some(blocks) = positional {
            let mut buf = spare.take().unwrap_or_default();
            if self.quoted.load(Ordering::Relaxed) {
                return None;
            }
            return match blocks.next(&mut buf) {
                // After the first block (number 0) the positional ones.
                Ok(Positioned::Block { index, begin }) => Some((index + 1, buf, begin, true)),
                Ok(Positioned::InOrder) => {
                    self.quoted.store(true, Ordering::Relaxed);
                    None
                }
                Ok(Positioned::Done) => None,
                Err(e) => {
                    if let Ok(mut src) = self.source.lock() {
                        src.error.get_or_insert(e);
                    }
                    None
                }
            };
        }
        self.next_in_order(spare.take())
            .map(|(seq, b)| (seq, b, 0, false))
    }

    /// The next block of the reader in order, after handing it back a finished one.
    fn next_in_order(&self, spare: Option<Vec<u8>>) -> Option<(u64, Vec<u8>)> {
        let mut src = self.source.lock().ok()?;
        if let Some(b) = src.first.take() {
            src.seq += 1;
            return Some((src.seq - 1, b));
        }
        if let Some(b) = spare {
            src.reader.recycle(b);
        }
        if src.error.is_some() {
            return None;
        }
        match src.reader.next_block() {
            Ok(Some(b)) => {
                src.seq += 1;
                Some((src.seq - 1, b))
            }
            Ok(None) => None,
            Err(e) => {
                src.error = Some(e);
                None
            }
        }
    }

    /// Runs the workers until the blocks run out, folding from block `next` on; only the blocks that came
    /// early wait in memory. With `feeder`, a thread of its own reads the blocks in order.
    #[allow(clippy::too_many_arguments)]
    fn stage<S, T: Send>(
        &self,
        positional: Option<&dyn SharedBlocks>,
        feeder: bool,
        threads: usize,
        init: &(impl Fn() -> S + Sync),
        work: &(impl Fn(&mut S, Block<'_>) -> T + Sync),
        next: &mut u64,
        fold: &mut dyn FnMut(T) -> ControlFlow<()>,
    ) {
        let threads = threads.max(1);
        let mut early: BTreeMap<u64, T> = BTreeMap::new();
        let (work_tx, work_rx) = sync_channel::<(u64, Vec<u8>)>(threads * 2);
        let work_rx = Mutex::new(work_rx);
        let queue = feeder.then_some(&work_rx);
        std::thread::scope(|s| {
            if feeder {
                s.spawn(move || {
                    while !self.stop.load(Ordering::Relaxed) {
                        let Some(block) = self.next_in_order(None) else {
                            break;
                        };
                        if work_tx.send(block).is_err() {
                            break;
                        }
                    }
                });
            } else {
                drop(work_tx);
            }
            let (done_tx, done_rx) = sync_channel::<(u64, T)>(threads * 2);
            for _ in 0..threads {
                let done_tx = done_tx.clone();
                s.spawn(move || {
                    let mut state = init();
                    let mut spare: Option<Vec<u8>> = None;
                    loop {
                        let (seq, mut buf, begin, quote_free) = match queue {
                            Some(rx) => {
                                let next = match rx.lock() {
                                    Ok(rx) => rx.recv(),
                                    Err(_) => return,
                                };
                                let Ok((seq, buf)) = next else { return };
                                // After a break the queue is emptied, not worked on, so that the reader
                                // thread sees the break instead of waiting for room.
                                if self.stop.load(Ordering::Relaxed) {
                                    continue;
                                }
                                (seq, buf, 0, false)
                            }
                            None => match self.take(positional, &mut spare) {
                                Some(next) => next,
                                None => return,
                            },
                        };
                        let t = work(
                            &mut state,
                            Block {
                                buf: &mut buf,
                                begin,
                                quote_free,
                            },
                        );
                        if queue.is_none() {
                            spare = Some(buf);
                        }
                        if done_tx.send((seq, t)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(done_tx);
            // After a break, the results still coming are drained so that no worker waits on a full channel.
            for (seq, t) in done_rx.iter() {
                if self.stop.load(Ordering::Relaxed) {
                    continue;
                }
                early.insert(seq, t);
                while let Some(t) = early.remove(next) {
                    *next += 1;
                    if fold(t).is_break() {
                        self.stop.store(true, Ordering::Relaxed);
                        early.clear();
                        break;
                    }
                }
            }
        });
    }
}
