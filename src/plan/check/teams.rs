//! Two-person visits: a task of a team of `k` ([`TaskRef::companions`]) planned on routes has
//! exactly one stop per member `0..k`, each on a different person's route, all starting at the
//! same instant (the source's on-site callback, signed by both people on site), as planned:
//! once a member has reported her visit (arrived, started, done) the team's times are
//! reported facts, not the plan's.

use super::*;

pub(super) fn check_teams(out: &mut Out, plan: &Plan) {
    // Per task: (member, engineer, start, reported) of each visit stop.
    type Member<'a> = (usize, &'a EngineerId, Instant, bool);
    let mut stops: BTreeMap<&TaskId, Vec<Member>> = BTreeMap::new();
    let mut teams: BTreeMap<&TaskId, usize> = BTreeMap::new();
    for r in &plan.routes {
        for s in r.stops.iter().filter(|s| !s.is_pickup()) {
            stops.entry(&s.task.task).or_default().push((
                s.member,
                &r.engineer,
                s.start,
                s.status != StopStatus::Planned,
            ));
            teams.insert(&s.task.task, s.task.team_size());
        }
    }
    for (task, members) in stops {
        let team = teams[task];
        let mut seen: Vec<usize> = members.iter().map(|m| m.0).collect();
        seen.sort_unstable();
        if seen != (0..team).collect::<Vec<_>>() {
            out.add(
                ViolationCode::TeamIncomplete,
                None,
                Some(task),
                format!("a team of {team}, planned members {seen:?}"),
            );
            continue;
        }
        let mut people: Vec<&EngineerId> = members.iter().map(|m| m.1).collect();
        people.sort_unstable();
        people.dedup();
        if people.len() != team {
            out.add(
                ViolationCode::TeamSharesRoute,
                None,
                Some(task),
                format!("{team} members on {} people", people.len()),
            );
        }
        let first = members[0].2;
        let reported = members.iter().any(|m| m.3);
        if let Some(m) = members.iter().find(|m| m.2 != first && !reported) {
            out.add(
                ViolationCode::TeamNotTogether,
                Some(m.1),
                Some(task),
                format!("starts at {}, a partner at {first}", m.2),
            );
        }
    }
}
