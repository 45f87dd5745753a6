/// An amount in Vietnamese đồng. The đồng has no minor unit in use, so amounts are whole numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Vnd(i64);

/// Why a text is not an amount of money.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VndError {
    Empty,
    Negative,
    NotAnInteger,
    TooLarge,
}

impl Vnd {
    /// The largest amount accepted: a trillion đồng per person per month is certainly a typing error.
    pub const MAX: i64 = 1_000_000_000_000;

    pub fn new(amount: i64) -> Result<Vnd, VndError> {
        if amount < 0 {
            Err(VndError::Negative)
        } else if amount > Self::MAX {
            Err(VndError::TooLarge)
        } else {
            Ok(Vnd(amount))
        }
    }

    /// Parses a non-negative whole number of đồng written with plain digits.
    pub fn parse(s: &str) -> Result<Vnd, VndError> {
        Self::parse_bytes(s.trim().as_bytes())
    }

    /// The hot path of the CSV reader: digits only, no allocation.
    pub fn parse_bytes(b: &[u8]) -> Result<Vnd, VndError> {
        let digits = match b {
            [] => return Err(VndError::Empty),
            [b'-', ..] => {
                return if b.len() > 1 && b[1..].iter().all(u8::is_ascii_digit) {
                    Err(VndError::Negative)
                } else {
                    Err(VndError::NotAnInteger)
                };
            }
            [b'+', rest @ ..] => rest,
            _ => b,
        };
        if digits.is_empty() {
            return Err(VndError::NotAnInteger);
        }
        let mut n: i64 = 0;
        for &c in digits {
            if !c.is_ascii_digit() {
                return Err(VndError::NotAnInteger);
            }
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(i64::from(c - b'0')))
                .ok_or(VndError::TooLarge)?;
        }
        Vnd::new(n)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}
