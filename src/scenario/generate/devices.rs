//! Devices per site, installed over the four years before the reference date.

use super::names::models;
use super::rng::Rng;
use super::sites::Placed;
use super::{GenerateOptions, id_width};
use crate::domain::dates::{add_days, add_months};
use crate::domain::device::{Device, DeviceData};
use crate::domain::family::DeviceFamily;
use crate::domain::ids::DeviceId;
use crate::domain::site::CustomerTier;
use chrono::Datelike;

/// Days of installation history: four years.
const SPREAD_DAYS: i64 = 4 * 365;
/// The newest installation is this many days before the reference date.
const NEWEST_DAYS: i64 = 21;

pub fn generate(opts: &GenerateOptions, placed: &Placed) -> Vec<Device> {
    let mut rng = Rng::stream(opts.seed, "devices");
    let reference = opts.reference_date;
    let mut drafts = Vec::new();
    for gs in &placed.sites {
        let tier = gs.site.tier;
        let count = match tier {
            CustomerTier::VeryLarge => rng.int(5, 9),
            CustomerTier::Large => rng.int(3, 6),
            CustomerTier::Normal => 1 + i64::from(rng.chance(0.6)),
        } as usize;
        let first_sale = add_days(reference, -rng.int(NEWEST_DAYS, SPREAD_DAYS));
        for k in 0..count {
            let family = if gs.kind.families.len() == 1 {
                gs.kind.families[0]
            } else if tier == CustomerTier::VeryLarge && k < 2 {
                DeviceFamily::ALL[k]
            } else {
                *rng.pick(gs.kind.families)
            };
            let installed = if k == 0 || rng.chance(0.35) {
                first_sale
            } else {
                let span = (reference - first_sale).num_days() - NEWEST_DAYS;
                add_days(first_sale, rng.int(0, span.max(0)))
            };
            let all = models(family);
            let range = match tier {
                CustomerTier::Normal => 0..2,
                CustomerTier::Large => 1..4,
                CustomerTier::VeryLarge => 2..5,
            };
            let (model, code) = all[range.start + rng.below(range.len() as u64) as usize];
            let accepted = add_days(installed, rng.int(2, 10));
            let extended = tier != CustomerTier::Normal && rng.chance(0.25);
            let warranty_end = if extended {
                add_months(installed, 36).pred_opt().expect("in range")
            } else {
                Device::standard_warranty_end(installed)
            };
            drafts.push((
                gs.site.id.clone(),
                family,
                model,
                code,
                installed,
                accepted,
                warranty_end,
            ));
        }
    }
    let width = id_width(drafts.len());
    drafts
        .into_iter()
        .enumerate()
        .map(
            |(i, (site, family, model, code, installed, accepted, warranty_end))| {
                Device::new(DeviceData {
                    id: DeviceId::numbered(i + 1, width),
                    site,
                    family,
                    model: model.into(),
                    serial: format!("{code}{:02}{:05}", installed.year() % 100, i + 1),
                    installed,
                    accepted: Some(accepted),
                    warranty_end,
                })
                .expect("generated dates are in order")
            },
        )
        .collect()
}
