//! What citizens send from a commune's public page (migration 0011): feedback, and complaints that join the
//! queue of the commune's round under way, which must answer them before its decision.
//!
//! One transaction takes the whole post: the form token's nonce is spent, the rate limits per address and per
//! commune are counted, the complaint's subject is checked, the feedback row and the round's queue entry are
//! written (or the entry's count raised when an identical open complaint is there) with the audit entry. A
//! post refused or killed half-way leaves nothing, so the round never misses a complaint the commune holds,
//! and a token is spent only by a post that was taken.

use std::collections::HashMap;

use giamngheo_core::complaint::{ComplaintChannel, FeedbackKind};
use giamngheo_core::date::Date;
use giamngheo_core::round::{Action, Role, RoundError};
use giamngheo_core::text::nfc;
use sha2::{Digest, Sha256};

use crate::Store;
use crate::audit::{Actor, Change};
use crate::db::{Conn, Value};
use crate::error::StoreError;

/// How many posts are taken, and for how long a token lives (all in seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicLimits {
    pub per_address: i64,
    pub address_window: i64,
    pub per_commune: i64,
    pub commune_window: i64,
    /// A spent nonce is kept this long: at least the token's life, so a replay within it is seen.
    pub token_life: i64,
}

impl Default for PublicLimits {
    /// Three posts per address in ten minutes (a family, a neighbour's phone), thirty per commune an hour
    /// (more than a commune's citizens send in a day, fewer than a flood needs), tokens of two hours.
    fn default() -> Self {
        PublicLimits {
            per_address: 3,
            address_window: 600,
            per_commune: 30,
            commune_window: 3600,
            token_life: 7200,
        }
    }
}

/// What a complaint is about. The review's complaints must name one: a household living in the commune, or a
/// village of the commune.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A household code, as the citizen typed it.
    Household(String),
    /// A village's unit id.
    Village(i64),
}

/// A post from the public form, its text already cleaned and checked for length by the caller.
pub struct PublicPost<'a> {
    pub commune_id: i64,
    /// The form token's nonce (its signature checked by the caller).
    pub nonce: &'a str,
    /// The sender's address as a keyed hash: the limits need only to tell addresses apart.
    pub address: &'a str,
    /// Unix seconds.
    pub now: i64,
    pub received_on: Date,
    /// None: feedback. Some: a complaint about the review.
    pub complaint: Option<Subject>,
    pub name: &'a str,
    pub contact: &'a str,
    pub message: &'a str,
    /// Where the post came from, as the audit log records it.
    pub origin: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicOutcome {
    /// Stored. `complaint`: the queue entry it joined, with how many identical posts it now counts.
    Accepted {
        feedback_id: i64,
        complaint: Option<(i64, i64)>,
    },
    /// The token was used before.
    TokenSpent,
    /// Too many posts from this address (`address`) or to this commune.
    TooMany { address: bool },
    /// The household does not live in the commune, or the village is not one of its villages.
    NotInCommune,
}

/// Where a complaint of a round is about, for the round's page: its village (the household's on the round's
/// list, or the one named) and how many identical posts it counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComplaintPlace {
    pub village_id: Option<i64>,
    pub copies: i64,
}

