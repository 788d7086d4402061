//! Skills and pins: the stop's engineer has the device family's skill and is the pinned one.

use super::*;

pub(super) fn check_task_for(
    out: &mut Out,
    id: &EngineerId,
    engineer: &crate::domain::engineer::Engineer,
    t: &TaskRef,
) {
    if let Some(f) = t.family
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
