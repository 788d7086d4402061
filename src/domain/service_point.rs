//! Service points: where engineers start and end their day and where spare parts are stocked.

use super::district::DistrictCode;
use super::geo::{AreaType, LatLon};
use super::ids::ServicePointId;
use super::name::Name;
use serde::{Deserialize, Serialize};

/// A service point (区县服务机构) in a district or county.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServicePoint {
    pub id: ServicePointId,
    pub name: Name,
    pub district: DistrictCode,
    pub address: Name,
    pub location: LatLon,
    pub area_type: AreaType,
}
