//! Names and addresses in Chinese with an English (pinyin) form.

use super::error::{Checked, FieldError};
use serde::{Deserialize, Serialize};

/// A non-empty Chinese text and its non-empty English or pinyin form.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawName", into = "RawName")]
pub struct Name {
    zh: String,
    en: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawName {
    zh: String,
    en: String,
}

impl TryFrom<RawName> for Name {
    type Error = FieldError;
    fn try_from(r: RawName) -> Checked<Self> {
        Name::new(r.zh, r.en)
    }
}

impl From<Name> for RawName {
    fn from(n: Name) -> Self {
        RawName { zh: n.zh, en: n.en }
    }
}

impl Name {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Checked<Self> {
        let (zh, en) = (zh.into(), en.into());
        if zh.trim().is_empty() {
            return Err(FieldError::new("zh", "must not be empty"));
        }
        if en.trim().is_empty() {
            return Err(FieldError::new("en", "must not be empty"));
        }
        Ok(Self { zh, en })
    }

    pub fn zh(&self) -> &str {
        &self.zh
    }

    pub fn en(&self) -> &str {
        &self.en
    }
}
