//! The Alkire-Foster multidimensional poverty index, with the measures and names of the `mpitb` toolkit:
//! `H` (headcount ratio), `A` (intensity), `M0` (adjusted headcount ratio), and per indicator `hd`
//! (uncensored headcount), `hdk` (censored headcount), `actb` (absolute contribution) and `pctb`
//! (percentage contribution). A unit is poor at cutoff k when its weighted deprivation score is at least
//! k/100. Pure: the caller feeds observations; sampling weights are optional.

use serde::Deserialize;

/// The indicators and their weights, checked: weights positive and summing to 1.
#[derive(Clone, Debug, PartialEq)]
pub struct MpiSpec {
    /// (indicator column, dimension, weight), in spec order.
    pub indicators: Vec<(String, String, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MpiSpecError {
    Syntax(String),
    NoIndicators,
    /// Explicit weights that do not sum to 1 (the sum is given).
    WeightsSum(f64),
    BadWeight(String),
    DuplicateIndicator(String),
    MissingWeight(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    dimensions: Vec<DimensionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DimensionFile {
    name: String,
    indicators: Vec<String>,
    /// Explicit weights of the indicators, in the same order; nested equal weights when absent.
    #[serde(default)]
    weights: Option<Vec<f64>>,
}

impl MpiSpec {
    /// Reads a spec: `[[dimensions]] name = "…", indicators = [...]`, optional `weights = [...]`. Without
    /// weights anywhere, each of D dimensions weighs 1/D, shared equally by its indicators (nested equal
    /// weights, as mpitb's default). Explicit weights must be given for every dimension and sum to 1.
    pub fn from_toml(text: &str) -> Result<MpiSpec, MpiSpecError> {
        let f: SpecFile = toml::from_str(text).map_err(|e| MpiSpecError::Syntax(e.to_string()))?;
        let dims = f
            .dimensions
            .iter()
            .filter(|d| !d.indicators.is_empty())
            .count();
        if dims == 0 {
            return Err(MpiSpecError::NoIndicators);
        }
        let explicit = f.dimensions.iter().any(|d| d.weights.is_some());
        let mut indicators: Vec<(String, String, f64)> = Vec::new();
        for d in &f.dimensions {
            for (i, ind) in d.indicators.iter().enumerate() {
                if indicators.iter().any(|(x, _, _)| x == ind) {
                    return Err(MpiSpecError::DuplicateIndicator(ind.clone()));
                }
                let w = if explicit {
                    *d.weights
                        .as_ref()
                        .and_then(|w| w.get(i))
                        .ok_or_else(|| MpiSpecError::MissingWeight(ind.clone()))?
                } else {
                    1.0 / dims as f64 / d.indicators.len() as f64
                };
                if !(w > 0.0 && w <= 1.0) {
                    return Err(MpiSpecError::BadWeight(ind.clone()));
                }
                indicators.push((ind.clone(), d.name.clone(), w));
            }
        }
        let sum: f64 = indicators.iter().map(|x| x.2).sum();
        if (sum - 1.0).abs() > 1e-6 {
            return Err(MpiSpecError::WeightsSum(sum));
        }
        Ok(MpiSpec { indicators })
    }
}

/// Running sums for one group of observations at a set of cutoffs.
#[derive(Clone, Debug)]
pub struct MpiAccumulator {
    weights: Vec<f64>,
    cutoffs: Vec<f64>,
    total: f64,
    /// Σ w·g_j
    deprived: Vec<f64>,
    /// per cutoff: Σ w·[poor]
    poor: Vec<f64>,
    /// per cutoff: Σ w·c·[poor]
    score: Vec<f64>,
    /// per cutoff, per indicator: Σ w·g_j·[poor]
    censored: Vec<Vec<f64>>,
}

/// One measure of one group at one cutoff.
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    pub k: u8,
    pub measure: &'static str,
    /// Empty for H, A and M0.
    pub indicator: String,
    pub value: f64,
}

impl MpiAccumulator {
    /// `ks` are the cutoffs in percent (1 to 100).
    pub fn new(spec: &MpiSpec, ks: &[u8]) -> MpiAccumulator {
        let n = spec.indicators.len();
        MpiAccumulator {
            weights: spec.indicators.iter().map(|x| x.2).collect(),
            cutoffs: ks.iter().map(|k| f64::from(*k) / 100.0).collect(),
            total: 0.0,
            deprived: vec![0.0; n],
            poor: vec![0.0; ks.len()],
            score: vec![0.0; ks.len()],
            censored: vec![vec![0.0; n]; ks.len()],
        }
    }

    /// Adds one observation: its sampling weight and, per indicator in spec order, whether it is deprived.
    pub fn add(&mut self, w: f64, g: &[bool]) {
        self.total += w;
        let mut c = 0.0;
        for (j, (&d, &wj)) in g.iter().zip(&self.weights).enumerate() {
            if d {
                self.deprived[j] += w;
                c += wj;
            }
        }
        for (ki, &k) in self.cutoffs.iter().enumerate() {
            // A tolerance, so that three indicators of weight 1/9 make exactly the cutoff 33.33 %.
            if c > 0.0 && c + 1e-9 >= k {
                self.poor[ki] += w;
                self.score[ki] += w * c;
                for (j, &d) in g.iter().enumerate() {
                    if d {
                        self.censored[ki][j] += w;
                    }
                }
            }
        }
    }

    pub fn merge(&mut self, other: &MpiAccumulator) {
        self.total += other.total;
        for (a, b) in self.deprived.iter_mut().zip(&other.deprived) {
            *a += b;
        }
        for ki in 0..self.cutoffs.len() {
            self.poor[ki] += other.poor[ki];
            self.score[ki] += other.score[ki];
            for (a, b) in self.censored[ki].iter_mut().zip(&other.censored[ki]) {
                *a += b;
            }
        }
    }

    /// The measures, in mpitb's order: H, A, M0, then hd, hdk, actb, pctb per indicator.
    pub fn measures(&self, spec: &MpiSpec, ks: &[u8]) -> Vec<Measure> {
        let mut out = Vec::new();
        let n = self.total;
        for (ki, &k) in ks.iter().enumerate() {
            let h = if n > 0.0 { self.poor[ki] / n } else { 0.0 };
            let a = if self.poor[ki] > 0.0 {
                self.score[ki] / self.poor[ki]
            } else {
                0.0
            };
            let m0 = if n > 0.0 { self.score[ki] / n } else { 0.0 };
            let m = |measure, indicator: &str, value| Measure {
                k,
                measure,
                indicator: indicator.to_owned(),
                value,
            };
            out.push(m("H", "", h));
            out.push(m("A", "", a));
            out.push(m("M0", "", m0));
            for (j, (ind, _, w)) in spec.indicators.iter().enumerate() {
                let hd = if n > 0.0 { self.deprived[j] / n } else { 0.0 };
                let hdk = if n > 0.0 {
                    self.censored[ki][j] / n
                } else {
                    0.0
                };
                out.push(m("hd", ind, hd));
                out.push(m("hdk", ind, hdk));
                out.push(m("actb", ind, w * hdk));
                out.push(m("pctb", ind, if m0 > 0.0 { w * hdk / m0 } else { 0.0 }));
            }
        }
        out
    }
}

/// Change of a measure between two years, as Alkire, Roche and Vaz define it (and mpitb's `est_cot` reports
/// the first two): absolute (`to − from`), annualised absolute (÷ years), relative (`(to − from) ÷ from`, in
/// percent) and annualised relative (`((to ÷ from)^(1/years) − 1)`, in percent). The relative changes are
/// undefined when the measure starts at zero.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Change {
    pub absolute: f64,
    pub annualised_absolute: f64,
    pub relative: Option<f64>,
    pub annualised_relative: Option<f64>,
}

pub fn change(from: f64, to: f64, years: f64) -> Change {
    let rel = (from != 0.0).then(|| 100.0 * (to - from) / from);
    let ann_rel = (from > 0.0 && to >= 0.0 && years > 0.0)
        .then(|| 100.0 * ((to / from).powf(1.0 / years) - 1.0));
    Change {
        absolute: to - from,
        annualised_absolute: if years > 0.0 {
            (to - from) / years
        } else {
            0.0
        },
        relative: rel,
        annualised_relative: ann_rel,
    }
}

/// Sums of sampling weights per deprivation pattern (bit j: indicator j). The measures are sums of weights
/// times functions of the pattern, so the rows with one pattern add up to one weighted observation: a row
/// costs an array index instead of a pass over cutoffs and indicators. The sums are exact, in units of
/// 10^-15 (`Decimal::units`): whatever the order rows are added in — however a file is cut into blocks, on
/// however many cores — the measures come out the same to the last digit.
#[derive(Clone, Debug, PartialEq)]
pub struct PatternTally(pub Vec<u128>);

/// The powers of ten that are exact in an f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A weight written in decimal: `digits / 10^scale`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decimal {
    pub digits: u64,
    pub scale: u32,
}

impl Decimal {
    /// The scale of a tally's units: 10^-15.
    pub const UNIT_SCALE: u32 = 15;
    /// Weights below 10^9 are tallied exactly: 10^24 units a row leave room for 10^14 rows in a u128.
    const MAX_UNITS: u128 = 1_000_000_000_000_000_000_000_000;

