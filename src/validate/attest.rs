//! Attestations: a person vouches for what no machine can check (`--attest ID=YYYY-MM-DD`, later
//! the config file's `[attest]` table). An attestation older than the maximum age warns; one dated
//! in the future is refused.

use std::collections::BTreeMap;
use std::str::FromStr;

use jiff::civil::Date;

use super::check::Status;

/// The things a person can attest, by key.
pub const KEYS: [&str; 5] = [
    "regional_endpoints",
    "cross_region_sync",
    "circuit_breakers",
    "retry_logic",
    "backup_recovery_tested",
];

/// The default maximum age of an attestation, in days.
pub const DEFAULT_MAX_AGE_DAYS: i64 = 90;

/// One `ID=YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestation {
    /// One of [`KEYS`].
    pub key: String,
    /// When it was last verified.
    pub date: Date,
}

impl FromStr for Attestation {
    type Err = String;

    /// Parse `ID=YYYY-MM-DD`. The id may also be given as the check id it supports
    /// (`reliability.backup_recovery`, `configuration.regional_endpoints`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (id, date) = s.split_once('=').ok_or_else(|| {
            format!(
                "expected ID=YYYY-MM-DD, got '{s}' (ids: {})",
                KEYS.join(", ")
            )
        })?;
        let key = normalize_key(id.trim()).ok_or_else(|| {
            format!(
                "unknown attestation '{}' (valid: {})",
                id.trim(),
                KEYS.join(", ")
            )
        })?;
        let date: Date = date
            .trim()
            .parse()
            .map_err(|_| format!("'{}' is not a date (YYYY-MM-DD) for {key}", date.trim()))?;
        Ok(Attestation {
            key: key.to_string(),
            date,
        })
    }
}

/// The canonical key for `id`, accepting the check id (with or without its category).
fn normalize_key(id: &str) -> Option<&'static str> {
    let short = id.rsplit('.').next().unwrap_or(id);
    let short = if short == "backup_recovery" {
        "backup_recovery_tested"
    } else {
        short
    };
    KEYS.into_iter().find(|k| *k == short)
}

/// The attestations in effect, judged against a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestations {
    by_key: BTreeMap<String, Date>,
    today: Date,
    max_age_days: i64,
}

/// What an attestation says about a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attested {
    /// `Pass` when fresh, `Warn` when older than the maximum age.
    pub status: Status,
    /// e.g. "attested 2026-10-01 (53 days ago)".
    pub message: String,
}

impl Attestations {
    /// Collect `list` (the latest date wins for a key given twice). Dates after `today` are an
    /// error: an attestation cannot vouch for a test that has not happened.
    pub fn new(list: &[Attestation], today: Date, max_age_days: i64) -> Result<Self, String> {
        let mut by_key: BTreeMap<String, Date> = BTreeMap::new();
        for a in list {
            if a.date > today {
                return Err(format!(
                    "--attest '{}={}': the date is in the future (today is {today})",
                    a.key, a.date
                ));
            }
            let entry = by_key.entry(a.key.clone()).or_insert(a.date);
            *entry = (*entry).max(a.date);
        }
        Ok(Attestations {
            by_key,
            today,
            max_age_days,
        })
    }

    /// No attestations, judged on `today`.
    pub fn none(today: Date) -> Self {
        Attestations {
            by_key: BTreeMap::new(),
            today,
            max_age_days: DEFAULT_MAX_AGE_DAYS,
        }
    }

    /// The verdict for `key`, if attested.
    pub fn get(&self, key: &str) -> Option<Attested> {
        let date = *self.by_key.get(key)?;
        let age = date
            .until(self.today)
            .map(|s| i64::from(s.get_days()))
            .unwrap_or(0);
        let ago = match age {
            0 => "today".to_string(),
            1 => "1 day ago".to_string(),
            n => format!("{n} days ago"),
        };
        Some(if age > self.max_age_days {
            Attested {
                status: Status::Warn,
                message: format!(
                    "{key} attested {date}, {ago} (older than {} days)",
                    self.max_age_days
                ),
            }
        } else {
            Attested {
                status: Status::Pass,
                message: format!("{key} attested {date} ({ago})"),
            }
        })
    }

    /// The maximum age in days.
    pub fn max_age_days(&self) -> i64 {
        self.max_age_days
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn parses_keys_and_aliases() {
        let a: Attestation = "backup_recovery_tested=2026-10-01".parse().unwrap();
        assert_eq!(a.key, "backup_recovery_tested");
        assert_eq!(a.date, date(2026, 10, 1));
        let a: Attestation = "reliability.backup_recovery=2026-10-01".parse().unwrap();
        assert_eq!(a.key, "backup_recovery_tested");
        let a: Attestation = " configuration.regional_endpoints = 2026-01-02 "
            .parse()
            .unwrap();
        assert_eq!(a.key, "regional_endpoints");
        let e = "nonsense=2026-01-01".parse::<Attestation>().unwrap_err();
        assert!(
            e.contains("unknown attestation 'nonsense'") && e.contains("retry_logic"),
            "{e}"
        );
        let e = "retry_logic=yesterday".parse::<Attestation>().unwrap_err();
        assert_eq!(e, "'yesterday' is not a date (YYYY-MM-DD) for retry_logic");
        assert!("retry_logic".parse::<Attestation>().is_err());
    }

    #[test]
    fn fresh_old_and_future() {
        let today = date(2026, 11, 23);
        let list: Vec<Attestation> = [
            "backup_recovery_tested=2026-10-01",
            "retry_logic=2026-01-01",
            "retry_logic=2025-01-01",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        let atts = Attestations::new(&list, today, 90).unwrap();
        let fresh = atts.get("backup_recovery_tested").unwrap();
        assert_eq!(fresh.status, Status::Pass);
        assert_eq!(
            fresh.message,
            "backup_recovery_tested attested 2026-10-01 (53 days ago)"
        );
        let old = atts.get("retry_logic").unwrap();
        assert_eq!(old.status, Status::Warn);
        assert_eq!(
            old.message,
            "retry_logic attested 2026-01-01, 326 days ago (older than 90 days)"
        );
        assert_eq!(atts.get("cross_region_sync"), None);
        // Exactly at the limit is still fresh.
        let edge = Attestations::new(
            &["cross_region_sync=2026-08-25".parse().unwrap()],
            today,
            90,
        )
        .unwrap();
        assert_eq!(edge.get("cross_region_sync").unwrap().status, Status::Pass);

        let future: Attestation = "retry_logic=2026-11-24".parse().unwrap();
        let e = Attestations::new(&[future], today, 90).unwrap_err();
        assert!(e.contains("in the future"), "{e}");
    }
}
