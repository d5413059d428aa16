//! The audit trail: one row per write, in the same transaction as the write.

use cartwright_core::{audit::AuditRecord, page::Page};

use crate::{
    Result, Tx, execute, fetch_all,
    listing::{ListQuery, page_from_rows},
    row::DbRow,
};

/// Who is making a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The user, when the change comes through an authenticated session.
    pub user_id: Option<i64>,
    /// Email of the user, or `cli` / `system`.
    pub label: String,
}

impl Actor {
    /// Changes made from the command line.
    pub fn cli() -> Self {
        Self {
            user_id: None,
            label: "cli".to_owned(),
        }
    }

    /// Changes made by Cartwright itself (first-run set-up, demo data).
    pub fn system() -> Self {
        Self {
            user_id: None,
            label: "system".to_owned(),
        }
    }
}

/// One write to record.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// Who.
    pub actor: &'a Actor,
    /// Entity (collection) name.
    pub entity: &'a str,
    /// Record id.
    pub entity_id: Option<i64>,
    /// What kind of write.
    pub action: &'a str,
    /// Value before (none on create).
    pub before: Option<serde_json::Value>,
    /// Value after (none on delete).
    pub after: Option<serde_json::Value>,
}

/// Which audit entries to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only this entity.
    pub entity: Option<String>,
    /// Only this record.
    pub entity_id: Option<i64>,
    /// Page position and size (`after` is read as "older than this id" when non-zero).
    pub page: ListQuery,
}

fn audit_from(r: &dyn DbRow) -> Result<AuditRecord> {
    let json = |col: &'static str| -> Result<Option<serde_json::Value>> {
        r.opt_string(col)?
            .map(|s| crate::row::parse_json("audit_log", col, &s))
            .transpose()
    };
    Ok(AuditRecord {
        id: r.i64("id")?,
        at: r.string("at")?,
        user_id: r.opt_i64("user_id")?,
        actor: r.string("actor")?,
        entity: r.string("entity")?,
        entity_id: r.opt_i64("entity_id")?,
        action: r.string("action")?,
        before: json("before_json")?,
        after: json("after_json")?,
    })
}

impl Tx {
    /// Records one write in the audit trail.
    pub async fn audit(&mut self, e: AuditEntry<'_>) -> Result<()> {
        let before = e.before.map(|v| v.to_string());
        let after = e.after.map(|v| v.to_string());
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query(
                "INSERT INTO audit_log (at, user_id, actor, entity, entity_id, action, before_json, after_json)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            )
            .bind(&now)
            .bind(e.actor.user_id)
            .bind(&e.actor.label)
            .bind(e.entity)
            .bind(e.entity_id)
            .bind(e.action)
            .bind(&before)
            .bind(&after)
        );
        Ok(())
    }

    /// Records many writes at once (bulk imports).
    pub async fn audit_many(&mut self, entries: &[AuditEntry<'_>]) -> Result<()> {
        let now = self.now.clone();
        for chunk in entries.chunks(500) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|e| {
                    (
                        e,
                        e.before.as_ref().map(ToString::to_string),
                        e.after.as_ref().map(ToString::to_string),
                    )
                })
                .collect();
            execute!(
                self,
                {
                    let mut qb = sqlx::QueryBuilder::new(
                        "INSERT INTO audit_log (at, user_id, actor, entity, entity_id, action, before_json, after_json) ",
                    );
                    qb.push_values(&rows, |mut b, (e, before, after)| {
                        b.push_bind(&now)
                            .push_bind(e.actor.user_id)
                            .push_bind(&e.actor.label)
                            .push_bind(e.entity)
                            .push_bind(e.entity_id)
                            .push_bind(e.action)
                            .push_bind(before)
                            .push_bind(after);
                    });
                    qb
                }
                .build()
            );
        }
        Ok(())
    }

    /// Lists audit entries, newest first.
    pub async fn list_audit(&mut self, q: &AuditQuery) -> Result<Page<AuditRecord>> {
        let before = if q.page.after > 0 {
            q.page.after
        } else {
            i64::MAX
        };
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT id, at, user_id, actor, entity, entity_id, action, before_json, after_json
                 FROM audit_log
                 WHERE id < $1 AND ($2 IS NULL OR entity = $2) AND ($3 IS NULL OR entity_id = $3)
                 ORDER BY id DESC LIMIT $4"
            )
            .bind(before)
            .bind(&q.entity)
            .bind(q.entity_id)
            .bind(q.page.fetch_limit()),
            audit_from
        );
        Ok(page_from_rows(rows, &q.page, |a| a.id))
    }
}