    /// The value as the nearest f64, which is what `str::parse` gives: one correctly rounded division of
    /// two exact values while `digits` < 2^53 and `scale` ≤ 22.
    pub fn value(self) -> f64 {
        self.digits as f64 / POW10[self.scale.min(22) as usize]
    }

    /// The weight in units of 10^-15, when it is a whole number of them below 10^9.
    #[inline]
    pub fn units(self) -> Option<u128> {
        const POW10_INT: [u64; 16] = [
            1,
            10,
            100,
            1_000,
            10_000,
            100_000,
            1_000_000,
            10_000_000,
            100_000_000,
            1_000_000_000,
            10_000_000_000,
            100_000_000_000,
            1_000_000_000_000,
            10_000_000_000_000,
            100_000_000_000_000,
            1_000_000_000_000_000,
        ];
        let shift = Self::UNIT_SCALE.checked_sub(self.scale)?;
        let u = u128::from(self.digits) * u128::from(POW10_INT[shift as usize]);
        (u < Self::MAX_UNITS).then_some(u)
    }
}

impl PatternTally {
    /// Patterns are counted in an array of 2^n sums when there are at most this many indicators.
    pub const MAX_INDICATORS: usize = 16;

    pub fn new(indicators: usize) -> PatternTally {
        PatternTally(vec![0; 1 << indicators.min(Self::MAX_INDICATORS)])
    }

    pub fn merge(&mut self, other: &PatternTally) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a += b;
        }
    }

    /// Adds each pattern once, with its summed weight, to an accumulator of `indicators` indicators.
    pub fn add_to(&self, acc: &mut MpiAccumulator, indicators: usize) {
        let unit = POW10[Decimal::UNIT_SCALE as usize];
        let mut g = vec![false; indicators];
        for (mask, &units) in self.0.iter().enumerate() {
            if units != 0 {
                for (j, d) in g.iter_mut().enumerate() {
                    *d = mask & (1 << j) != 0;
                }
                acc.add(units as f64 / unit, &g);
            }
        }
    }
}
