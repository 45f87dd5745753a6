//! The indicator rule language: how a standard file says when a household is deprived on an indicator.
//!
//! A rule is one line of text, read once when the standard is loaded and then evaluated as a small tree:
//!
//! ```text
//! any member where age >= 6 and not health_insurance
//! no member where in_school
//! household where water_source not in [piped, borehole, protected_well]
//! more than 50% of members where age < 16 or monthly_allowance
//! ```
//!
//! A rule given as a list of lines is deprived when any line holds. Fields are the survey answers of
//! [`crate::facts`]; a misspelled field or value is an error at load time, naming the indicator, so a
//! standard that loads can always be evaluated.

use crate::facts::{
    Education, Employment, HouseholdFacts, Latrine, Material, MemberFacts, Sex, Waste, WaterSource,
};

/// A field a rule may test, with the scope it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    // Member fields.
    Age,
    BirthYear,
    Sex,
    InSchool,
    Education,
    HealthInsurance,
    Employment,
    OnTheJobTraining,
    Disability,
    MonthlyAllowance,
    SickUntreated,
    Malnourished,
    // Household fields.
    Members,
    FloorArea,
    FloorAreaPerPerson,
    Walls,
    Columns,
    Roof,
    NonDurableParts,
    WaterSource,
    Latrine,
    Waste,
    UsesPhone,
    UsesInternet,
    Tv,
    Radio,
    Computer,
    Smartphone,
    Tablet,
    Loudspeaker,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Number,
    Bool,
    Choice(&'static [&'static str]),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Member,
    Household,
}

const FIELDS: &[(&str, Field, Scope, FieldType)] = {
    use Field as F;
    use FieldType::*;
    use Scope::*;
    &[
        ("age", F::Age, Member, Number),
        ("birth_year", F::BirthYear, Member, Number),
        ("sex", F::Sex, Member, Choice(Sex::CODES)),
        ("in_school", F::InSchool, Member, Bool),
        ("education", F::Education, Member, Choice(Education::CODES)),
        ("health_insurance", F::HealthInsurance, Member, Bool),
        (
            "employment",
            F::Employment,
            Member,
            Choice(Employment::CODES),
        ),
        ("on_the_job_training", F::OnTheJobTraining, Member, Bool),
        ("disability", F::Disability, Member, Bool),
        ("monthly_allowance", F::MonthlyAllowance, Member, Bool),
        ("sick_untreated", F::SickUntreated, Member, Bool),
        ("malnourished", F::Malnourished, Member, Bool),
        ("members", F::Members, Household, Number),
        ("floor_area", F::FloorArea, Household, Number),
        (
            "floor_area_per_person",
            F::FloorAreaPerPerson,
            Household,
            Number,
        ),
        ("walls", F::Walls, Household, Choice(Material::CODES)),
        ("columns", F::Columns, Household, Choice(Material::CODES)),
        ("roof", F::Roof, Household, Choice(Material::CODES)),
        ("non_durable_parts", F::NonDurableParts, Household, Number),
        (
            "water_source",
            F::WaterSource,
            Household,
            Choice(WaterSource::CODES),
        ),
        ("latrine", F::Latrine, Household, Choice(Latrine::CODES)),
        ("waste", F::Waste, Household, Choice(Waste::CODES)),
        ("uses_phone", F::UsesPhone, Household, Bool),
        ("uses_internet", F::UsesInternet, Household, Bool),
        ("tv", F::Tv, Household, Bool),
        ("radio", F::Radio, Household, Bool),
        ("computer", F::Computer, Household, Bool),
        ("smartphone", F::Smartphone, Household, Bool),
        ("tablet", F::Tablet, Household, Bool),
        ("loudspeaker", F::Loudspeaker, Household, Bool),
    ]
};

