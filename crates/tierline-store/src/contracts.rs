//! Contract versions: one contract per customer at a time, versioned by effective date.

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use tierline_domain::contract::{Contract, ContractTerms};

use crate::own_sql;
use crate::time::{from_db, to_db};
use crate::{ContractVersion, ContractVersionId, CustomerId, Store, StoreError, Viewer, audit};

pub(crate) fn version(r: &AnyRow) -> Result<ContractVersion, StoreError> {
    let effective: String = r.try_get("effective_from")?;
    let terms: String = r.try_get("terms")?;
    Ok(ContractVersion {
        id: ContractVersionId(r.try_get("id")?),
        customer_id: CustomerId(r.try_get("customer_id")?),
        effective_from: effective
            .parse()
            .map_err(|e: jiff::Error| StoreError::Corrupt(e.to_string()))?,
        terms: serde_json::from_str(&terms).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        created_at: from_db(r.try_get("created_at")?)?,
    })
}

const COLUMNS: &str = "id, customer_id, effective_from, terms, created_at";

impl Store {
    /// Adds a contract version for a customer, in force from a local date (administrators only).
    /// Versions are never edited: a change of terms is a new version.
    pub async fn create_contract_version(
        &self,
        viewer: &Viewer,
        customer_id: CustomerId,
        effective_from: Date,
        terms: ContractTerms,
        now: Timestamp,
    ) -> Result<ContractVersion, StoreError> {
        viewer.require_admin()?;
        self.customer(viewer, customer_id).await?;
        terms
            .clone()
            .validate()
            .map_err(|e| StoreError::invalid("terms", e.to_string()))?;
        let body = serde_json::to_string(&terms).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(own_sql(format!(
            "INSERT INTO contract_versions (customer_id, effective_from, terms, created_at) VALUES ($1, $2, $3, $4) RETURNING {COLUMNS}"
        )))
        .bind(customer_id.0)
        .bind(effective_from.to_string())
        .bind(body)
        .bind(to_db(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "a contract version from this date"))?;
        let v = version(&row)?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "contract.create",
            &format!("contract_version:{}", v.id),
            &json!({"customer_id": customer_id, "effective_from": effective_from}),
        )
        .await?;
        tx.commit().await?;
        Ok(v)
    }

    /// A customer's contract versions, oldest first.
    pub async fn contract_versions(
        &self,
        viewer: &Viewer,
        customer_id: CustomerId,
    ) -> Result<Vec<ContractVersion>, StoreError> {
        self.customer(viewer, customer_id).await?;
        let rows = sqlx::query(own_sql(format!(
            "SELECT {COLUMNS} FROM contract_versions WHERE customer_id = $1 ORDER BY effective_from"
        )))
        .bind(customer_id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(version).collect()
    }

    /// One contract version, if the viewer may see its customer.
    pub async fn contract_version(
        &self,
        viewer: &Viewer,
        id: ContractVersionId,
    ) -> Result<ContractVersion, StoreError> {
        let v = self.contract_version_unscoped(id).await?;
        if viewer.confined_to().is_some_and(|c| c != v.customer_id) {
            return Err(StoreError::NotFound);
        }
        Ok(v)
    }

    pub(crate) async fn contract_version_unscoped(
        &self,
        id: ContractVersionId,
    ) -> Result<ContractVersion, StoreError> {
        let row = sqlx::query(own_sql(format!(
            "SELECT {COLUMNS} FROM contract_versions WHERE id = $1"
        )))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        version(&row)
    }

    /// The version in force at `at`: the latest whose effective date, in its own time zone, is on
    /// or before the local date of `at`.
    pub(crate) async fn contract_in_force(
        &self,
        customer_id: CustomerId,
        at: Timestamp,
    ) -> Result<(ContractVersionId, std::sync::Arc<Contract>), StoreError> {
        // Ids and dates only: the terms of a version never change, so they come from the cache.
        let rows = sqlx::query("SELECT id, effective_from FROM contract_versions WHERE customer_id = $1 ORDER BY effective_from DESC")
            .bind(customer_id.0)
            .fetch_all(&self.pool)
            .await?;
        if rows.is_empty() {
            // Only now tell "no such customer" from "no contract": the happy path skips the query.
            let exists = sqlx::query("SELECT 1 AS one FROM customers WHERE id = $1")
                .bind(customer_id.0)
                .fetch_optional(&self.pool)
                .await?;
            if exists.is_none() {
                return Err(StoreError::invalid("customer_id", "no such customer"));
            }
        }
        for row in &rows {
            let id = ContractVersionId(row.try_get("id")?);
            let effective: Date = row
                .try_get::<String, _>("effective_from")?
                .parse()
                .map_err(|e: jiff::Error| StoreError::Corrupt(e.to_string()))?;
            let contract = self.contract_by_id(id).await?;
            if at.to_zoned(contract.calendar().tz().clone()).date() >= effective {
                return Ok((id, contract));
            }
        }
        Err(StoreError::invalid(
            "customer_id",
            "the customer has no contract in force at that time",
        ))
    }
}
