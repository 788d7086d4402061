//! Where the remote-failure promise can be kept: "where phone and remote support fail, an
//! engineer is promised on site within 30 minutes" (`[remote_failure] on_site` in
//! `config/sla.toml`), at every site. A site is out of reach on a date when no engineer on
//! duty that day (on shift, or on call: [`crate::domain::oncall`]) is based at a service
//! point within that drive time of it, by the context's travel model. Engineers are taken
//! at their home service point: where they are during the day only makes it worse or
//! better by chance, and a manager plans staffing by bases.

use super::context::PlanningContext;
use crate::domain::engineer::Availability;
use crate::domain::ids::{ServicePointId, SiteId};
use crate::domain::oncall::on_call;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// One site's nearest engineer base on duty.
#[derive(Clone, Debug, PartialEq)]
pub struct Reach {
    pub site: SiteId,
    /// The nearest service point with an engineer on duty, and the drive from it (seconds);
    /// `None` when nobody is on duty.
    pub nearest: Option<(ServicePointId, u32)>,
    /// Within the promise.
    pub keepable: bool,
}

/// Every site's reach on `date` for a promise of `limit_seconds`, farthest first (then by
/// site id).
pub fn remote_promise_reach(
    ctx: &PlanningContext,
    date: NaiveDate,
    limit_seconds: u32,
) -> Vec<Reach> {
    let calendar = &ctx.config().calendar;
    let bases: BTreeSet<&ServicePointId> = ctx
        .scenario()
        .engineers()
        .iter()
        .filter(|e| {
            matches!(e.availability(date, calendar), Availability::Shift(_)) || on_call(e, date)
        })
        .map(|e| &e.home)
        .collect();
    let points: Vec<(&ServicePointId, usize)> = bases
        .into_iter()
        .filter_map(|sp| ctx.service_point_point(sp).map(|p| (sp, p)))
        .collect();
    let mut out: Vec<Reach> = ctx
        .scenario()
        .sites()
        .iter()
        .filter_map(|s| {
            let site = ctx.site_point(&s.id)?;
            let nearest = points
                .iter()
                .map(|&(sp, p)| (ctx.travel(p, site).1, sp))
                .min()
                .map(|(secs, sp)| (sp.clone(), secs));
            Some(Reach {
                site: s.id.clone(),
                keepable: nearest.as_ref().is_some_and(|(_, t)| *t <= limit_seconds),
                nearest,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        let far = |r: &Reach| r.nearest.as_ref().map_or(u32::MAX, |n| n.1);
        far(b).cmp(&far(a)).then_with(|| a.site.cmp(&b.site))
    });
    out
}
