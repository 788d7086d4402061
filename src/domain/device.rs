//! Installed devices: what they are, where, and their dates (installation, acceptance,
//! warranty end). A device of an installation project not yet accepted has no acceptance
//! date, and no inspection falls due for it (`domain::installation`).

use super::dates::{add_months, whole_months_between};
use super::error::{Checked, FieldError};
use super::family::DeviceFamily;
use super::ids::{DeviceId, SiteId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Months of warranty from installation (the source: 12 months).
pub const STANDARD_WARRANTY_MONTHS: u32 = 12;

/// One device at a site. Invariant: `installed <= accepted` (once accepted),
/// `installed < warranty_end`,
/// model and serial not empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DeviceData", into = "DeviceData")]
pub struct Device {
    data: DeviceData,
}

/// The fields of a device as written in `devices.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceData {
    pub id: DeviceId,
    pub site: SiteId,
    pub family: DeviceFamily,
    pub model: String,
    pub serial: String,
    /// Installation finished (hardware and software, before the acceptance test).
    pub installed: NaiveDate,
    /// Initial acceptance signed by the customer: the start of the inspection cadence and of
    /// the trial run. `None` while its installation project has not passed the acceptance
    /// test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<NaiveDate>,
    /// Last day under warranty (inclusive).
    pub warranty_end: NaiveDate,
}

impl TryFrom<DeviceData> for Device {
    type Error = FieldError;
    fn try_from(data: DeviceData) -> Checked<Self> {
        Device::new(data)
    }
}

impl From<Device> for DeviceData {
    fn from(d: Device) -> Self {
        d.data
    }
}

impl Device {
    pub fn new(data: DeviceData) -> Checked<Self> {
        if data.model.trim().is_empty() {
            return Err(FieldError::new("model", "must not be empty"));
        }
        if data.serial.trim().is_empty() {
            return Err(FieldError::new("serial", "must not be empty"));
        }
        if let Some(accepted) = data.accepted.filter(|a| *a < data.installed) {
            return Err(FieldError::new(
                "accepted",
                format!("{accepted} is before installation on {}", data.installed),
            ));
        }
        if data.warranty_end <= data.installed {
            return Err(FieldError::new(
                "warrantyEnd",
                format!(
                    "{} is not after installation on {}",
                    data.warranty_end, data.installed
                ),
            ));
        }
        Ok(Self { data })
    }

    /// The standard warranty end for an installation date: 12 months, the day before.
    pub fn standard_warranty_end(installed: NaiveDate) -> NaiveDate {
        add_months(installed, STANDARD_WARRANTY_MONTHS)
            .pred_opt()
            .expect("in range")
    }

    pub fn id(&self) -> &DeviceId {
        &self.data.id
    }

    pub fn site(&self) -> &SiteId {
        &self.data.site
    }

    pub fn family(&self) -> DeviceFamily {
        self.data.family
    }

    pub fn model(&self) -> &str {
        &self.data.model
    }

    pub fn serial(&self) -> &str {
        &self.data.serial
    }

    pub fn installed(&self) -> NaiveDate {
        self.data.installed
    }

    /// The acceptance date; `None` while not accepted.
    pub fn accepted(&self) -> Option<NaiveDate> {
        self.data.accepted
    }

    pub fn warranty_end(&self) -> NaiveDate {
        self.data.warranty_end
    }

    pub fn data(&self) -> &DeviceData {
        &self.data
    }

    /// Under warranty on a local date (the warranty end day included).
    pub fn under_warranty(&self, date: NaiveDate) -> bool {
        self.data.installed <= date && date <= self.data.warranty_end
    }

    /// Completed months since acceptance on a local date (0 while not accepted).
    pub fn age_months(&self, date: NaiveDate) -> u32 {
        self.data
            .accepted
            .map_or(0, |a| whole_months_between(a, date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn data() -> DeviceData {
        DeviceData {
            id: DeviceId::new("D-0001").unwrap(),
            site: SiteId::new("S-0001").unwrap(),
            family: DeviceFamily::Dr,
            model: "GX-DR 560".into(),
            serial: "DR5600001".into(),
            installed: d(2026, 1, 10),
            accepted: Some(d(2026, 1, 20)),
            warranty_end: Device::standard_warranty_end(d(2026, 1, 10)),
        }
    }

    #[test]
    fn device_dates_must_be_in_order() {
        assert!(Device::new(data()).is_ok());
        let mut bad = data();
        bad.accepted = Some(d(2026, 1, 1));
        assert_eq!(Device::new(bad).unwrap_err().field, "accepted");
        let mut bad = data();
        bad.warranty_end = bad.installed;
        assert_eq!(Device::new(bad).unwrap_err().field, "warrantyEnd");
    }

    #[test]
    fn warranty_is_twelve_months_inclusive() {
        let dev = Device::new(data()).unwrap();
        assert_eq!(dev.warranty_end(), d(2027, 1, 9));
        assert!(dev.under_warranty(d(2027, 1, 9)));
        assert!(!dev.under_warranty(d(2027, 1, 10)));
    }
}
