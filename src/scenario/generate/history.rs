//! Completed inspections and callbacks before the reference date.

use super::GenerateOptions;
use super::rng::Rng;
use super::sites::Placed;
use crate::domain::cadence::{
    CadenceConfig, Slot, inspection_slots, on_site_callback_slots, phone_callback_slots,
};
use crate::domain::dates::add_days;
use crate::domain::device::Device;
use crate::domain::engineer::Engineer;
use crate::domain::family::DeviceFamily;
use crate::domain::history::{CallbackKind, CallbackRecord, InspectionRecord};
use crate::domain::ids::{EngineerId, ServicePointId, SiteId};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// When a slot was done, if at all: mostly inside the window, some late, some missed; a
/// slot whose window is still open at the reference date is done half of the time.
fn done_date(
    rng: &mut Rng,
    slot: &Slot,
    next: Option<&Slot>,
    reference: NaiveDate,
    on_time: f64,
    late: f64,
) -> Option<NaiveDate> {
    let last_day = add_days(reference, -1);
    if slot.opens() > last_day {
        return None;
    }
    if slot.closes() >= reference {
        let span = (last_day - slot.opens()).num_days();
        return rng
            .chance(0.5)
            .then(|| add_days(slot.opens(), rng.int(0, span)));
    }
    let u = rng.unit();
    if u < on_time {
        let span = slot.window.len_days() as i64 - 1;
        Some(add_days(slot.opens(), rng.int(0, span)))
    } else if u < on_time + late {
        let d = add_days(slot.closes(), rng.int(1, 12));
        let before_next = next.is_none_or(|n| d < n.opens());
        (before_next && d < reference).then_some(d)
    } else {
        None
    }
}

pub fn generate(
    opts: &GenerateOptions,
    cadence: &CadenceConfig,
    history_from: NaiveDate,
    placed: &Placed,
    devices: &[Device],
    engineers: &[Engineer],
) -> (Vec<InspectionRecord>, Vec<CallbackRecord>) {
    let mut rng = Rng::stream(opts.seed, "history");
    let reference = opts.reference_date;
    let until = add_days(reference, -1);
    let mut by_sp: BTreeMap<&ServicePointId, Vec<&Engineer>> = BTreeMap::new();
    for e in engineers {
        by_sp.entry(&e.home).or_default().push(e);
    }
    let site_index: BTreeMap<&SiteId, usize> = placed
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.site.id, i))
        .collect();
    // The engineers near a site: those of its district's service points.
    let local_team = |site: &SiteId| -> Vec<&Engineer> {
        let gs = &placed.sites[site_index[site]];
        placed.district_sps[gs.district]
            .iter()
            .flat_map(|&sp| {
                by_sp
                    .get(&placed.service_points[sp].id)
                    .into_iter()
                    .flatten()
                    .copied()
            })
            .collect()
    };
    let pick_engineer =
        |rng: &mut Rng, site: &SiteId, family: Option<DeviceFamily>| -> EngineerId {
            let team = local_team(site);
            let skilled: Vec<&Engineer> = team
                .iter()
                .copied()
                .filter(|e| family.is_none_or(|f| e.skills.has(f)))
                .collect();
            let pool: Vec<&Engineer> = if skilled.is_empty() {
                engineers
                    .iter()
                    .filter(|e| family.is_none_or(|f| e.skills.has(f)))
                    .collect()
            } else {
                skilled
            };
            let pool = if pool.is_empty() {
                engineers.iter().collect()
            } else {
                pool
            };
            rng.pick(&pool).id.clone()
        };

    let mut inspections = Vec::new();
    for dev in devices {
        let Some(accepted) = dev.accepted() else {
            continue;
        };
        let slots = inspection_slots(cadence, accepted, until);
        for (i, slot) in slots.iter().enumerate() {
            if let Some(date) = done_date(&mut rng, slot, slots.get(i + 1), reference, 0.86, 0.08)
                .filter(|d| *d >= history_from)
            {
                let engineer = pick_engineer(&mut rng, dev.site(), Some(dev.family()));
                inspections.push(InspectionRecord {
                    device: dev.id().clone(),
                    date,
                    engineer,
                });
            }
        }
    }

    let mut sales: BTreeMap<&SiteId, Vec<NaiveDate>> = BTreeMap::new();
    for d in devices {
        sales.entry(d.site()).or_default().push(d.installed());
    }
    let mut callbacks = Vec::new();
    for gs in &placed.sites {
        let Some(site_sales) = sales.get(&gs.site.id) else {
            continue;
        };
        let anchor = *site_sales.iter().min().expect("not empty");
        let kinds = [
            (
                CallbackKind::Phone,
                phone_callback_slots(cadence, site_sales, until),
            ),
            (
                CallbackKind::OnSite,
                on_site_callback_slots(cadence, gs.site.tier, anchor, until),
            ),
        ];
        for (kind, slots) in kinds {
            for (i, slot) in slots.iter().enumerate() {
                if let Some(date) =
                    done_date(&mut rng, slot, slots.get(i + 1), reference, 0.9, 0.05)
                        .filter(|d| *d >= history_from)
                {
                    let engineer = pick_engineer(&mut rng, &gs.site.id, None);
                    callbacks.push(CallbackRecord {
                        site: gs.site.id.clone(),
                        kind,
                        date,
                        engineer,
                        unsolved: false,
                    });
                }
            }
        }
    }
    inspections.sort_by(|a, b| (a.date, &a.device).cmp(&(b.date, &b.device)));
    callbacks.sort_by(|a, b| (a.date, &a.site, a.kind).cmp(&(b.date, &b.site, b.kind)));
    (inspections, callbacks)
}