impl Field {
    /// The names of the fields of one scope, for error messages and documentation.
    pub fn names(scope: Scope) -> impl Iterator<Item = &'static str> {
        FIELDS.iter().filter(move |f| f.2 == scope).map(|f| f.0)
    }

    fn lookup(name: &str) -> Option<(Field, Scope, FieldType)> {
        FIELDS.iter().find(|f| f.0 == name).map(|f| (f.1, f.2, f.3))
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Value {
    Number(f64),
    Bool(bool),
    Choice(u8),
}

fn member_value(field: Field, m: &MemberFacts) -> Value {
    match field {
        Field::Age => Value::Number(f64::from(m.age)),
        Field::BirthYear => Value::Number(f64::from(m.birth_year)),
        Field::Sex => Value::Choice(m.sex.ordinal()),
        Field::InSchool => Value::Bool(m.in_school),
        Field::Education => Value::Choice(m.education.ordinal()),
        Field::HealthInsurance => Value::Bool(m.health_insurance),
        Field::Employment => Value::Choice(m.employment.ordinal()),
        Field::OnTheJobTraining => Value::Bool(m.on_the_job_training),
        Field::Disability => Value::Bool(m.disability),
        Field::MonthlyAllowance => Value::Bool(m.monthly_allowance),
        Field::SickUntreated => Value::Bool(m.sick_untreated),
        Field::Malnourished => Value::Bool(m.malnourished),
        // The parser only lets member fields into member expressions.
        _ => Value::Bool(false),
    }
}

fn household_value(field: Field, h: &HouseholdFacts) -> Value {
    match field {
        Field::Members => Value::Number(h.members.len() as f64),
        Field::FloorArea => Value::Number(h.floor_area),
        Field::FloorAreaPerPerson => Value::Number(h.floor_area_per_person()),
        Field::Walls => Value::Choice(h.walls.ordinal()),
        Field::Columns => Value::Choice(h.columns.ordinal()),
        Field::Roof => Value::Choice(h.roof.ordinal()),
        Field::NonDurableParts => Value::Number(f64::from(h.non_durable_parts())),
        Field::WaterSource => Value::Choice(h.water_source.ordinal()),
        Field::Latrine => Value::Choice(h.latrine.ordinal()),
        Field::Waste => Value::Choice(h.waste.ordinal()),
        Field::UsesPhone => Value::Bool(h.uses_phone),
        Field::UsesInternet => Value::Bool(h.uses_internet),
        Field::Tv => Value::Bool(h.tv),
        Field::Radio => Value::Bool(h.radio),
        Field::Computer => Value::Bool(h.computer),
        Field::Smartphone => Value::Bool(h.smartphone),
        Field::Tablet => Value::Bool(h.tablet),
        Field::Loudspeaker => Value::Bool(h.loudspeaker),
        _ => Value::Bool(false),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A condition over one member or over the household.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    IsTrue(Field),
    Compare(Field, CmpOp, f64),
    /// The field's value is one of the set (a bit per choice ordinal).
    OneOf(Field, u32),
}

impl Expr {
    fn eval(&self, get: &dyn Fn(Field) -> Value) -> bool {
        match self {
            Expr::Or(xs) => xs.iter().any(|x| x.eval(get)),
            Expr::And(xs) => xs.iter().all(|x| x.eval(get)),
            Expr::Not(x) => !x.eval(get),
            Expr::IsTrue(f) => get(*f) == Value::Bool(true),
            Expr::Compare(f, op, rhs) => match get(*f) {
                Value::Number(lhs) => match op {
                    CmpOp::Eq => lhs == *rhs,
                    CmpOp::Ne => lhs != *rhs,
                    CmpOp::Lt => lhs < *rhs,
                    CmpOp::Le => lhs <= *rhs,
                    CmpOp::Gt => lhs > *rhs,
                    CmpOp::Ge => lhs >= *rhs,
                },
                _ => false,
            },
            Expr::OneOf(f, set) => match get(*f) {
                Value::Choice(o) => set & (1 << o) != 0,
                _ => false,
            },
        }
    }
}

/// Over whom a rule line is asked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quantifier {
    Household,
    AnyMember,
    NoMember,
    /// More than this share (0 to 1) of the members satisfy the condition.
    MoreThanShare(f64),
}

/// A compiled indicator rule: deprived when any of its lines holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    lines: Vec<(Quantifier, Expr)>,
    text: Vec<String>,
}

