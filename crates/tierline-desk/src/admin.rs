//! Administration as it is stored: users, customers, systems, contracts, groups, leads and
//! tokens. Pure pass-throughs: the store checks who may do each, and no use case adds to them.

use crate::prelude::*;

impl Desk {
    /// Adds an agent to a group (administrators only).
    pub async fn add_group_member(
        &self,
        viewer: &Viewer,
        group_id: i64,
        user: UserId,
        now: Timestamp,
    ) -> Result<Group, DeskError> {
        Ok(self
            .store
            .add_group_member(viewer, group_id, user, now)
            .await?)
    }

    /// Changes the viewer's own password. `keep_session` is the secret of the session the change
    /// is made from, which stays signed in; every other session of the user ends. API tokens stay:
    /// they are revoked one by one, or all at once by disabling the user.
    pub async fn change_own_password(
        &self,
        viewer: &Viewer,
        current: &str,
        new: &str,
        keep_session: Option<&str>,
        client: &str,
        now: Timestamp,
    ) -> Result<(), DeskError> {
        Ok(self
            .store
            .change_own_password(viewer, current, new, keep_session, client, now)
            .await?)
    }

    /// Consultation hours used in the month that contains `month`'s first day, in the time zone
    /// of the contract in force then. The customer's own users may see it.
    pub async fn consultation_usage(
        &self,
        viewer: &Viewer,
        customer: CustomerId,
        month: Date,
    ) -> Result<ConsultationUsage, DeskError> {
        Ok(self
            .store
            .consultation_usage(viewer, customer, month)
            .await?)
    }

    /// A contract version's validated terms, by id, without an access check: for callers that
    /// reached it through a ticket the viewer may see.
    pub async fn contract_by_id(
        &self,
        id: tierline_store::ContractVersionId,
    ) -> Result<std::sync::Arc<tierline_domain::contract::Contract>, DeskError> {
        Ok(self.store.contract_by_id(id).await?)
    }

    /// One contract version, if the viewer may see its customer.
    pub async fn contract_version(
        &self,
        viewer: &Viewer,
        id: ContractVersionId,
    ) -> Result<ContractVersion, DeskError> {
        Ok(self.store.contract_version(viewer, id).await?)
    }

    /// A customer's contract versions, oldest first.
    pub async fn contract_versions(
        &self,
        viewer: &Viewer,
        customer_id: CustomerId,
    ) -> Result<Vec<ContractVersion>, DeskError> {
        Ok(self.store.contract_versions(viewer, customer_id).await?)
    }

    /// Adds a contract version for a customer, in force from a local date (administrators only).
    /// Versions are never edited: a change of terms is a new version.
    pub async fn create_contract_version(
        &self,
        viewer: &Viewer,
        customer_id: CustomerId,
        effective_from: Date,
        terms: ContractTerms,
        now: Timestamp,
    ) -> Result<ContractVersion, DeskError> {
        Ok(self
            .store
            .create_contract_version(viewer, customer_id, effective_from, terms, now)
            .await?)
    }

    /// Records a customer (administrators only).
    pub async fn create_customer(
        &self,
        viewer: &Viewer,
        name: &str,
        now: Timestamp,
    ) -> Result<Customer, DeskError> {
        Ok(self.store.create_customer(viewer, name, now).await?)
    }

    /// Creates a group (administrators only).
    pub async fn create_group(
        &self,
        viewer: &Viewer,
        name: &str,
        now: Timestamp,
    ) -> Result<Group, DeskError> {
        Ok(self.store.create_group(viewer, name, now).await?)
    }

    /// Records a lead from `client` (the remote address), unless that client sent too many.
    pub async fn create_lead(
        &self,
        name: &str,
        phone: &str,
        need: &str,
        client: &str,
        now: Timestamp,
    ) -> Result<Lead, DeskError> {
        Ok(self
            .store
            .create_lead(name, phone, need, client, now)
            .await?)
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
    ) -> Result<System, DeskError> {
        Ok(self
            .store
            .create_system(viewer, customer_id, name, built_by_us, url, now)
            .await?)
    }

    /// Creates a token for `user_id` and returns its secret, which is not stored and cannot be
    /// shown again. Users make their own; administrators make anyone's; `viewer: None` is the
    /// operator's command line.
    pub async fn create_token(
        &self,
        viewer: Option<&Viewer>,
        user_id: UserId,
        name: &str,
        now: Timestamp,
    ) -> Result<(TokenInfo, String), DeskError> {
        Ok(self.store.create_token(viewer, user_id, name, now).await?)
    }

    /// Creates a user. `viewer: None` is the command line run by the operator on the server.
    pub async fn create_user(
        &self,
        viewer: Option<&Viewer>,
        new: NewUser,
        now: Timestamp,
    ) -> Result<User, DeskError> {
        Ok(self.store.create_user(viewer, new, now).await?)
    }

    /// One customer, if the viewer may see it.
    pub async fn customer(&self, viewer: &Viewer, id: CustomerId) -> Result<Customer, DeskError> {
        Ok(self.store.customer(viewer, id).await?)
    }

    /// The customers the viewer may see, by name.
    pub async fn customers(&self, viewer: &Viewer) -> Result<Vec<Customer>, DeskError> {
        Ok(self.store.customers(viewer).await?)
    }

    /// Every group (staff only).
    pub async fn groups(&self, viewer: &Viewer) -> Result<Vec<Group>, DeskError> {
        Ok(self.store.groups(viewer).await?)
    }

    /// Marks a lead handled (administrators only).
    pub async fn handle_lead(
        &self,
        viewer: &Viewer,
        id: i64,
        now: Timestamp,
    ) -> Result<(), DeskError> {
        Ok(self.store.handle_lead(viewer, id, now).await?)
    }

    /// Leads, newest first (administrators only).
    pub async fn leads(&self, viewer: &Viewer) -> Result<Vec<Lead>, DeskError> {
        Ok(self.store.leads(viewer).await?)
    }

    /// Revokes a token (its owner or an administrator).
    pub async fn revoke_token(
        &self,
        viewer: &Viewer,
        id: TokenId,
        now: Timestamp,
    ) -> Result<(), DeskError> {
        Ok(self.store.revoke_token(viewer, id, now).await?)
    }

    /// A customer's systems.
    pub async fn systems(
        &self,
        viewer: &Viewer,
        customer_id: CustomerId,
    ) -> Result<Vec<System>, DeskError> {
        Ok(self.store.systems(viewer, customer_id).await?)
    }

    /// A user's tokens (the user or an administrator).
    pub async fn tokens(
        &self,
        viewer: &Viewer,
        user_id: UserId,
    ) -> Result<Vec<TokenInfo>, DeskError> {
        Ok(self.store.tokens(viewer, user_id).await?)
    }

    /// Changes a user (administrators only). An administrator cannot disable themselves.
    pub async fn update_user(
        &self,
        viewer: &Viewer,
        id: UserId,
        change: UserChange,
        now: Timestamp,
    ) -> Result<User, DeskError> {
        Ok(self.store.update_user(viewer, id, change, now).await?)
    }

    /// One user, if the viewer may see them: staff see everyone, others themselves and (customer
    /// users) their organisation's users.
    pub async fn user(&self, viewer: &Viewer, id: UserId) -> Result<User, DeskError> {
        Ok(self.store.user(viewer, id).await?)
    }

    /// The users the viewer may see.
    pub async fn users(&self, viewer: &Viewer) -> Result<Vec<User>, DeskError> {
        Ok(self.store.users(viewer).await?)
    }
}
