//! Environment configuration, read once at start-up. Every handler gets its settings through a
//! lookup function so tests never touch the process environment.

use std::str::FromStr;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("missing required environment variable {0}")]
    Missing(&'static str),
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Reads variables through `lookup` (normally `std::env::var`); empty values count as unset.
pub struct Env<F: Fn(&str) -> Option<String>> {
    lookup: F,
}

impl Env<fn(&str) -> Option<String>> {
    pub fn process() -> Self {
        Env {
            lookup: |name| std::env::var(name).ok(),
        }
    }
}

impl<F: Fn(&str) -> Option<String>> Env<F> {
    pub fn new(lookup: F) -> Self {
        Env { lookup }
    }

    pub fn optional(&self, name: &'static str) -> Option<String> {
        (self.lookup)(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    pub fn required(&self, name: &'static str) -> Result<String, ConfigError> {
        self.optional(name).ok_or(ConfigError::Missing(name))
    }

    /// An optional number with a default; present but unparsable (or zero) is an error, not a
    /// silent fallback.
    pub fn positive<T>(&self, name: &'static str, default: T) -> Result<T, ConfigError>
    where
        T: FromStr + PartialOrd + Default,
    {
        match self.optional(name) {
            None => Ok(default),
            Some(raw) => match raw.parse::<T>() {
                Ok(v) if v > T::default() => Ok(v),
                _ => Err(ConfigError::Invalid {
                    name,
                    reason: format!("expected a positive whole number, got {raw:?}"),
                }),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> Env<impl Fn(&str) -> Option<String>> {
        Env::new(move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn missing_and_blank_are_named() {
        let e = env(&[("BLANK", "  ")]);
        assert_eq!(e.required("ABSENT"), Err(ConfigError::Missing("ABSENT")));
        assert_eq!(e.required("BLANK"), Err(ConfigError::Missing("BLANK")));
        assert_eq!(
            ConfigError::Missing("CONFIG_TABLE").to_string(),
            "missing required environment variable CONFIG_TABLE"
        );
    }

    #[test]
    fn positive_numbers_default_and_reject_garbage() {
        let e = env(&[("N", "7"), ("BAD", "seven"), ("ZERO", "0")]);
        assert_eq!(e.positive("N", 3u32), Ok(7));
        assert_eq!(e.positive("UNSET", 3u32), Ok(3));
        assert!(matches!(
            e.positive("BAD", 3u32),
            Err(ConfigError::Invalid { name: "BAD", .. })
        ));
        assert!(e.positive("ZERO", 3u32).is_err());
    }
}
