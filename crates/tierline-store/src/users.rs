//! Users: staff, customer users and vendor contacts.

use jiff::Timestamp;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use tierline_domain::ticket::Line;

use crate::customers::non_empty;
use crate::own_sql;
use crate::time::{from_db, to_db};
use crate::{CustomerId, Role, Store, StoreError, User, UserId, Viewer, audit, secrets};

const COLUMNS: &str = "id, email, name, role, customer_id, lines, disabled, created_at";

/// A user to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Sign-in address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Organisation: required for customer users, refused for others.
    pub customer_id: Option<CustomerId>,
    /// Lines, for agents.
    pub lines: Vec<Line>,
    /// A password, if they sign in to the web app.
    pub password: Option<String>,
}

pub(crate) fn user(r: &AnyRow) -> Result<User, StoreError> {
    let lines: String = r.try_get("lines")?;
    Ok(User {
        id: UserId(r.try_get("id")?),
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        role: crate::viewer::parse_role(&r.try_get::<String, _>("role")?)?,
        customer_id: r.try_get::<Option<i64>, _>("customer_id")?.map(CustomerId),
        lines: lines
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<i64>()
                    .ok()
                    .and_then(|n| Line::try_from(n).ok())
                    .ok_or_else(|| StoreError::Corrupt(format!("line {s:?}")))
            })
            .collect::<Result<_, _>>()?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        created_at: from_db(r.try_get("created_at")?)?,
    })
}

impl Store {
    /// Creates a user. `viewer: None` is the command line run by the operator on the server.
    pub async fn create_user(
        &self,
        viewer: Option<&Viewer>,
        new: NewUser,
        now: Timestamp,
    ) -> Result<User, StoreError> {
        if let Some(v) = viewer {
            v.require_admin()?;
        }
        let email = non_empty("email", &new.email, 254)?.to_lowercase();
        if !email.contains('@') {
            return Err(StoreError::invalid("email", "must be an email address"));
        }
        let name = non_empty("name", &new.name, 200)?;
        match (new.role, new.customer_id) {
            (Role::Customer, None) => {
                return Err(StoreError::invalid(
                    "customer_id",
                    "a customer user belongs to a customer",
                ));
            }
            (Role::Admin | Role::Agent | Role::Vendor, Some(_)) => {
                return Err(StoreError::invalid(
                    "customer_id",
                    "only customer users belong to a customer",
                ));
            }
            _ => {}
        }
        if !new.lines.is_empty() && !new.role.is_staff() {
            return Err(StoreError::invalid(
                "lines",
                "only staff work on support lines",
            ));
        }
        if let Some(c) = new.customer_id {
            let exists = sqlx::query("SELECT 1 FROM customers WHERE id = $1")
                .bind(c.0)
                .fetch_optional(&self.pool)
                .await?;
            if exists.is_none() {
                return Err(StoreError::invalid("customer_id", "no such customer"));
            }
        }
        let hash = match &new.password {
            Some(p) if p.chars().count() < 10 => {
                return Err(StoreError::invalid(
                    "password",
                    "must be at least 10 characters",
                ));
            }
            Some(p) => Some(secrets::hash_password(p)?),
            None => None,
        };
        let mut lines: Vec<u8> = new.lines.iter().map(|l| l.number()).collect();
        lines.sort_unstable();
        lines.dedup();
        let lines = lines
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(own_sql(format!(
            "INSERT INTO users (email, name, role, customer_id, lines, password_hash, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7) RETURNING {COLUMNS}"
        )))
        .bind(&email)
        .bind(&name)
        .bind(new.role.as_str())
        .bind(new.customer_id.map(|c| c.0))
        .bind(&lines)
        .bind(hash)
        .bind(to_db(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "a user with this email"))?;
        let u = user(&row)?;
        audit::record(
            &mut tx,
            now,
            viewer.map(|v| v.user_id),
            "user.create",
            &format!("user:{}", u.id),
            &json!({"email": email, "role": new.role}),
        )
        .await?;
        tx.commit().await?;
        Ok(u)
    }

