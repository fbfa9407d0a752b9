//! Monitoring as the front-ends reach it: monitors, maintenance windows, incidents, alerts,
//! heartbeats and availability. Pass-throughs: their rules live in the store and the domain.

use crate::prelude::*;

impl Desk {
    /// A system's availability over `period` (cut at `now`), if the viewer may see the system.
    pub async fn availability(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
        period: Period,
        now: Timestamp,
    ) -> Result<Availability, DeskError> {
        Ok(self
            .store
            .availability(viewer, system_id, period, now)
            .await?)
    }

    /// Records a maintenance window (staff).
    pub async fn create_maintenance(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
        new: NewMaintenance,
        now: Timestamp,
    ) -> Result<MaintenanceWindow, DeskError> {
        Ok(self
            .store
            .create_maintenance(viewer, system_id, new, now)
            .await?)
    }

    /// Adds a monitor to a system (staff).
    pub async fn create_monitor(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
        settings: MonitorSettings,
        now: Timestamp,
    ) -> Result<CreatedMonitor, DeskError> {
        Ok(self
            .store
            .create_monitor(viewer, system_id, settings, now)
            .await?)
    }

    /// The customer a webhook secret belongs to.
    pub async fn customer_by_alert_secret(&self, secret: &str) -> Result<CustomerId, DeskError> {
        Ok(self.store.customer_by_alert_secret(secret).await?)
    }

    /// Removes a maintenance window (staff).
    pub async fn delete_maintenance(
        &self,
        viewer: &Viewer,
        id: i64,
        now: Timestamp,
    ) -> Result<(), DeskError> {
        Ok(self.store.delete_maintenance(viewer, id, now).await?)
    }

    /// Records a heartbeat call; `NotFound` for an unknown secret.
    pub async fn heartbeat(&self, secret: &str, now: Timestamp) -> Result<MonitorId, DeskError> {
        Ok(self.store.heartbeat(secret, now).await?)
    }

    /// The incidents of a system, newest first.
    pub async fn incidents(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
    ) -> Result<Vec<Incident>, DeskError> {
        Ok(self.store.incidents(viewer, system_id).await?)
    }

    /// A system's maintenance windows, newest first.
    pub async fn maintenance_windows(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
    ) -> Result<Vec<MaintenanceWindow>, DeskError> {
        Ok(self.store.maintenance_windows(viewer, system_id).await?)
    }

    /// One monitor, if the viewer may see its system.
    pub async fn monitor(&self, viewer: &Viewer, id: MonitorId) -> Result<Monitor, DeskError> {
        Ok(self.store.monitor(viewer, id).await?)
    }

    /// A system's monitors, if the viewer may see the system.
    pub async fn monitors(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
    ) -> Result<Vec<Monitor>, DeskError> {
        Ok(self.store.monitors(viewer, system_id).await?)
    }

    /// Records one alert from `source` (`alertmanager`, `grafana`, `zabbix`) for a customer.
    pub async fn record_alert(
        &self,
        customer_id: CustomerId,
        source: &'static str,
        alert: &Alert,
        now: Timestamp,
    ) -> Result<AlertOutcome, DeskError> {
        Ok(self
            .store
            .record_alert(customer_id, source, alert, now)
            .await?)
    }

    /// A new webhook secret for a customer (administrators), replacing the old one; shown once.
    pub async fn rotate_alert_secret(
        &self,
        viewer: &Viewer,
        customer_id: CustomerId,
        now: Timestamp,
    ) -> Result<String, DeskError> {
        Ok(self
            .store
            .rotate_alert_secret(viewer, customer_id, now)
            .await?)
    }

    /// Allows a monitor's target to be a private address, or withdraws that (administrators).
    pub async fn set_monitor_private_targets(
        &self,
        viewer: &Viewer,
        id: MonitorId,
        allow: bool,
        now: Timestamp,
    ) -> Result<Monitor, DeskError> {
        Ok(self
            .store
            .set_monitor_private_targets(viewer, id, allow, now)
            .await?)
    }

    /// Changes a monitor's settings (staff). Its kind stays; disabling it makes its health
    /// unknown from now, and enabling it starts afresh. An allowance to reach private addresses
    /// stays only while the target does (`tierline_domain::reach::allowance`).
    pub async fn update_monitor(
        &self,
        viewer: &Viewer,
        id: MonitorId,
        settings: MonitorSettings,
        now: Timestamp,
    ) -> Result<Monitor, DeskError> {
        Ok(self.store.update_monitor(viewer, id, settings, now).await?)
    }

    /// The system, if the viewer may see it.
    pub async fn visible_system(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
    ) -> Result<tierline_store::System, DeskError> {
        Ok(self.store.visible_system(viewer, system_id).await?)
    }
}
