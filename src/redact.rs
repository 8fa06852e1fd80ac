//! Redaction of secrets in anything we print: URL userinfo, passwords, bearer tokens.
//!
//! Every message, table and JSON document that names a URL goes through [`url`], so a password
//! given as `redis://:secret@host` or `https://user:pw@host` is shown as `***`.

/// A comma-separated list of URLs (Redis seeds, Sentinels), each redacted by [`url`].
pub fn url_list(raw: &str) -> String {
    raw.split(',').map(url).collect::<Vec<_>>().join(",")
}

/// The URL with any userinfo password (and a lone username that may be a token) replaced by
/// `***`. Works on strings that do not parse as URLs too (best effort on `scheme://…@host`).
pub fn url(raw: &str) -> String {
    let Some(scheme_end) = raw.find("://") else {
        return raw.to_string();
    };
    let rest = &raw[scheme_end + 3..];
    // The authority ends at the first '/', '?' or '#'.
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return raw.to_string();
    };
    let userinfo = &authority[..at];
    let redacted_userinfo = match userinfo.split_once(':') {
        Some((user, _password)) if !user.is_empty() => format!("{user}:***"),
        // `redis://:password@host` or `https://token@host`: all of it may be a secret.
        _ => "***".to_string(),
    };
    format!(
        "{}://{}@{}{}",
        &raw[..scheme_end],
        redacted_userinfo,
        &authority[at + 1..],
        &rest[authority_end..]
    )
}

/// Replace every occurrence of each non-empty secret in `text` by `***`.
pub fn secrets(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        out = out.replace(secret, "***");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_and_tokens() {
        assert_eq!(
            url("redis://:hunter2@127.0.0.1:6379/0"),
            "redis://***@127.0.0.1:6379/0"
        );
        assert_eq!(url("https://bob:pw@h/x?y=1"), "https://bob:***@h/x?y=1");
        assert_eq!(url("https://tok@h"), "https://***@h");
        assert_eq!(url("rediss://u:p@a@h:1"), "rediss://u:***@h:1");
        assert_eq!(url("http://h:80/path@x"), "http://h:80/path@x");
        assert_eq!(url("not a url"), "not a url");
    }

    #[test]
    fn replaces_known_secrets() {
        assert_eq!(
            secrets("auth failed for hunter2", &["hunter2", ""]),
            "auth failed for ***"
        );
    }
}
