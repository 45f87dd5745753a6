//! The staff's inbox of what citizens sent from the communes' public pages (`public_feedback` takes it in):
//! each item new, being handled or answered (core `feedback::FeedbackStatus`), with the answer, who wrote it
//! and when. Taking an item in hand and answering it are writes like any other: the actor's role and the
//! item's commune are checked inside the transaction that changes it and records the audit entry.

use giamngheo_core::feedback::FeedbackStatus;
use giamngheo_core::round::Action;
use giamngheo_core::text::nfc;

use crate::Store;
use crate::audit::{Actor, Change};
use crate::db::{Row, Value};
use crate::error::StoreError;

/// The answer given to a feedback.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub text: String,
    /// The account's name.
    pub by: String,
    /// UTC, ISO (`2026-12-05T08:02:33Z`).
    pub at: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Feedback {
    pub id: i64,
    pub commune_id: i64,
    pub received_at: String,
    pub kind: giamngheo_core::complaint::FeedbackKind,
    pub name: String,
    pub contact: String,
    pub message: String,
    pub status: FeedbackStatus,
    /// Who took it in hand, or answered it, and the answer's text (empty while only being handled).
    pub answer: Option<Answer>,
}

/// One page of the inbox: the items (with their commune's name), newest first, and how many items of each
/// status the scope holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Inbox {
    pub items: Vec<(Feedback, String)>,
    pub counts: Vec<(FeedbackStatus, i64)>,
}

fn feedback_of_row(r: &Row) -> Result<Feedback, StoreError> {
    let t = |i: usize| r[i].text().unwrap_or_default().to_owned();
    let status = FeedbackStatus::parse(r[7].text().unwrap_or_default()).ok_or_else(|| {
        StoreError::Corrupt {
            table: "feedback",
            column: "status",
            value: t(7),
        }
    })?;
    let answer = match (r[9].text(), r[10].text()) {
        (Some(by), Some(at)) => Some(Answer {
            text: t(8),
            by: by.to_owned(),
            at: at.to_owned(),
        }),
        _ => None,
    };
    Ok(Feedback {
        id: r[0].int().unwrap_or(0),
        commune_id: r[1].int().unwrap_or(0),
        received_at: t(2),
        kind: r[3].clone().decode(
            "feedback",
            "kind",
            giamngheo_core::complaint::FeedbackKind::parse,
        )?,
        name: t(4),
        contact: t(5),
        message: t(6),
        status,
        answer,
    })
}

impl Store {
    /// Everything a commune received, newest first.
    pub fn feedback_of(&mut self, commune_id: i64) -> Result<Vec<Feedback>, StoreError> {
        self.conn
            .query(
                "SELECT f.id, f.commune_id, f.received_at, f.kind, f.name, f.contact, f.message, f.status, \
                 f.answer, f.answered_by, f.answered_at FROM feedback f WHERE f.commune_id = $1 ORDER BY f.id DESC",
                &[commune_id.into()],
            )?
            .iter()
            .map(feedback_of_row)
            .collect()
    }

    /// Feedback sent to the communes inside a scope (None: everywhere), newest first, with the commune's
    /// name.
    pub fn feedback_in_scope(
        &mut self,
        scope: Option<i64>,
        limit: i64,
    ) -> Result<Vec<(Feedback, String)>, StoreError> {
        Ok(self.feedback_inbox(scope, None, limit)?.items)
    }

