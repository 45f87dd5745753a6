//! The fast reader of a plain CSV of 0/1 indicators, the input of `giamngheo mpi`: a plan made once from the
//! header, then each line read by it, short fields and runs of up to four indicators a word (8 bytes) at a
//! time, with no branch on their bytes. Plain means: no quotes, subgroup values in ASCII without surrounding
//! spaces, indicators written `0` or `1`, weights written as digits with at most one point, lines ending in
//! `\n`. The first thing outside that gives the block back to the caller's general reader, which reads any
//! file and names any problem; both give the same sums.

use giamngheo_core::mpi::{Decimal, PatternTally};

/// What a column of the file feeds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Role {
    /// Indicator j of the spec.
    Indicator(usize),
    Weight,
    /// The i-th subgroup column.
    Group(usize),
}

/// Zero bytes appended after a block while it is read, so that a word read at any field start stays in the
/// buffer; a zero byte is neither a delimiter nor a digit, so it never passes for data.
const PAD: usize = 8;

/// Multiplying the word of four 0/1 bytes (at bits 0, 16, 32 and 48) by this moves them to bits 48 to 51,
/// each term landing on a bit of its own, so no carry mixes them.
const QUAD_GATHER: u64 = (1 << 48) | (1 << 33) | (1 << 18) | (1 << 3);
const EVEN_BYTES: u64 = 0x00FF_00FF_00FF_00FF;
const ODD_BYTES: u64 = 0xFF00_FF00_FF00_FF00;

enum Op {
    /// A field that is not an indicator in a run: its role, if any, and the byte that must end it.
    Field { role: Option<Role>, delim: u8 },
    /// One to four indicators in a row, "d,d,d,d," (or ending in "\n"), read as one word: its width in
    /// bytes, the bytes that count, the delimiters expected at the odd bytes, and for each 4-bit value
    /// read, the indicators' bits it sets.
    Word {
        width: usize,
        care: u64,
        delims: u64,
        bits: [usize; 16],
    },
}

/// How to read one line of a given header.
pub struct Plan {
    ops: Vec<Op>,
    indicators: usize,
    groups: usize,
}

/// The sums of one block: the whole population's, each subgroup column's by value, and the lines read.
pub struct Sums {
    pub total: PatternTally,
    pub groups: Vec<Groups>,
    pub records: u64,
}

/// The tallies of one subgroup column's values, few in practice. A value of up to 7 bytes is also packed
/// with its length into one integer and found through a small hashed table, so the usual few values cost
/// one comparison whichever comes; a longer value, or one whose slot another took, is searched for in the
/// list.
#[derive(Clone)]
pub struct Groups {
    pub list: Vec<(Vec<u8>, PatternTally)>,
    /// (packed value, index into `list` plus one); index zero: an empty slot.
    slots: [(u64, usize); GROUP_SLOTS],
}

const GROUP_SLOTS: usize = 64;

/// A weight of 1 in a tally's units.
const ONE: u128 = 1_000_000_000_000_000;

/// No packed value has all bits set: its top byte is a length of at most 7.
const UNPACKED: u64 = u64::MAX;

impl Groups {
    fn new() -> Groups {
        Groups {
            list: Vec::new(),
            slots: [(UNPACKED, 0); GROUP_SLOTS],
        }
    }

    #[inline]
    fn entry(&mut self, key: &[u8], packed: u64, indicators: usize) -> &mut PatternTally {
        let slot = (packed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize;
        let (k, i) = self.slots[slot];
        if k == packed && packed != UNPACKED {
            return &mut self.list[i - 1].1;
        }
        let i = match self.list.iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                self.list
                    .push((key.to_vec(), PatternTally::new(indicators)));
                self.list.len() - 1
            }
        };
        if packed != UNPACKED && self.slots[slot].1 == 0 {
            self.slots[slot] = (packed, i + 1);
        }
        &mut self.list[i].1
    }
}

