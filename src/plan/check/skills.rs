//! Skills, roles and pins: a stop's person has the role its team member needs (the lead a
//! field engineer, a companion the configured role), a field engineer the device family's
//! skill, and the lead is the pinned one.

use super::*;
use crate::domain::engineer::Role;

pub(super) fn check_task_for(
    out: &mut Out,
    id: &EngineerId,
    engineer: &crate::domain::engineer::Engineer,
    t: &TaskRef,
    member: usize,
) {
    let Some(role) = t.role(member) else {
        out.add(
            ViolationCode::TeamIncomplete,
            Some(id),
            Some(&t.task),
            format!("member {member} of a team of {}", t.team_size()),
        );
        return;
    };
    if engineer.role != role {
        out.add(
            ViolationCode::RoleMismatch,
            Some(id),
            Some(&t.task),
            format!(
                "member {member} needs a {role:?}, {id} is a {:?}",
                engineer.role
            ),
        );
    }
    if let Some(f) = t.family
        && role == Role::FieldEngineer
        && !engineer.skills.has(f)
    {
        out.add(
            ViolationCode::SkillMissing,
            Some(id),
            Some(&t.task),
            format!("needs {f}"),
        );
    }
    if let Some(p) = &t.pinned
        && member == 0
        && p != id
    {
        out.add(
            ViolationCode::PinBroken,
            Some(id),
            Some(&t.task),
            format!("pinned to {p}"),
        );
    }
}
