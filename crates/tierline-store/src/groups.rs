//! Groups of agents, beside the lines: a team or a specialism a ticket can be given to.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::customers::non_empty;
use crate::time::{from_db, to_db};
use crate::{Role, Store, StoreError, UserId, Viewer, audit};

/// A group of agents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Group {
    /// Its id.
    pub id: i64,
    /// Its name, unique.
    pub name: String,
    /// Its members.
    pub members: Vec<UserId>,
    /// When it was created.
    pub created_at: Timestamp,
}

fn group(r: &AnyRow, members: Vec<UserId>) -> Result<Group, StoreError> {
    Ok(Group {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        members,
        created_at: from_db(r.try_get("created_at")?)?,
    })
}

impl Store {
    /// Creates a group (administrators only).
    pub async fn create_group(
        &self,
        viewer: &Viewer,
        name: &str,
        now: Timestamp,
    ) -> Result<Group, StoreError> {
        viewer.require_admin()?;
        let name = non_empty("name", name, 200)?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("INSERT INTO agent_groups (name, created_at) VALUES ($1, $2) RETURNING id, name, created_at")
            .bind(&name)
            .bind(to_db(now))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::unique(e, "a group with this name"))?;
        let g = group(&row, Vec::new())?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "group.create",
            &format!("group:{}", g.id),
            &json!({"name": name}),
        )
        .await?;
        tx.commit().await?;
        Ok(g)
    }

    /// Adds an agent to a group (administrators only).
    pub async fn add_group_member(
        &self,
        viewer: &Viewer,
        group_id: i64,
        user: UserId,
        now: Timestamp,
    ) -> Result<Group, StoreError> {
        viewer.require_admin()?;
        let u = self.user_unscoped(user).await?;
        if !u.is_some_and(|u| matches!(u.role, Role::Agent | Role::Admin)) {
            return Err(StoreError::invalid("user_id", "no such agent"));
        }
        self.group(viewer, group_id).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT (group_id, user_id) DO NOTHING")
            .bind(group_id)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "group.member",
            &format!("group:{group_id}"),
            &json!({"user_id": user}),
        )
        .await?;
        tx.commit().await?;
        self.group(viewer, group_id).await
    }

    /// One group (staff only).
    pub async fn group(&self, viewer: &Viewer, id: i64) -> Result<Group, StoreError> {
        viewer.require_staff()?;
        let row = sqlx::query("SELECT id, name, created_at FROM agent_groups WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let members =
            sqlx::query("SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get("user_id").map(UserId))
                .collect::<Result<_, _>>()?;
        group(&row, members)
    }

    /// Every group (staff only).
    pub async fn groups(&self, viewer: &Viewer) -> Result<Vec<Group>, StoreError> {
        viewer.require_staff()?;
        let ids: Vec<i64> = sqlx::query("SELECT id FROM agent_groups ORDER BY name")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.group(viewer, id).await?);
        }
        Ok(out)
    }
}
