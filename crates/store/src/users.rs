//! Users, password hashes and hashed API tokens. Nothing here ever holds a clear password or token.

use cartwright_core::{
    page::Page,
    user::{Role, User},
};

use crate::{
    Result, StoreError, Tx, execute, fetch_all, fetch_opt,
    listing::{ListQuery, page_from_rows},
    masters::version_outcome,
    row::{DbRow, parse_enum},
};

/// A user as written.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Email, lower-cased.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// argon2 PHC string.
    pub password_hash: String,
    /// Active.
    pub active: bool,
}

/// What login needs: the user and their password hash.
#[derive(Debug, Clone)]
pub struct UserAuth {
    /// The user.
    pub user: User,
    /// argon2 PHC string.
    pub password_hash: String,
}

fn user_from(r: &dyn DbRow) -> Result<User> {
    Ok(User {
        id: r.i64("id")?,
        email: r.string("email")?,
        name: r.string("name")?,
        role: parse_enum("users", "role", &r.string("role")?, Role::parse)?,
        active: r.bool("active")?,
        version: r.i64("version")?,
    })
}

fn auth_from(r: &dyn DbRow) -> Result<UserAuth> {
    Ok(UserAuth {
        user: user_from(r)?,
        password_hash: r.string("password_hash")?,
    })
}

impl Tx {
    /// Creates a user.
    pub async fn insert_user(&mut self, u: &NewUser) -> Result<User> {
        let now = self.now.clone();
        let user = fetch_opt!(
            self,
            sqlx::query(
                "INSERT INTO users (email, name, role, password_hash, active, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id, email, name, role, active, version"
            )
            .bind(&u.email)
            .bind(&u.name)
            .bind(u.role.as_str())
            .bind(&u.password_hash)
            .bind(u.active)
            .bind(&now),
            user_from
        );
        user.ok_or_else(|| StoreError::NotFound {
            entity: "user",
            key: u.email.clone(),
        })
    }

    /// Updates a user; `password_hash` `None` keeps the current password.
    pub async fn update_user(
        &mut self,
        id: i64,
        version: i64,
        u: &NewUser,
        password_changed: bool,
    ) -> Result<User> {
        let now = self.now.clone();
        let n = execute!(
            self,
            sqlx::query(
                "UPDATE users SET email = $1, name = $2, role = $3, active = $4,
                 password_hash = CASE WHEN $5 THEN $6 ELSE password_hash END,
                 version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9"
            )
            .bind(&u.email)
            .bind(&u.name)
            .bind(u.role.as_str())
            .bind(u.active)
            .bind(password_changed)
            .bind(&u.password_hash)
            .bind(&now)
            .bind(id)
            .bind(version)
        );
        let current = self.user(id).await?;
        version_outcome("user", id, version, n, current)
    }

    /// One user by id.
    pub async fn user(&mut self, id: i64) -> Result<Option<User>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id, email, name, role, active, version FROM users WHERE id = $1")
                .bind(id),
            user_from
        ))
    }

    /// A user with password hash, by email (ignoring case).
    pub async fn user_auth_by_email(&mut self, email: &str) -> Result<Option<UserAuth>> {
        Ok(fetch_opt!(
            self,
            sqlx::query("SELECT id, email, name, role, active, version, password_hash FROM users WHERE email = lower($1)")
                .bind(email),
            auth_from
        ))
    }

    /// Users by id.
    pub async fn list_users(&mut self, q: &ListQuery) -> Result<Page<User>> {
        let rows = fetch_all!(
            self,
            sqlx::query(
                "SELECT id, email, name, role, active, version FROM users
                 WHERE id > $1 AND ($2 IS NULL OR lower(email) LIKE $2 ESCAPE '\\' OR lower(name) LIKE $2 ESCAPE '\\')
                 AND ($3 IS NULL OR role = $3) AND ($4 IS NULL OR active = $4) ORDER BY id LIMIT $5"
            )
            .bind(q.after)
            .bind(q.pattern())
            .bind(&q.filter)
            .bind(q.active)
            .bind(q.fetch_limit()),
            user_from
        );
        Ok(page_from_rows(rows, q, |u| u.id))
    }

    /// Stores the SHA-256 of a new API token.
    pub async fn insert_token(&mut self, user_id: i64, token_sha256: &str) -> Result<()> {
        let now = self.now.clone();
        execute!(
            self,
            sqlx::query(
                "INSERT INTO api_tokens (user_id, token_sha256, created_at) VALUES ($1, $2, $3)"
            )
            .bind(user_id)
            .bind(token_sha256)
            .bind(&now)
        );
        Ok(())
    }

    /// The active user owning the token with this SHA-256, if any.
    pub async fn user_by_token(&mut self, token_sha256: &str) -> Result<Option<User>> {
        Ok(fetch_opt!(
            self,
            sqlx::query(
                "SELECT u.id, u.email, u.name, u.role, u.active, u.version FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token_sha256 = $1 AND u.active = TRUE"
            )
            .bind(token_sha256),
            user_from
        ))
    }
}
