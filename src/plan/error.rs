//! The one error of planning.

use crate::solve::replan::ReplanError;
use crate::solve::routing::ProblemError;
use crate::travel::TravelError;

/// Why a plan could not be made (bad input or an internal inconsistency). Tasks that cannot
/// be served are not errors: they are listed in the plan with a reason code.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("unknown {what} '{id}'")]
    Unknown { what: &'static str, id: String },
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("travel: {0}")]
    Travel(#[from] TravelError),
    #[error("internal: the routing problem was rejected: {0}")]
    Problem(#[from] ProblemError),
    #[error("internal: re-planning failed: {0}")]
    Replan(#[from] ReplanError),
}

impl PlanError {
    pub fn unknown(what: &'static str, id: impl ToString) -> Self {
        Self::Unknown {
            what,
            id: id.to_string(),
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}