impl Rule {
    /// Parses the lines of a rule.
    pub fn parse<S: AsRef<str>>(lines: &[S]) -> Result<Rule, RuleError> {
        if lines.is_empty() {
            return Err(RuleError {
                text: String::new(),
                offset: 0,
                kind: RuleErrorKind::Empty,
            });
        }
        let mut parsed = Vec::with_capacity(lines.len());
        for line in lines {
            let line = line.as_ref();
            parsed.push(
                Parser::new(line)?
                    .rule()
                    .map_err(|(offset, kind)| RuleError {
                        text: line.to_owned(),
                        offset,
                        kind,
                    })?,
            );
        }
        Ok(Rule {
            lines: parsed,
            text: lines.iter().map(|l| l.as_ref().to_owned()).collect(),
        })
    }

    /// The rule as written in the standard file.
    pub fn text(&self) -> &[String] {
        &self.text
    }

    /// Whether the household is deprived on this indicator.
    pub fn deprived(&self, h: &HouseholdFacts) -> bool {
        self.lines.iter().any(|(q, e)| match q {
            Quantifier::Household => e.eval(&|f| household_value(f, h)),
            Quantifier::AnyMember => h.members.iter().any(|m| e.eval(&|f| member_value(f, m))),
            Quantifier::NoMember => !h.members.iter().any(|m| e.eval(&|f| member_value(f, m))),
            Quantifier::MoreThanShare(share) => {
                let n = h
                    .members
                    .iter()
                    .filter(|m| e.eval(&|f| member_value(f, m)))
                    .count();
                !h.members.is_empty() && n as f64 > share * h.members.len() as f64
            }
        })
    }
}

/// A rule that does not parse, with the position in its text.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleError {
    pub text: String,
    /// Byte offset of the problem in `text`.
    pub offset: usize,
    pub kind: RuleErrorKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RuleErrorKind {
    Empty,
    UnexpectedChar(char),
    Expected {
        expected: &'static str,
        found: String,
    },
    UnknownField {
        name: String,
        scope: Scope,
        suggestion: Option<&'static str>,
    },
    WrongScope {
        name: String,
        scope: Scope,
    },
    UnknownChoice {
        field: String,
        value: String,
        allowed: &'static [&'static str],
    },
    NotANumber {
        field: String,
    },
    NotABool {
        field: String,
    },
    NotAChoice {
        field: String,
    },
    BadShare,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Num(f64),
    Op(CmpOp),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Percent,
    End,
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    scope: Scope,
}

type PResult<T> = Result<T, (usize, RuleErrorKind)>;

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => s.clone(),
        Tok::Num(n) => n.to_string(),
        Tok::Op(_) => "operator".into(),
        Tok::LParen => "(".into(),
        Tok::RParen => ")".into(),
        Tok::LBracket => "[".into(),
        Tok::RBracket => "]".into(),
        Tok::Comma => ",".into(),
        Tok::Percent => "%".into(),
        Tok::End => "end".into(),
    }
}

