//! The one error of the domain: a value that breaks a rule, with the field that holds it.
//!
//! Constructors return [`FieldError`]; callers that know where the value sits prefix the field
//! with [`FieldError::at`] (`sites[3]` + `opening.mon[1]` -> `sites[3].opening.mon[1]`), so the
//! message a user reads names the exact place to fix.

/// A rejected value: where it sits (`field`) and what is wrong with it (`message`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same error, one level deeper: `prefix.field` (or `prefix[i]` for index fields).
    #[must_use]
    pub fn at(mut self, prefix: impl AsRef<str>) -> Self {
        let prefix = prefix.as_ref();
        self.field = if self.field.is_empty() {
            prefix.to_owned()
        } else if self.field.starts_with('[') {
            format!("{prefix}{}", self.field)
        } else {
            format!("{prefix}.{}", self.field)
        };
        self
    }
}

/// Shorthand for a constructor's result.
pub type Checked<T> = Result<T, FieldError>;

/// Fails with `message` on `field` unless `ok`.
pub fn ensure(ok: bool, field: &str, message: impl FnOnce() -> String) -> Checked<()> {
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(field, message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_prefixes_named_and_indexed_fields() {
        let e = FieldError::new("lat", "out of range")
            .at("location")
            .at("sites[3]");
        assert_eq!(e.field, "sites[3].location.lat");
        let e = FieldError::new("[1]", "overlaps").at("opening.mon");
        assert_eq!(e.to_string(), "opening.mon[1]: overlaps");
    }
}
