//! Customer sites: hospitals and clinics, their tier and when they can be visited.

use super::calendar::HolidayCalendar;
use super::day_time::{LocalWindow, check_day_windows};
use super::district::DistrictCode;
use super::error::{Checked, FieldError};
use super::geo::{AreaType, LatLon};
use super::ids::SiteId;
use super::name::Name;
use super::week::{Week, day_key};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How large a customer is; sets the on-site callback cadence (客户回访管理制度).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CustomerTier {
    Normal,
    /// On-site callback at least twice a year.
    Large,
    /// On-site callback every quarter.
    VeryLarge,
}

/// Opening hours: for each weekday, zero or more windows in order, not overlapping.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Week<Vec<LocalWindow>>", into = "Week<Vec<LocalWindow>>")]
pub struct OpeningHours(Week<Vec<LocalWindow>>);

impl TryFrom<Week<Vec<LocalWindow>>> for OpeningHours {
    type Error = FieldError;
    fn try_from(week: Week<Vec<LocalWindow>>) -> Checked<Self> {
        OpeningHours::new(week)
    }
}

impl From<OpeningHours> for Week<Vec<LocalWindow>> {
    fn from(o: OpeningHours) -> Self {
        o.0
    }
}

impl OpeningHours {
    /// Rejects a day whose windows overlap or are out of order, naming it (`tue[1]`).
    pub fn new(week: Week<Vec<LocalWindow>>) -> Checked<Self> {
        for (day, windows) in week.iter() {
            check_day_windows(windows).map_err(|e| e.at(day_key(day)))?;
        }
        Ok(Self(week))
    }

    pub fn week(&self) -> &Week<Vec<LocalWindow>> {
        &self.0
    }
}

/// A hospital or clinic with devices under contract.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Site {
    pub id: SiteId,
    pub name: Name,
    pub address: Name,
    pub district: DistrictCode,
    pub location: LatLon,
    pub area_type: AreaType,
    pub tier: CustomerTier,
    pub opening: OpeningHours,
    /// Closed on public holidays (most clinics); large hospitals keep their usual hours.
    pub closed_on_public_holidays: bool,
    /// Further days the site is closed (renovation, internal events).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub closed_dates: BTreeSet<NaiveDate>,
}

impl Site {
    /// The windows in which an engineer can work at the site on a local date (empty when
    /// closed). An adjusted working day (调休) keeps the site's hours of a Monday.
    pub fn open_windows(&self, date: NaiveDate, calendar: &HolidayCalendar) -> &[LocalWindow] {
        use super::calendar::DayKind;
        if self.closed_dates.contains(&date) {
            return &[];
        }
        match calendar.day_kind(date) {
            DayKind::Holiday(_) if self.closed_on_public_holidays => &[],
            DayKind::AdjustedWorkday(_) if self.closed_on_public_holidays => {
                self.opening.week().get(chrono::Weekday::Mon)
            }
            _ => self.opening.week().get(date.weekday()),
        }
    }
}
