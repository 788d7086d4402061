//! The domain's configuration in one value: SLA targets, cadences, task durations and the
//! holiday calendar. Each part parses from its own TOML text; reading the files is the
//! scenario module's job (`config/*.toml`).

use super::cadence::CadenceConfig;
use super::calendar::HolidayCalendar;
use super::durations::DurationTable;
use super::installation::InstallationConfig;
use super::oncall::OnCallConfig;
use super::parts::PartsConfig;
use super::sla::SlaConfig;

/// Everything the rules need besides the data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DomainConfig {
    pub sla: SlaConfig,
    pub cadence: CadenceConfig,
    pub durations: DurationTable,
    pub calendar: HolidayCalendar,
    /// Call-outs of on-call engineers (`oncall.toml`).
    pub on_call: OnCallConfig,
    /// Spare parts, loan units and DOA (`parts.toml`).
    pub parts: PartsConfig,
    /// Installation phases, trial run and its report (`installation.toml`).
    pub installation: InstallationConfig,
}
