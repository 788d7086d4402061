//! Faults of the last days before the reference instant, with their events so far.

use super::GenerateOptions;
use super::rng::Rng;
use crate::domain::dates::add_days;
use crate::domain::device::Device;
use crate::domain::duration::Minutes;
use crate::domain::fault::{Fault, FaultEvent, FaultEventKind, FaultLevel, FaultRecord};
use crate::domain::fault_model::FaultModel;
use crate::domain::ids::FaultId;
use crate::domain::instant::Instant;
use chrono::Datelike;

/// Days before the reference date whose faults are in the scenario.
const DAYS: i64 = 5;

fn minutes(rng: &mut Rng, lo: i64, hi: i64) -> Minutes {
    Minutes::new(rng.int(lo, hi) as u32)
}

pub fn generate(
    opts: &GenerateOptions,
    model: &FaultModel,
    now: Instant,
    devices: &[Device],
) -> Vec<FaultRecord> {
    let mut rng = Rng::stream(opts.seed, "faults");
    let mut drafts: Vec<(Fault, Vec<FaultEvent>)> = Vec::new();
    for dev in devices {
        for back in (0..=DAYS).rev() {
            let day = add_days(opts.reference_date, -back);
            let age = (day - dev.installed()).num_days().max(0) as u32;
            let p = model.rate_per_day(dev.family(), age, day.weekday());
            if !rng.chance(p) {
                continue;
            }
            // Mostly in working hours.
            let minute = if rng.chance(0.75) {
                rng.int(8 * 60, 18 * 60 - 1)
            } else {
                rng.int(0, 24 * 60 - 1)
            };
            let reported =
                Instant::start_of(day).expect("midnight exists") + Minutes::new(minute as u32);
            if reported >= now {
                continue;
            }
            let level = model.level_for(dev.family(), rng.unit());
            let fault = Fault {
                id: FaultId::new("F-0").expect("placeholder"),
                device: dev.id().clone(),
                level,
                reported,
                description: String::new(),
            };
            drafts.push((fault, events(&mut rng, level, reported)));
        }
    }
    drafts.sort_by(|a, b| (a.0.reported, &a.0.device).cmp(&(b.0.reported, &b.0.device)));
    drafts
        .into_iter()
        .enumerate()
        .map(|(i, (mut fault, events))| {
            fault.id = FaultId::numbered(i + 1, 4);
            let events = events.into_iter().filter(|e| e.at < now).collect();
            FaultRecord::new(fault, events).expect("events follow the report in order")
        })
        .collect()
}

/// A plausible history: a response, then either a visit or a remote fix.
fn events(rng: &mut Rng, level: FaultLevel, reported: Instant) -> Vec<FaultEvent> {
    let ev = |kind, at| FaultEvent::new(kind, at);
    let responded = reported + minutes(rng, 5, 100);
    let mut out = vec![ev(FaultEventKind::Responded, responded)];
    let urgent = matches!(level, FaultLevel::L1 | FaultLevel::L2);
    if urgent || rng.chance(0.5) {
        let mut t = responded;
        if !urgent {
            t = t + minutes(rng, 30, 300);
            out.push(ev(FaultEventKind::RemoteFailed, t));
        }
        let dispatched = t + minutes(rng, 0, 60);
        let arrived = dispatched + minutes(rng, 20, 180);
        // A third of the visits wait for a spare part.
        let repair = if rng.chance(0.35) {
            minutes(rng, 1440, 4320)
        } else {
            minutes(rng, 60, 600)
        };
        let resolved = arrived + repair;
        out.push(ev(FaultEventKind::Dispatched, dispatched));
        out.push(ev(FaultEventKind::OnSite, arrived));
        out.push(ev(FaultEventKind::Resolved, resolved));
    } else {
        let solved = responded + minutes(rng, 30, 2880);
        out.push(ev(FaultEventKind::SolutionGiven, solved));
        out.push(ev(FaultEventKind::Resolved, solved + minutes(rng, 0, 120)));
    }
    out
}
