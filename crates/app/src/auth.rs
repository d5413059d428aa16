//! Users, password hashing (argon2) and API tokens (stored as SHA-256, shown once).

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};
use cartwright_core::{
    page::Page,
    user::{Access, Resource, Role, User, UserInput},
};
use cartwright_store::{ListQuery, NewUser};
use sha2::{Digest, Sha256};

use crate::{App, AppError, Principal, Result, audit, required_version};

/// Prefix of every API token, so a leaked one is recognisable in logs and scanners.
pub const TOKEN_PREFIX: &str = "cwt_";

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Conflict(format!("could not hash the password: {e}")))
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// SHA-256 of a token, hex: what the database keeps instead of the token.
pub fn token_digest(token: &str) -> String {
    let d = Sha256::digest(token.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn new_token() -> Result<String> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Conflict(format!("no randomness available: {e}")))?;
    Ok(format!(
        "{TOKEN_PREFIX}{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

impl App {
    /// Checks email and password and issues a new API token (returned once, stored hashed).
    pub async fn issue_token(&self, email: &str, password: &str) -> Result<String> {
        let mut tx = self.store.write().await?;
        let found = tx.user_auth_by_email(email.trim()).await?;
        // One message for unknown user and wrong password, so logins do not reveal which emails exist.
        let refused = || AppError::Unauthorized("wrong email or password".to_owned());
        let Some(auth) = found else {
            // Spend the same work as a real check, so timing does not reveal it either.
            let _ = hash_password(password);
            return Err(refused());
        };
        if !auth.user.active || !verify_password(password, &auth.password_hash) {
            return Err(refused());
        }
        let token = new_token()?;
        tx.insert_token(auth.user.id, &token_digest(&token)).await?;
        let who = Principal {
            user_id: Some(auth.user.id),
            label: auth.user.email.clone(),
            role: auth.user.role,
        };
        audit::<User>(
            &mut tx,
            &who,
            "auth",
            auth.user.id,
            "token_issued",
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Resolves a bearer token to the acting principal.
    pub async fn authenticate(&self, token: &str) -> Result<Principal> {
        let mut tx = self.store.read().await?;
        let user = tx
            .user_by_token(&token_digest(token))
            .await?
            .ok_or_else(|| AppError::Unauthorized("the token is not valid".to_owned()))?;
        Ok(Principal {
            user_id: Some(user.id),
            label: user.email,
            role: user.role,
        })
    }

    /// Creates a user.
    pub async fn create_user(&self, who: &Principal, input: &UserInput) -> Result<User> {
        who.require(Resource::Users, Access::Write)?;
        let v = input.validate(true)?;
        let hash = hash_password(v.password.as_deref().unwrap_or_default())?;
        let row = NewUser {
            email: v.email.clone(),
            name: v.name,
            role: v.role,
            password_hash: hash,
            active: v.active,
        };
        let mut tx = self.store.write().await?;
        let user = tx
            .insert_user(&row)
            .await
            .map_err(|e| AppError::duplicate_or(e, "user", "email", &v.email))?;
        audit(&mut tx, who, "users", user.id, "create", None, Some(&user)).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Updates a user; a given password replaces the old one.
    pub async fn update_user(&self, who: &Principal, id: i64, input: &UserInput) -> Result<User> {
        who.require(Resource::Users, Access::Write)?;
        let v = input.validate(false)?;
        let version = required_version(input.version)?;
        let hash = match v.password.as_deref() {
            Some(p) => hash_password(p)?,
            None => String::new(),
        };
        let row = NewUser {
            email: v.email.clone(),
            name: v.name,
            role: v.role,
            password_hash: hash,
            active: v.active,
        };
        let mut tx = self.store.write().await?;
        let before = tx
            .user(id)
            .await?
            .ok_or_else(|| AppError::not_found("user", id))?;
        let user = tx
            .update_user(id, version, &row, v.password.is_some())
            .await
            .map_err(|e| AppError::duplicate_or(e, "user", "email", &v.email))?;
        audit(
            &mut tx,
            who,
            "users",
            id,
            "update",
            Some(&before),
            Some(&user),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// One user.
    pub async fn user(&self, who: &Principal, id: i64) -> Result<User> {
        who.require(Resource::Users, Access::Read)?;
        let mut tx = self.store.read().await?;
        tx.user(id)
            .await?
            .ok_or_else(|| AppError::not_found("user", id))
    }

    /// Users, paged.
    pub async fn list_users(&self, who: &Principal, q: &ListQuery) -> Result<Page<User>> {
        who.require(Resource::Users, Access::Read)?;
        let mut tx = self.store.read().await?;
        Ok(tx.list_users(q).await?)
    }

    /// Creates a user from the command line, or resets the password and role of an existing one.
    pub async fn add_or_reset_user(&self, email: &str, password: &str, role: Role) -> Result<User> {
        let input = UserInput {
            email: email.to_owned(),
            name: None,
            role,
            password: Some(password.to_owned()),
            active: Some(true),
            version: None,
        };
        let who = Principal::cli();
        let existing = {
            let mut tx = self.store.read().await?;
            tx.user_auth_by_email(email).await?
        };
        match existing {
            None => self.create_user(&who, &input).await,
            Some(a) => {
                let input = UserInput {
                    version: Some(a.user.version),
                    name: Some(a.user.name),
                    ..input
                };
                self.update_user(&who, a.user.id, &input).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(!h.contains("correct horse"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
    }

    #[test]
    fn tokens_are_random_and_digested() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(token_digest(&a).len(), 64);
        assert_ne!(token_digest(&a), a);
    }
}
