//! Identifiers: strings with a prefix that says what they name (`SP-DH`, `S-0001`, `D-0001`,
//! `E-01`, `F-0001`, `T-...`).
//!
//! Each kind of id is its own type, so a device id cannot be passed where a site id is wanted.
//! After the prefix come one or more ASCII upper-case letters, digits or `-`.

use super::error::{Checked, FieldError};
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! prefixed_id {
    ($(#[$meta:meta])* $name:ident, $prefix:literal) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            /// Accepts `PREFIX` followed by at least one of `A-Z`, `0-9`, `-`.
            pub fn new(value: impl Into<String>) -> Checked<Self> {
                let value = value.into();
                check_id(&value, Self::PREFIX)?;
                Ok(Self(value))
            }

            /// The id `PREFIX` + `n` zero-padded to `width` digits (`S-0001`).
            pub fn numbered(n: usize, width: usize) -> Self {
                Self(format!("{}{n:0width$}", Self::PREFIX))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = FieldError;
            fn try_from(value: String) -> Checked<Self> {
                Self::new(value)
            }
        }

        impl std::str::FromStr for $name {
            type Err = FieldError;
            fn from_str(s: &str) -> Checked<Self> {
                Self::new(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

fn check_id(value: &str, prefix: &str) -> Checked<()> {
    let Some(rest) = value.strip_prefix(prefix) else {
        return Err(FieldError::new(
            "id",
            format!("'{value}' must start with '{prefix}'"),
        ));
    };
    if rest.is_empty()
        || !rest
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(FieldError::new(
            "id",
            format!("'{value}': after '{prefix}' only A-Z, 0-9 and '-' may follow, at least one"),
        ));
    }
    Ok(())
}

prefixed_id!(
    /// A service point (`SP-DH`): engineers start and end there, spare parts are stocked there.
    ServicePointId,
    "SP-"
);
prefixed_id!(
    /// A customer site, a hospital or clinic (`S-0001`).
    SiteId,
    "S-"
);
prefixed_id!(
    /// One installed device (`D-0001`).
    DeviceId,
    "D-"
);
prefixed_id!(
    /// A field engineer (`E-01`).
    EngineerId,
    "E-"
);
prefixed_id!(
    /// A reported fault (`F-0001`).
    FaultId,
    "F-"
);
prefixed_id!(
    /// A task to plan (`T-INSP-D-0001-2026-12-15`).
    TaskId,
    "T-"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_need_their_prefix_and_a_body() {
        assert!(SiteId::new("S-0001").is_ok());
        assert!(ServicePointId::new("SP-DH").is_ok());
        let e = SiteId::new("D-0001").unwrap_err();
        assert!(e.message.contains("must start with 'S-'"), "{e}");
        assert!(SiteId::new("S-").is_err());
        assert!(SiteId::new("S-ab").is_err());
        assert_eq!(DeviceId::numbered(7, 4).as_str(), "D-0007");
    }

    #[test]
    fn ids_round_trip_through_json_and_reject_bad_ones() {
        let id: EngineerId = serde_json::from_str("\"E-01\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"E-01\"");
        assert!(serde_json::from_str::<EngineerId>("\"X-01\"").is_err());
    }
}