    /// One user, if the viewer may see them: staff see everyone, others themselves and (customer
    /// users) their organisation's users.
    pub async fn user(&self, viewer: &Viewer, id: UserId) -> Result<User, StoreError> {
        let u = self.user_unscoped(id).await?.ok_or(StoreError::NotFound)?;
        let visible = viewer.is_staff()
            || u.id == viewer.user_id
            || (viewer.role == Role::Customer && u.customer_id == viewer.customer_id);
        if visible {
            Ok(u)
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// The users the viewer may see.
    pub async fn users(&self, viewer: &Viewer) -> Result<Vec<User>, StoreError> {
        let rows = if viewer.is_staff() {
            sqlx::query(own_sql(format!("SELECT {COLUMNS} FROM users ORDER BY id")))
                .fetch_all(&self.pool)
                .await?
        } else if viewer.role == Role::Customer {
            sqlx::query(own_sql(format!(
                "SELECT {COLUMNS} FROM users WHERE customer_id = $1 ORDER BY id"
            )))
            .bind(viewer.customer_id.map_or(0, |c| c.0))
            .fetch_all(&self.pool)
            .await?
        } else {
            sqlx::query(own_sql(format!(
                "SELECT {COLUMNS} FROM users WHERE id = $1"
            )))
            .bind(viewer.user_id.0)
            .fetch_all(&self.pool)
            .await?
        };
        rows.iter().map(user).collect()
    }

    pub(crate) async fn user_unscoped(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(own_sql(format!(
            "SELECT {COLUMNS} FROM users WHERE id = $1"
        )))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user).transpose()
    }

    /// Finds a user by email, for the command line.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query(own_sql(format!(
            "SELECT {COLUMNS} FROM users WHERE email = $1"
        )))
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user).transpose()
    }
}

/// Changes to a user; what is left out stays.
#[derive(Clone, Debug, Default)]
pub struct UserChange {
    /// A new display name.
    pub name: Option<String>,
    /// New lines (agents).
    pub lines: Option<Vec<Line>>,
    /// Disable (their sessions end and their API tokens are revoked, for good: enabling the
    /// user again does not bring them back) or enable.
    pub disabled: Option<bool>,
    /// A new password: every session of the user ends, but `keep_session`.
    pub password: Option<String>,
    /// The session secret of the request making the change, kept when someone changes their own
    /// password (they stay signed in where they are).
    pub keep_session: Option<String>,
}

impl Store {
    /// Changes a user (administrators only). An administrator cannot disable themselves.
    pub async fn update_user(
        &self,
        viewer: &Viewer,
        id: UserId,
        change: UserChange,
        now: Timestamp,
    ) -> Result<User, StoreError> {
        viewer.require_admin()?;
        let mut user = self.user_unscoped(id).await?.ok_or(StoreError::NotFound)?;
        if change.disabled == Some(true) && id == viewer.user_id {
            return Err(StoreError::invalid(
                "disabled",
                "you cannot disable yourself",
            ));
        }
        if let Some(name) = &change.name {
            user.name = non_empty("name", name, 200)?;
        }
        if let Some(lines) = &change.lines {
            if !lines.is_empty() && !user.role.is_staff() {
                return Err(StoreError::invalid(
                    "lines",
                    "only staff work on support lines",
                ));
            }
            let mut l = lines.clone();
            l.sort_unstable();
            l.dedup();
            user.lines = l;
        }
        if let Some(d) = change.disabled {
            user.disabled = d;
        }
        let hash = match &change.password {
            Some(p) if p.chars().count() < 10 => {
                return Err(StoreError::invalid(
                    "password",
                    "must be at least 10 characters",
                ));
            }
            Some(p) => Some(secrets::hash_password(p)?),
            None => None,
        };
        let lines = user
            .lines
            .iter()
            .map(|l| l.number().to_string())
            .collect::<Vec<_>>()
            .join(",");
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET name = $1, lines = $2, disabled = $3, password_hash = COALESCE($4, password_hash) WHERE id = $5")
            .bind(&user.name)
            .bind(lines)
            .bind(i64::from(user.disabled))
            .bind(hash)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        if user.disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            )
            .bind(to_db(now))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        } else if change.password.is_some() {
            // Whoever knew the old password is signed out everywhere; the one changing their own
            // password keeps the session they do it from.
            let keep = change
                .keep_session
                .as_deref()
                .filter(|_| id == viewer.user_id)
                .map(secrets::token_digest)
                .unwrap_or_default();
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND digest <> $2")
                .bind(id.0)
                .bind(keep)
                .execute(&mut *tx)
                .await?;
        }
        let detail = json!({"name": change.name, "lines": change.lines, "disabled": change.disabled, "password_changed": change.password.is_some()});
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "user.update",
            &format!("user:{id}"),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }
}

pub(crate) fn viewer_of(u: &User) -> Viewer {
    Viewer::from(u)
}

impl From<&User> for Viewer {
    /// The user as the identity calls are made for.
    fn from(u: &User) -> Viewer {
        Viewer {
            user_id: u.id,
            role: u.role,
            customer_id: u.customer_id,
            lines: u.lines.clone(),
        }
    }
}