impl Plan {
    /// The plan for a header whose columns have these roles; `None` when a column has two roles or there
    /// are more indicators than a tally holds (the general reader then takes every block).
    pub fn new(roles: &[Vec<Role>]) -> Option<Plan> {
        let one: Vec<Option<Role>> = roles
            .iter()
            .map(|r| match r.as_slice() {
                [] => Some(None),
                [one] => Some(Some(*one)),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let mut indicators = 0;
        let mut groups = 0;
        for r in one.iter().flatten() {
            match *r {
                Role::Indicator(j) => indicators = indicators.max(j + 1),
                Role::Group(g) => groups = groups.max(g + 1),
                Role::Weight => {}
            }
        }
        if indicators > PatternTally::MAX_INDICATORS {
            return None;
        }
        let last = one.len().checked_sub(1)?;
        let delim = |c: usize| if c == last { b'\n' } else { b',' };
        let mut ops = Vec::new();
        let mut c = 0;
        while c < one.len() {
            let run = one[c..]
                .iter()
                .take(4)
                .take_while(|r| matches!(r, Some(Role::Indicator(_))))
                .count();
            if run == 0 {
                ops.push(Op::Field {
                    role: one[c],
                    delim: delim(c),
                });
                c += 1;
                continue;
            }
            let mut bits = [0usize; 16];
            for (v, b) in bits.iter_mut().enumerate() {
                for i in 0..run {
                    if v & (1 << i) != 0
                        && let Some(Role::Indicator(j)) = one[c + i]
                    {
                        *b |= 1 << j;
                    }
                }
            }
            let mut delims = 0u64;
            for i in 0..run {
                delims |= u64::from(delim(c + i)) << (16 * i + 8);
            }
            let width = 2 * run;
            ops.push(Op::Word {
                width,
                care: if width == 8 {
                    u64::MAX
                } else {
                    low_bytes(width)
                },
                delims,
                bits,
            });
            c += run;
        }
        Some(Plan {
            ops,
            indicators,
            groups,
        })
    }

    /// Empty sums for this plan.
    pub fn sums(&self) -> Sums {
        Sums {
            total: PatternTally::new(self.indicators),
            groups: vec![Groups::new(); self.groups],
            records: 0,
        }
    }

    /// The sums of the whole lines in `block[begin..]`, or `None` at the first thing the plan does not
    /// expect (a quote among them). The block is padded while it is read and given back as it was.
    pub fn sum(&self, block: &mut Vec<u8>, begin: usize) -> Option<Sums> {
        if crate::csv_scan::has_quote(&block[begin..]) {
            return None;
        }
        self.sum_quote_free(block, begin)
    }

    /// As `sum`, for lines the caller has already found to hold no quote.
    pub fn sum_quote_free(&self, block: &mut Vec<u8>, begin: usize) -> Option<Sums> {
        // Bytes that are not UTF-8 in a column the plan skips would pass here and be refused by the
        // general reader: such a block is the general reader's, so the answer never depends on the path.
        if std::str::from_utf8(&block[begin..]).is_err() {
            return None;
        }
        let n = block.len();
        block.extend_from_slice(&[0; PAD]);
        let sums = self.sum_padded(&block[begin..], n - begin);
        block.truncate(n);
        sums
    }

    fn sum_padded(&self, buf: &[u8], n: usize) -> Option<Sums> {
        let mut s = self.sums();
        let mut packed = vec![UNPACKED; self.groups];
        let mut keys = vec![(0usize, 0usize); self.groups];
        let mut p = 0;
        while p < n {
            // Weights in units of 10^-15 (exact sums); no weight column: each line weighs 1.
            let (mut mask, mut w) = (0usize, ONE);
            for op in &self.ops {
                // In the buffer: every step ends at or before a delimiter, which lies before `n` (the padding
                // holds none), so `p` never passes `n` and the word reaches at most into the padding.
                let x = u64::from_le_bytes(buf.get(p..p + 8)?.try_into().ok()?);
                match op {
                    Op::Word {
                        width,
                        care,
                        delims,
                        bits,
                    } => {
                        let d = (x & care & EVEN_BYTES) ^ (0x0030_0030_0030_0030 & care);
                        if x & care & ODD_BYTES != *delims || d & 0x00FE_00FE_00FE_00FE != 0 {
                            return None;
                        }
                        mask |= bits[((d.wrapping_mul(QUAD_GATHER) >> 48) & 0xF) as usize];
                        p += width;
                    }
                    Op::Field { role, delim } => {
                        let len = field_len(buf, p, n, x, *delim)?;
                        match role {
                            Some(Role::Weight) if len < 8 => w = word_weight(x, len)?.units()?,
                            Some(Role::Weight) => w = plain_weight(&buf[p..p + len])?.units()?,
                            Some(Role::Group(g)) => {
                                if len == 0 || !plain_value(&buf[p..p + len]) {
                                    return None;
                                }
                                packed[*g] = if len < 8 {
                                    (x & low_bytes(len)) | ((len as u64) << 56)
                                } else {
                                    UNPACKED
                                };
                                keys[*g] = (p, len);
                            }
                            _ => {}
                        }
                        p += len + 1;
                    }
                }
            }
            s.records += 1;
            if self.groups == 0 {
                s.total.0[mask] += w;
            }
            for (g, &(at, len)) in keys.iter().enumerate() {
                s.groups[g]
                    .entry(&buf[at..at + len], packed[g], self.indicators)
                    .0[mask] += w;
            }
        }
        // Every line is in one group of the first subgroup column: the population's sums are theirs.
        if let Some(first) = s.groups.first() {
            for (_, t) in &first.list {
                s.total.merge(t);
            }
        }
        Some(s)
    }
}

/// The length of the field at `p` (whose first 8 bytes are `x`), which must end with `delim` before `n`.
#[inline]
fn field_len(buf: &[u8], p: usize, n: usize, x: u64, delim: u8) -> Option<usize> {
    let ends = byte_positions(x, b',') | byte_positions(x, b'\n');
    let len = if ends != 0 {
        (ends.trailing_zeros() / 8) as usize
    } else {
        8 + buf
            .get(p + 8..n)?
            .iter()
            .position(|&b| b == b',' || b == b'\n')?
    };
    (buf[p + len] == delim).then_some(len)
}

/// A subgroup value the fast readers take as it is: ASCII, with no space or control byte at either end
/// (which the general reader would trim).
pub fn plain_value(b: &[u8]) -> bool {
    b.is_ascii() && b.first().is_none_or(|&c| c > b' ') && b.last().is_none_or(|&c| c > b' ')
}

/// A mask of the low `len` bytes of a word (`len` < 8).
fn low_bytes(len: usize) -> u64 {
    (1u64 << (8 * len)) - 1
}

/// The high bit of the lowest byte of `x` equal to `b` is set, and no bit below it (bytes above it may be
/// marked falsely; only the lowest mark is read).
fn byte_positions(x: u64, b: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let v = x ^ (ONES * u64::from(b));
    v.wrapping_sub(ONES) & !v & (ONES << 7)
}

/// A weight in the low `len` bytes of `x` (`len` < 8), written plainly: digits and at most one point. The
/// point is taken out and the digits read eight at a time (Lemire's method), with no branch on their bytes.
pub fn word_weight(x: u64, len: usize) -> Option<Decimal> {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let field = x & low_bytes(len);
    // The masked-off bytes are zero, not a point, so only a point of the field is marked.
    let point = byte_positions(field, b'.');
    let (digits, n, scale) = if point != 0 {
        let d = (point.trailing_zeros() / 8) as usize;
        let joined = (field & low_bytes(d)) | ((field >> (8 * (d + 1))) << (8 * d));
        (joined, len - 1, len - 1 - d)
    } else {
        (field, len, 0)
    };
    if n == 0 {
        return None;
    }
    // The lowest byte is read as the first digit: the digits move to the high bytes, '0's fill the low ones.
    let t = (digits << (8 * (8 - n))) | (ZEROS & low_bytes(8 - n));
    // Every byte a digit: no high bit, none above '9', none below '0' (a second point included).
    if t & 0x8080_8080_8080_8080 != 0
        || ((t + 0x4646_4646_4646_4646) | t.wrapping_sub(ZEROS)) & 0x8080_8080_8080_8080 != 0
    {
        return None;
    }
    let mut v = t - ZEROS;
    v = (v * 10 + (v >> 8)) & 0x00FF_00FF_00FF_00FF;
    v = (v * 100 + (v >> 16)) & 0x0000_FFFF_0000_FFFF;
    v = (v * 10000 + (v >> 32)) & 0xFFFF_FFFF;
    Some(Decimal {
        digits: v,
        scale: scale as u32,
    })
}

/// A weight written plainly, of any length up to 15 digits: digits and at most one point; anything else
/// `None`.
pub fn plain_weight(f: &[u8]) -> Option<Decimal> {
    let (mut m, mut scale, mut dot, mut digits) = (0u64, 0usize, false, 0);
    for &b in f {
        match b {
            b'0'..=b'9' => {
                if digits == 15 {
                    return None;
                }
                m = m * 10 + u64::from(b - b'0');
                digits += 1;
                scale += usize::from(dot);
            }
            b'.' if !dot => dot = true,
            _ => return None,
        }
    }
    (digits > 0).then_some(Decimal {
        digits: m,
        scale: scale as u32,
    })
}
