//! The cadence tasks of a whole customer base in a horizon: inspections of every device,
//! phone and on-site callbacks of every customer, each with its duration.

use super::cadence::{
    due_in_horizon, escalation_slots, inspection_slots, inspection_slots_after,
    on_site_callback_slots, on_site_callback_slots_after, phone_callback_slots,
};
use super::config::DomainConfig;
use super::dates::DateRange;
use super::device::Device;
use super::history::{CallbackKind, History};
use super::ids::{SiteId, TaskId};
use super::site::Site;
use super::task::{Task, TaskDetail};
use chrono::NaiveDate;
use std::collections::BTreeMap;

fn task_id(kind: &str, subject: &str, due: NaiveDate) -> TaskId {
    TaskId::new(format!("T-{kind}-{subject}-{}", due.format("%Y%m%d")))
        .expect("ids and dates make valid id text")
}

/// Inspections, phone callbacks and on-site callbacks due in `horizon` (overdue ones
/// included, flagged), in a stable order: by site, then kind, then due date.
pub fn due_tasks(
    sites: &[Site],
    devices: &[Device],
    history: &History,
    cfg: &DomainConfig,
    horizon: DateRange,
) -> Vec<Task> {
    let until = horizon.last();
    let mut by_site: BTreeMap<&SiteId, Vec<&Device>> = BTreeMap::new();
    for d in devices {
        by_site.entry(d.site()).or_default().push(d);
    }
    let mut tasks = Vec::new();
    for site in sites {
        let Some(devs) = by_site.get(&site.id) else {
            continue;
        };
        for dev in devs {
            // The schedule follows the last actual visit once there is one; it starts at
            // acceptance, so a device not yet accepted has none.
            let Some(accepted) = dev.accepted() else {
                continue;
            };
            let last = history.last_inspection(dev.id());
            let slots = match last {
                Some(done) => inspection_slots_after(&cfg.cadence, accepted, done, until),
                None => inspection_slots(&cfg.cadence, accepted, until),
            };
            for due in due_in_horizon(&slots, last, horizon) {
                let detail = TaskDetail::Inspection {
                    device: dev.id().clone(),
                    family: dev.family(),
                    due,
                };
                let id = task_id("INSP", dev.id().as_str(), due.slot.due);
                tasks.push(Task::new(id, site.id.clone(), detail, &cfg.durations));
            }
        }
        let sales: Vec<NaiveDate> = devs.iter().map(|d| d.installed()).collect();
        let anchor = *sales.iter().min().expect("a site in the map has a device");
        let phone = phone_callback_slots(&cfg.cadence, &sales, until);
        let mut on_site = match history.last_callback(&site.id, CallbackKind::OnSite) {
            Some(done) => on_site_callback_slots_after(&cfg.cadence, site.tier, done, until),
            None => on_site_callback_slots(&cfg.cadence, site.tier, anchor, until),
        };
        // Escalations of unsolved phone callbacks join the tier's slots; an on-site callback
        // done on or after the phone callback settles one (`due_in_horizon`).
        let unsolved = history.unsolved_phone_callbacks(&site.id);
        on_site.extend(escalation_slots(&cfg.cadence, unsolved, until));
        on_site.sort_by_key(|s| (s.opens(), s.due));
        on_site.dedup_by_key(|s| s.due);
        for (kind, slots) in [
            (CallbackKind::Phone, phone),
            (CallbackKind::OnSite, on_site),
        ] {
            let last = history.last_callback(&site.id, kind);
            for due in due_in_horizon(&slots, last, horizon) {
                let (code, detail) = match kind {
                    CallbackKind::Phone => ("PCB", TaskDetail::PhoneCallback { due }),
                    CallbackKind::OnSite => ("OCB", TaskDetail::OnSiteCallback { due }),
                };
                let id = task_id(code, site.id.as_str(), due.slot.due);
                tasks.push(Task::new(id, site.id.clone(), detail, &cfg.durations));
            }
        }
    }
    tasks
}