    /// The inbox of a scope (None: everywhere): items of one status (None: all), newest first, at most
    /// `limit`, and the count of each status.
    pub fn feedback_inbox(
        &mut self,
        scope: Option<i64>,
        status: Option<FeedbackStatus>,
        limit: i64,
    ) -> Result<Inbox, StoreError> {
        let scope = Value::Int(scope.unwrap_or(0));
        let rows = self.conn.query(
            "SELECT f.id, f.commune_id, f.received_at, f.kind, f.name, f.contact, f.message, f.status, \
             f.answer, f.answered_by, f.answered_at, u.name FROM feedback f JOIN unit u ON u.id = f.commune_id \
             WHERE ($1 = 0 OR EXISTS (SELECT 1 FROM account_scope s WHERE s.account_id = $1 AND s.unit_id = f.commune_id)) \
             AND ($2 = '' OR f.status = $2) ORDER BY f.id DESC LIMIT $3",
            &[
                scope.clone(),
                status.map_or("", FeedbackStatus::code).into(),
                limit.into(),
            ],
        )?;
        let items = rows
            .iter()
            .map(|r| {
                Ok((
                    feedback_of_row(r)?,
                    r[11].text().unwrap_or_default().to_owned(),
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let by_status = self.conn.query(
            "SELECT f.status, count(*) FROM feedback f \
             WHERE ($1 = 0 OR EXISTS (SELECT 1 FROM account_scope s WHERE s.account_id = $1 AND s.unit_id = f.commune_id)) \
             GROUP BY f.status",
            &[scope],
        )?;
        let counts = FeedbackStatus::ALL
            .into_iter()
            .map(|s| {
                let n = by_status
                    .iter()
                    .find(|r| r[0].text() == Some(s.code()))
                    .and_then(|r| r[1].int())
                    .unwrap_or(0);
                (s, n)
            })
            .collect();
        Ok(Inbox { items, counts })
    }

    /// Takes a feedback in hand (`answer` None or blank: being handled) or answers it (the text, cleaned to
    /// NFC; answered). The item's commune must lie inside the actor's units, or it is not found; the change and
    /// its audit entry are one transaction. Returns the item as it now stands.
    pub fn update_feedback(
        &mut self,
        actor: &Actor,
        feedback_id: i64,
        answer: Option<&str>,
    ) -> Result<Feedback, StoreError> {
        crate::scope::permit(actor, Action::AnswerFeedback)?;
        // An answer of blanks says nothing: the item is only taken in hand (the web refuses it before).
        let answer = answer.map(|a| nfc(a.trim())).filter(|a| !a.is_empty());
        self.conn.transaction(|c| {
            let not_found = || StoreError::NotFound {
                what: "feedback",
                key: feedback_id.to_string(),
            };
            let row = c
                .query_one(
                    "SELECT f.id, f.commune_id, f.received_at, f.kind, f.name, f.contact, f.message, f.status, \
                     f.answer, f.answered_by, f.answered_at FROM feedback f WHERE f.id = $1",
                    &[feedback_id.into()],
                )?
                .ok_or_else(not_found)?;
            let before = feedback_of_row(&row)?;
            crate::scope::permit_unit(
                actor,
                Action::AnswerFeedback,
                before.commune_id,
                "feedback",
                &feedback_id.to_string(),
            )?;
            // An answer is not taken back by a late click on "take in hand" (it may be corrected by a new
            // answer, which the log keeps next to the old one).
            if answer.is_none() && before.status == FeedbackStatus::Answered {
                return Err(StoreError::Conflict {
                    what: "feedback",
                    key: feedback_id.to_string(),
                });
            }
            let now = crate::audit::now_utc();
            let status = if answer.is_some() {
                FeedbackStatus::Answered
            } else {
                FeedbackStatus::Handling
            };
            c.execute(
                "UPDATE feedback SET status = $2, answer = $3, answered_by = $4, answered_at = $5 WHERE id = $1",
                &[
                    feedback_id.into(),
                    status.code().into(),
                    answer.clone().into(),
                    actor.name.clone().into(),
                    now.clone().into(),
                ],
            )?;
            crate::audit::record_one(
                c,
                actor,
                Change {
                    action: if answer.is_some() {
                        "answer_feedback"
                    } else {
                        "handle_feedback"
                    },
                    entity: "feedback",
                    entity_id: feedback_id.to_string(),
                    old_value: Some(match (&before.answer, before.status) {
                        (Some(a), FeedbackStatus::Answered) => a.text.clone(),
                        _ => before.status.code().to_owned(),
                    }),
                    new_value: Some(answer.clone().unwrap_or_else(|| status.code().to_owned())),
                    reason: None,
                },
            )?;
            Ok(Feedback {
                status,
                answer: Some(Answer {
                    text: answer.unwrap_or_default(),
                    by: actor.name.clone(),
                    at: now,
                }),
                ..before
            })
        })
    }
}