impl Parser {
    fn new(text: &str) -> Result<Parser, RuleError> {
        let b = text.as_bytes();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            let start = i;
            let tok = match c {
                b' ' | b'\t' | b'\n' | b'\r' => {
                    i += 1;
                    continue;
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                        i += 1;
                    }
                    toks.push((start, Tok::Ident(text[start..i].to_ascii_lowercase())));
                    continue;
                }
                b'0'..=b'9' | b'.' => {
                    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                        i += 1;
                    }
                    let n = text[start..i].parse().map_err(|_| RuleError {
                        text: text.to_owned(),
                        offset: start,
                        kind: RuleErrorKind::UnexpectedChar('.'),
                    })?;
                    toks.push((start, Tok::Num(n)));
                    continue;
                }
                b'(' => Tok::LParen,
                b')' => Tok::RParen,
                b'[' => Tok::LBracket,
                b']' => Tok::RBracket,
                b',' => Tok::Comma,
                b'%' => Tok::Percent,
                b'=' => Tok::Op(CmpOp::Eq),
                b'!' if b.get(i + 1) == Some(&b'=') => {
                    i += 1;
                    Tok::Op(CmpOp::Ne)
                }
                b'<' if b.get(i + 1) == Some(&b'=') => {
                    i += 1;
                    Tok::Op(CmpOp::Le)
                }
                b'>' if b.get(i + 1) == Some(&b'=') => {
                    i += 1;
                    Tok::Op(CmpOp::Ge)
                }
                b'<' => Tok::Op(CmpOp::Lt),
                b'>' => Tok::Op(CmpOp::Gt),
                _ => {
                    let ch = text[i..].chars().next().unwrap_or('?');
                    return Err(RuleError {
                        text: text.to_owned(),
                        offset: i,
                        kind: RuleErrorKind::UnexpectedChar(ch),
                    });
                }
            };
            i += 1;
            toks.push((start, tok));
        }
        toks.push((b.len(), Tok::End));
        Ok(Parser {
            toks,
            pos: 0,
            scope: Scope::Household,
        })
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.pos].1
    }

    fn offset(&self) -> usize {
        self.toks[self.pos].0
    }

    fn next(&mut self) -> Tok {
        let t = self.toks[self.pos].1.clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn fail<T>(&self, expected: &'static str) -> PResult<T> {
        Err((
            self.offset(),
            RuleErrorKind::Expected {
                expected,
                found: describe(self.peek()),
            },
        ))
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }

    fn word(&mut self, w: &'static str) -> PResult<()> {
        if self.is_word(w) {
            self.next();
            Ok(())
        } else {
            self.fail(w)
        }
    }

    fn rule(mut self) -> PResult<(Quantifier, Expr)> {
        let q = if self.is_word("household") {
            self.next();
            Quantifier::Household
        } else if self.is_word("any") {
            self.next();
            self.word("member")?;
            Quantifier::AnyMember
        } else if self.is_word("no") {
            self.next();
            self.word("member")?;
            Quantifier::NoMember
        } else if self.is_word("more") {
            self.next();
            self.word("than")?;
            let at = self.offset();
            let Tok::Num(pct) = self.next() else {
                return Err((at, RuleErrorKind::BadShare));
            };
            if !(0.0..100.0).contains(&pct) {
                return Err((at, RuleErrorKind::BadShare));
            }
            if *self.peek() != Tok::Percent {
                return self.fail("%");
            }
            self.next();
            self.word("of")?;
            self.word("members")?;
            Quantifier::MoreThanShare(pct / 100.0)
        } else {
            return self.fail("household | any member | no member | more than N% of members");
        };
        self.scope = if q == Quantifier::Household {
            Scope::Household
        } else {
            Scope::Member
        };
        self.word("where")?;
        let e = self.or()?;
        if *self.peek() != Tok::End {
            return self.fail("and | or | end");
        }
        Ok((q, e))
    }

    fn or(&mut self) -> PResult<Expr> {
        let mut xs = vec![self.and()?];
        while self.is_word("or") {
            self.next();
            xs.push(self.and()?);
        }
        Ok(if xs.len() == 1 {
            xs.remove(0)
        } else {
            Expr::Or(xs)
        })
    }

    fn and(&mut self) -> PResult<Expr> {
        let mut xs = vec![self.unary()?];
        while self.is_word("and") {
            self.next();
            xs.push(self.unary()?);
        }
        Ok(if xs.len() == 1 {
            xs.remove(0)
        } else {
            Expr::And(xs)
        })
    }

    fn unary(&mut self) -> PResult<Expr> {
        if self.is_word("not") {
            self.next();
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if *self.peek() == Tok::LParen {
            self.next();
            let e = self.or()?;
            if *self.peek() != Tok::RParen {
                return self.fail(")");
            }
            self.next();
            return Ok(e);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let at = self.offset();
        let Tok::Ident(name) = self.peek().clone() else {
            return self.fail("field");
        };
        self.next();
        let Some((field, scope, ty)) = Field::lookup(&name) else {
            let suggestion = crate::text::closest(&name, Field::names(self.scope));
            return Err((
                at,
                RuleErrorKind::UnknownField {
                    name,
                    scope: self.scope,
                    suggestion,
                },
            ));
        };
        if scope != self.scope {
            return Err((
                at,
                RuleErrorKind::WrongScope {
                    name,
                    scope: self.scope,
                },
            ));
        }
        let negated_in = self.is_word("not")
            && matches!(self.toks.get(self.pos + 1), Some((_, Tok::Ident(w))) if w == "in");
        if negated_in || self.is_word("in") {
            if negated_in {
                self.next();
            }
            self.next();
            let FieldType::Choice(allowed) = ty else {
                return Err((at, RuleErrorKind::NotAChoice { field: name }));
            };
            if *self.peek() != Tok::LBracket {
                return self.fail("[");
            }
            self.next();
            let mut set = 0u32;
            loop {
                set |= 1 << self.choice(&name, allowed)?;
                match self.peek() {
                    Tok::Comma => self.next(),
                    Tok::RBracket => {
                        self.next();
                        break;
                    }
                    _ => return self.fail(", | ]"),
                };
            }
            let e = Expr::OneOf(field, set);
            return Ok(if negated_in {
                Expr::Not(Box::new(e))
            } else {
                e
            });
        }
        let Tok::Op(op) = self.peek().clone() else {
            return match ty {
                FieldType::Bool => Ok(Expr::IsTrue(field)),
                _ => self.fail("comparison"),
            };
        };
        self.next();
        match ty {
            FieldType::Number => {
                let Tok::Num(n) = self.next() else {
                    return Err((at, RuleErrorKind::NotANumber { field: name }));
                };
                Ok(Expr::Compare(field, op, n))
            }
            FieldType::Choice(allowed) => {
                let o = self.choice(&name, allowed)?;
                let e = Expr::OneOf(field, 1 << o);
                match op {
                    CmpOp::Eq => Ok(e),
                    CmpOp::Ne => Ok(Expr::Not(Box::new(e))),
                    _ => Err((at, RuleErrorKind::NotANumber { field: name })),
                }
            }
            FieldType::Bool => {
                let v = match self.next() {
                    Tok::Ident(w) if w == "true" || w == "yes" => true,
                    Tok::Ident(w) if w == "false" || w == "no" => false,
                    _ => return Err((at, RuleErrorKind::NotABool { field: name })),
                };
                let e = if v {
                    Expr::IsTrue(field)
                } else {
                    Expr::Not(Box::new(Expr::IsTrue(field)))
                };
                match op {
                    CmpOp::Eq => Ok(e),
                    CmpOp::Ne => Ok(Expr::Not(Box::new(e))),
                    _ => Err((at, RuleErrorKind::NotABool { field: name })),
                }
            }
        }
    }

    fn choice(&mut self, field: &str, allowed: &'static [&'static str]) -> PResult<u8> {
        let at = self.offset();
        match self.next() {
            Tok::Ident(v) => match allowed.iter().position(|a| *a == v) {
                Some(o) => Ok(o as u8),
                None => Err((
                    at,
                    RuleErrorKind::UnknownChoice {
                        field: field.to_owned(),
                        value: v,
                        allowed,
                    },
                )),
            },
            t => Err((
                at,
                RuleErrorKind::UnknownChoice {
                    field: field.to_owned(),
                    value: describe(&t),
                    allowed,
                },
            )),
        }
    }
}