/// The text a complaint is merged by: NFC, lower case, spaces collapsed, so the same words pasted again merge
/// and a changed word does not (diacritics are kept: "ma" and "má" are different words).
pub fn normalised(text: &str) -> String {
    nfc(text)
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The merge key of a complaint: a digest (an index entry must stay short whatever the text's length) of its
/// subject and normalised text.
fn merge_key(subject: &str, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(subject.as_bytes());
    h.update(b"\0");
    h.update(normalised(text).as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn count(c: &mut Conn, sql: &'static str, params: &[Value]) -> Result<i64, StoreError> {
    Ok(c.query_int(sql, params)?.unwrap_or(0))
}

impl Store {
    /// The secret of this name, created from `candidate` when there is none yet (the first caller's wins, so
    /// every server process over one database signs alike).
    pub fn web_secret(&mut self, name: &str, candidate: &str) -> Result<String, StoreError> {
        self.conn.execute(
            "INSERT INTO web_secret (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[name.into(), candidate.into()],
        )?;
        Ok(self
            .conn
            .query_one(
                "SELECT value FROM web_secret WHERE name = $1",
                &[name.into()],
            )?
            .and_then(|r| r[0].text().map(str::to_owned))
            .unwrap_or_else(|| candidate.to_owned()))
    }

    /// Takes a post from the public form, all or nothing (see the module's comment).
    pub fn add_public_post(
        &mut self,
        post: &PublicPost<'_>,
        limits: PublicLimits,
    ) -> Result<PublicOutcome, StoreError> {
        let citizen_name = if post.name.trim().is_empty() {
            "người dân ẩn danh".to_owned()
        } else {
            nfc(post.name.trim())
        };
        let actor = Actor::new(&citizen_name, Role::Citizen, post.origin);
        if post.complaint.is_some() && !actor.role.may(Action::RecordComplaint) {
            return Err(StoreError::Procedure(RoundError::NotAllowed {
                role: actor.role,
                action: Action::RecordComplaint,
            }));
        }
        self.conn.transaction(|c| {
            // PostgreSQL: two posts at once must not both count below the limit (SQLite's write lock,
            // taken at BEGIN IMMEDIATE, already queues them).
            crate::audit::schema_lock(c, 716_042)?;
            let now = post.now;
            c.execute(
                "DELETE FROM public_token_use WHERE used_at <= $1",
                &[Value::Int(now - limits.token_life)],
            )?;
            c.execute(
                "DELETE FROM public_post WHERE at <= $1",
                &[Value::Int(
                    now - limits.address_window.max(limits.commune_window),
                )],
            )?;
            if c.query_one(
                "SELECT 1 FROM public_token_use WHERE nonce = $1",
                &[post.nonce.into()],
            )?
            .is_some()
            {
                return Ok(PublicOutcome::TokenSpent);
            }
            // Too many posts from this address, then to this commune, within their windows.
            for (address, sql, who, window, most) in [
                (
                    true,
                    "SELECT count(*) FROM public_post WHERE address = $1 AND at > $2",
                    post.address.into(),
                    limits.address_window,
                    limits.per_address,
                ),
                (
                    false,
                    "SELECT count(*) FROM public_post WHERE commune_id = $1 AND at > $2",
                    post.commune_id.into(),
                    limits.commune_window,
                    limits.per_commune,
                ),
            ] {
                if count(c, sql, &[who, Value::Int(now - window)])? >= most {
                    return Ok(PublicOutcome::TooMany { address });
                }
            }
            // The subject: a household living in the commune now, or one of its villages today.
            let subject = match &post.complaint {
                None => None,
                Some(Subject::Household(code)) => {
                    let Some(r) = c.query_one(
                        "SELECT h.id, r.village_id FROM household h JOIN residence r ON r.household_id = h.id \
                         WHERE h.code = $1 AND r.valid_until IS NULL AND r.commune_id = $2",
                        &[code.trim().into(), post.commune_id.into()],
                    )?
                    else {
                        return Ok(PublicOutcome::NotInCommune);
                    };
                    Some((
                        format!("h{}", r[0].int().unwrap_or(0)),
                        r[0].int(),
                        r[1].int(),
                    ))
                }
                Some(Subject::Village(v)) => {
                    let day = post.received_on.iso();
                    if c.query_one(
                        "SELECT 1 FROM unit_parent WHERE unit_id = $1 AND parent_id = $2 \
                         AND (valid_from IS NULL OR valid_from <= $3) AND (valid_until IS NULL OR valid_until >= $3)",
                        &[(*v).into(), post.commune_id.into(), day.into()],
                    )?
                    .is_none()
                    {
                        return Ok(PublicOutcome::NotInCommune);
                    }
                    Some((format!("v{v}"), None, Some(*v)))
                }
            };
            c.execute(
                "INSERT INTO public_token_use (nonce, used_at) VALUES ($1, $2)",
                &[post.nonce.into(), Value::Int(now)],
            )?;
            c.execute(
                "INSERT INTO public_post (at, commune_id, address) VALUES ($1, $2, $3)",
                &[Value::Int(now), post.commune_id.into(), post.address.into()],
            )?;
            let message = nfc(post.message.trim());
            // A complaint joins the queue of the commune's round under way (the latest opened), if any.
            let round = match subject {
                Some(_) => c
                    .query_int(
                        "SELECT id FROM review_round WHERE commune_id = $1 AND status <> 'decided' \
                         ORDER BY opened_on DESC, id DESC LIMIT 1",
                        &[post.commune_id.into()],
                    )?,
                None => None,
            };
            let complaint = match (&subject, round) {
                (Some((key, household, village)), Some(round_id)) => {
                    let key = merge_key(key, &message);
                    let open = c.query_one(
                        "SELECT id, copies FROM complaint WHERE round_id = $1 AND merge_key = $2 AND outcome IS NULL",
                        &[round_id.into(), key.clone().into()],
                    )?;
                    Some(match open.and_then(|r| Some((r[0].int()?, r[1].int()?))) {
                        Some((id, copies)) => {
                            c.execute(
                                "UPDATE complaint SET copies = copies + 1 WHERE id = $1",
                                &[id.into()],
                            )?;
                            (id, copies + 1, true)
                        }
                        None => {
                            let case_id = match household {
                                Some(h) => c
                                    .query_int(
                                        "SELECT id FROM round_case WHERE round_id = $1 AND household_id = $2",
                                        &[round_id.into(), (*h).into()],
                                    )?,
                                None => None,
                            };
                            let complainant = if post.contact.trim().is_empty() {
                                citizen_name.clone()
                            } else {
                                format!("{citizen_name} ({})", nfc(post.contact.trim()))
                            };
                            let id = crate::row_ids::next_id(c, crate::row_ids::IdTable::Complaint)?;
                            c.execute(
                                "INSERT INTO complaint (id, round_id, case_id, village_id, received_on, complainant, channel, content, merge_key) \
                                     VALUES ($9, $1, $2, $3, $4, $5, $6, $7, $8)",
                                    &[
                                        round_id.into(),
                                        case_id.into(),
                                        (*village).into(),
                                        post.received_on.iso().into(),
                                        complainant.into(),
                                        ComplaintChannel::Web.code().into(),
                                        message.clone().into(),
                                        key.into(),
                                        id.into(),
                                    ],
                            )?;
                            (id, 1, false)
                        }
                    })
                }
                _ => None,
            };
            let feedback_id = crate::row_ids::next_id(c, crate::row_ids::IdTable::Feedback)?;
            c.execute(
                "INSERT INTO feedback (id, commune_id, received_at, kind, name, contact, message, complaint_id) \
                     VALUES ($8, $1, $2, $3, $4, $5, $6, $7)",
                    &[
                        post.commune_id.into(),
                        crate::audit::now_utc().into(),
                        if post.complaint.is_some() {
                            FeedbackKind::Complaint
                        } else {
                            FeedbackKind::Feedback
                        }
                        .code()
                        .into(),
                        nfc(post.name.trim()).into(),
                        nfc(post.contact.trim()).into(),
                        message.clone().into(),
                        complaint.map(|k| k.0).into(),
                        feedback_id.into(),
                    ],
            )?;
            if let Some((id, copies, merged)) = complaint {
                crate::audit::record_one(
                    c,
                    &actor,
                    Change {
                        action: if merged { "merge_complaint" } else { "add_complaint" },
                        entity: "complaint",
                        entity_id: id.to_string(),
                        old_value: merged.then(|| (copies - 1).to_string()),
                        new_value: Some(if merged { copies.to_string() } else { message }),
                        reason: None,
                    },
                )?;
            }
            Ok(PublicOutcome::Accepted {
                feedback_id,
                complaint: complaint.map(|(id, copies, _)| (id, copies)),
            })
        })
    }

    /// The village and the number of identical posts of each complaint of a round, by complaint id.
    pub fn complaint_places(
        &mut self,
        round_id: i64,
    ) -> Result<HashMap<i64, ComplaintPlace>, StoreError> {
        Ok(self
            .conn
            .query(
                "SELECT k.id, coalesce(c.village_id, k.village_id), k.copies FROM complaint k \
                 LEFT JOIN round_case c ON c.id = k.case_id WHERE k.round_id = $1",
                &[round_id.into()],
            )?
            .into_iter()
            .filter_map(|r| {
                Some((
                    r[0].int()?,
                    ComplaintPlace {
                        village_id: r[1].int(),
                        copies: r[2].int().unwrap_or(1),
                    },
                ))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn normalised_text_merges_spacing_and_case_only() {
        for (a, b, same) in [
            ("Nhà tôi bị xếp sai", "  nhà TÔI   bị xếp sai\n", true),
            ("Nhà tôi bị xếp sai", "Nha toi bi xep sai", false),
            ("ma", "má", false),
            // Decomposed input (typed on macOS) is the same text.
            ("xếp", "xe\u{302}\u{301}p", true),
        ] {
            assert_eq!(
                super::normalised(a) == super::normalised(b),
                same,
                "{a:?} / {b:?}"
            );
        }
    }
}
