//! Customers and their systems.

use jiff::Timestamp;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::time::{from_db, to_db};
use crate::{Customer, CustomerId, Store, StoreError, System, SystemId, Viewer, audit};

fn customer(r: &AnyRow) -> Result<Customer, StoreError> {
    Ok(Customer {
        id: CustomerId(r.try_get("id")?),
        name: r.try_get("name")?,
        created_at: from_db(r.try_get("created_at")?)?,
    })
}

fn system(r: &AnyRow) -> Result<System, StoreError> {
    Ok(System {
        id: SystemId(r.try_get("id")?),
        customer_id: CustomerId(r.try_get("customer_id")?),
        name: r.try_get("name")?,
        built_by_us: r.try_get::<i64, _>("built_by_us")? != 0,
        url: r.try_get("url")?,
        created_at: from_db(r.try_get("created_at")?)?,
    })
}

/// A required text, checked as the workflow checks its texts (trimmed, not empty, bounded, no
/// control characters): the last line for any way in that forgot to check.
pub(crate) fn non_empty(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<String, StoreError> {
    Ok(tierline_domain::workflow::input::non_empty(
        field, value, max,
    )?)
}

impl Store {
    /// Records a customer (administrators only).
    pub async fn create_customer(
        &self,
        viewer: &Viewer,
        name: &str,
        now: Timestamp,
    ) -> Result<Customer, StoreError> {
        viewer.require_admin()?;
        let name = non_empty("name", name, 200)?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("INSERT INTO customers (name, created_at) VALUES ($1, $2) RETURNING id, name, created_at")
            .bind(&name)
            .bind(to_db(now))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::unique(e, "a customer with this name"))?;
        let c = customer(&row)?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "customer.create",
            &format!("customer:{}", c.id),
            &json!({"name": name}),
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }

    /// One customer, if the viewer may see it.
    pub async fn customer(&self, viewer: &Viewer, id: CustomerId) -> Result<Customer, StoreError> {
        if viewer.confined_to().is_some_and(|c| c != id) {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query("SELECT id, name, created_at FROM customers WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        customer(&row)
    }

    /// The customers the viewer may see, by name.
    pub async fn customers(&self, viewer: &Viewer) -> Result<Vec<Customer>, StoreError> {
        let rows = match viewer.confined_to() {
            None => {
                sqlx::query("SELECT id, name, created_at FROM customers ORDER BY name")
                    .fetch_all(&self.pool)
                    .await?
            }
            Some(c) => {
                sqlx::query("SELECT id, name, created_at FROM customers WHERE id = $1")
                    .bind(c.0)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(customer).collect()
    }

    /// Records a system of a customer (administrators only).
    pub async fn create_system(
        &self,
        viewer: &Viewer,
        customer_id: CustomerId,
        name: &str,
        built_by_us: bool,
        url: Option<&str>,
        now: Timestamp,
    ) -> Result<System, StoreError> {
        viewer.require_admin()?;
        let name = non_empty("name", name, 200)?;
        self.customer(viewer, customer_id).await?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO systems (customer_id, name, built_by_us, url, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, customer_id, name, built_by_us, url, created_at",
        )
        .bind(customer_id.0)
        .bind(&name)
        .bind(i64::from(built_by_us))
        .bind(url)
        .bind(to_db(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "a system with this name for this customer"))?;
        let s = system(&row)?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "system.create",
            &format!("system:{}", s.id),
            &json!({"customer_id": customer_id, "name": name}),
        )
        .await?;
        tx.commit().await?;
        Ok(s)
    }

    /// A customer's systems.
    pub async fn systems(
        &self,
        viewer: &Viewer,
        customer_id: CustomerId,
    ) -> Result<Vec<System>, StoreError> {
        self.customer(viewer, customer_id).await?;
        let rows = sqlx::query("SELECT id, customer_id, name, built_by_us, url, created_at FROM systems WHERE customer_id = $1 ORDER BY name")
            .bind(customer_id.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(system).collect()
    }

    pub(crate) async fn system_of(&self, id: SystemId) -> Result<Option<System>, StoreError> {
        let row = sqlx::query(
            "SELECT id, customer_id, name, built_by_us, url, created_at FROM systems WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(system).transpose()
    }
}
