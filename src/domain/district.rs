//! Districts and counties: the administrative units that each hold at least one service point.

use super::error::{Checked, FieldError};
use super::geo::{AreaType, LatLon};
use super::name::Name;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A short district code, 2 to 4 upper-case ASCII letters (`DH` for Donghu).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DistrictCode(String);

impl DistrictCode {
    pub fn new(code: impl Into<String>) -> Checked<Self> {
        let code = code.into();
        if !(2..=4).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(FieldError::new(
                "district",
                format!("'{code}' is not a district code of 2-4 upper-case letters"),
            ));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DistrictCode {
    type Error = FieldError;
    fn try_from(s: String) -> Checked<Self> {
        Self::new(s)
    }
}

impl From<DistrictCode> for String {
    fn from(c: DistrictCode) -> String {
        c.0
    }
}

impl fmt::Display for DistrictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Urban district (区) or county (县).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DistrictKind {
    District,
    County,
}

/// A district or county and its seat (the town that holds the government and the main
/// service point).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct District {
    pub code: DistrictCode,
    pub name: Name,
    pub kind: DistrictKind,
    /// The usual area type of the district; a site may differ (rural parts of Xinjian).
    pub area_type: AreaType,
    pub seat: Name,
    pub seat_location: LatLon,
}
