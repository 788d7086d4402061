//! Engineers per service point: names, skills, shifts, absences, on-call rotation.

use super::GenerateOptions;
use super::names::{GIVEN, SURNAMES};
use super::places::apportion;
use super::rng::Rng;
use super::sites::Placed;
use crate::domain::dates::{DateRange, add_days};
use crate::domain::day_time::LocalWindow;
use crate::domain::duration::Minutes;
use crate::domain::engineer::{Engineer, Leave, LeaveKind, Role, Skills};
use crate::domain::family::DeviceFamily;
use crate::domain::ids::EngineerId;
use crate::domain::name::Name;
use crate::domain::week::Week;
use chrono::Weekday;
use std::collections::BTreeSet;

fn w(text: &str) -> LocalWindow {
    LocalWindow::parse(text).expect("valid window literal")
}

fn shifts(rng: &mut Rng) -> Week<Option<LocalWindow>> {
    let day = w("08:30-17:30");
    let pattern = rng.weighted(&[0.7, 0.15, 0.15]);
    Week::from_fn(|d| match (pattern, d) {
        (_, Weekday::Sun) => None,
        (0, Weekday::Sat) => None,
        (1, Weekday::Mon) => None,
        (2, Weekday::Sat) => Some(w("08:30-12:00")),
        (2, _) => Some(w("08:00-17:00")),
        _ => Some(day),
    })
}

fn person_name(rng: &mut Rng, used: &mut BTreeSet<String>) -> Name {
    loop {
        let s = rng.pick(SURNAMES);
        let g1 = rng.pick(GIVEN);
        let (zh, py) = if rng.chance(0.6) {
            let g2 = rng.pick(GIVEN);
            (
                format!("{}{}{}", s.0, g1.0, g2.0),
                format!("{}{}", g1.1, g2.1),
            )
        } else {
            (format!("{}{}", s.0, g1.0), g1.1.to_string())
        };
        if used.insert(zh.clone()) {
            let mut given = py;
            given[..1].make_ascii_uppercase();
            return Name::new(zh, format!("{} {given}", s.1)).expect("not empty");
        }
    }
}

pub fn generate(opts: &GenerateOptions, placed: &Placed) -> Vec<Engineer> {
    let mut rng = Rng::stream(opts.seed, "engineers");
    let per_sp = apportion(opts.engineers, &placed.sp_load, 1);
    let width = opts.engineers.to_string().len().max(2);
    let horizon = DateRange::days_from(opts.reference_date, opts.horizon_days);
    let mut used = BTreeSet::new();
    let mut out = Vec::with_capacity(opts.engineers);
    for (sp, &count) in placed.service_points.iter().zip(&per_sp) {
        let first = out.len();
        for j in 0..count {
            let skills = match (count, j) {
                (1, _) => vec![DeviceFamily::Dr, DeviceFamily::BiochemistryAnalyser],
                (_, 0) => vec![DeviceFamily::Dr],
                (_, 1) => vec![DeviceFamily::BiochemistryAnalyser],
                _ => match rng.weighted(&[0.35, 0.35, 0.3]) {
                    0 => vec![DeviceFamily::Dr],
                    1 => vec![DeviceFamily::BiochemistryAnalyser],
                    _ => vec![DeviceFamily::Dr, DeviceFamily::BiochemistryAnalyser],
                },
            };
            let mut leave = Vec::new();
            let last_start = i64::from(opts.horizon_days) - 1;
            if rng.chance(0.2) {
                let start = add_days(horizon.first(), rng.int(0, last_start));
                let len = rng.int(3, 5);
                leave.push(Leave {
                    dates: DateRange::new(start, add_days(start, len - 1)).expect("ordered"),
                    kind: LeaveKind::Annual,
                });
            } else if rng.chance(0.06) {
                let start = add_days(horizon.first(), rng.int(0, last_start));
                leave.push(Leave {
                    dates: DateRange::new(start, add_days(start, 1)).expect("ordered"),
                    kind: LeaveKind::Training,
                });
            }
            let mut days_off = BTreeSet::new();
            if rng.chance(0.1) {
                days_off.insert(add_days(horizon.first(), rng.int(0, last_start)));
            }
            out.push(Engineer {
                id: EngineerId::numbered(out.len() + 1, width),
                name: person_name(&mut rng, &mut used),
                role: Role::FieldEngineer,
                home: sp.id.clone(),
                skills: Skills::new(skills).expect("not empty"),
                shifts: shifts(&mut rng),
                days_off,
                leave,
                overtime_per_week: Minutes::hours(rng.int(4, 10) as u32),
                on_call: BTreeSet::new(),
            });
        }
        // Weekly on-call rotation within the service point, Monday to Sunday.
        let team = &mut out[first..];
        for (week, chunk) in horizon.iter().collect::<Vec<_>>().chunks(7).enumerate() {
            let n = team.len();
            let Some(pos) = (0..n)
                .map(|k| (week + k) % n)
                .find(|&i| chunk.iter().all(|d| !team[i].is_absent(*d)))
            else {
                continue;
            };
            team[pos].on_call.extend(chunk.iter().copied());
        }
    }
    out.extend(customer_service(opts, placed, &mut used));
    out
}

/// The customer-service colleagues who go along on on-site callbacks: one per ten engineers
/// (at least two), at the first service point (the service centre's own), Monday to Friday,
/// never on call. Their own random stream, so the engineers are as before.
fn customer_service(
    opts: &GenerateOptions,
    placed: &Placed,
    used: &mut BTreeSet<String>,
) -> Vec<Engineer> {
    let mut rng = Rng::stream(opts.seed, "customer-service");
    let day = Some(w("08:30-17:30"));
    (1..=(opts.engineers / 10).max(2))
        .map(|i| Engineer {
            id: EngineerId::new(format!("E-C{i:02}")).expect("valid id"),
            name: person_name(&mut rng, used),
            role: Role::CustomerService,
            home: placed.service_points[0].id.clone(),
            skills: Skills::default(),
            shifts: Week::from_fn(|d| match d {
                Weekday::Sat | Weekday::Sun => None,
                _ => day,
            }),
            days_off: BTreeSet::new(),
            leave: Vec::new(),
            overtime_per_week: Minutes::hours(4),
            on_call: BTreeSet::new(),
        })
        .collect()
}
