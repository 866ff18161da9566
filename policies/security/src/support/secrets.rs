//! The name and value heuristics for plaintext secrets (SEC036-SEC039).

/// Name parts that make a variable or parameter name look like it holds a secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "PWD",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "PRIVATEKEY",
    "ACCESSKEY",
    "SECRETKEY",
    "CLIENTSECRET",
    "CREDENTIAL",
    "CREDENTIALS",
    "AUTHKEY",
    "SIGNINGKEY",
    "ENCRYPTIONKEY",
    "WEBHOOKSECRET",
    "CONNECTIONSTRING",
];

/// Name parts that say the variable names or locates a secret rather than holds it.
const REFERENCE_WORDS: &[&str] = &[
    "ARN",
    "NAME",
    "ID",
    "IDS",
    "PARAM",
    "PARAMETER",
    "PATH",
    "URL",
    "URI",
    "ENDPOINT",
    "TABLE",
    "BUCKET",
    "QUEUE",
    "TOPIC",
    "REGION",
    "TTL",
    "LENGTH",
    "PORT",
    "HEADER",
    "TYPE",
    "ENABLED",
    "FILE",
    "LOCATION",
    "EXPIRY",
    "EXPIRATION",
    "EXPIRES",
    "STORE",
    "TIMEOUT",
    "SSM",
    "PREFIX",
    "FIELD",
    "SOURCE",
    "VERSION",
    "STAGE",
    "POLICY",
    "ROTATION",
    "KEYID",
    "CACHE",
    "MANAGER",
    "USE",
    "PROVIDER",
    "ISSUER",
    "AUDIENCE",
    "SCOPE",
    "SCOPES",
    "LIMIT",
    "COUNT",
    "SIZE",
    "METHOD",
    "MODE",
    "FORMAT",
    "ALGORITHM",
    "LIFETIME",
    "DURATION",
    "VALIDITY",
];

/// The words of a name: split on `_`, `-`, `.`, spaces and lower-to-upper case changes,
/// upper-cased. Adjacent words are also joined in pairs (`API`+`KEY` → `APIKEY`).
fn words(name: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_uppercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Whether a name (environment variable, parameter, property) looks like it holds a
/// secret: `DB_PASSWORD`, `apiKey`, `StripeSecret`; but not `SECRET_ARN`,
/// `TokenTableName` or `PASSWORD_LENGTH`.
pub fn is_secret_name(name: &str) -> bool {
    let parts = words(name);
    if parts.iter().any(|p| REFERENCE_WORDS.contains(&p.as_str())) {
        return false;
    }
    let mut candidates: Vec<String> = parts.clone();
    for pair in parts.windows(2) {
        candidates.push(format!("{}{}", pair[0], pair[1]));
    }
    let whole: String = parts.concat();
    candidates.push(whole.clone());
    candidates
        .iter()
        .any(|c| SECRET_WORDS.contains(&c.as_str()))
        || SECRET_WORDS
            .iter()
            .any(|w| w.len() >= 5 && whole.contains(w) && !whole.contains("KEYID"))
}

/// Whether a literal value looks like a credential by its shape alone: an AWS access key
/// id, a private key block, a well-known token prefix, or a URL with a password.
pub fn secret_shape(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if let Some(rest) = v.strip_prefix("AKIA").or_else(|| v.strip_prefix("ASIA"))
        && rest.len() == 16
        && rest
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some("an AWS access key id");
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    for (prefix, what) in [
        ("ghp_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("xoxb-", "a Slack token"),
        ("xoxp-", "a Slack token"),
        ("sk_live_", "a Stripe secret key"),
        ("glpat-", "a GitLab token"),
    ] {
        if v.starts_with(prefix) && v.len() > prefix.len() + 8 {
            return Some(what);
        }
    }
    if let Some((scheme, rest)) = v.split_once("://")
        && !scheme.is_empty()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+')
        && let Some((userinfo, _)) = rest.split_once('@')
        && !userinfo.contains('/')
        && let Some((_, password)) = userinfo.split_once(':')
        && !password.is_empty()
        && !password.starts_with('$')
        && !password.starts_with('{')
    {
        return Some("a URL with a password");
    }
    None
}

/// Whether a literal value assigned to a secret-looking name is plausibly the secret
/// itself, not a placeholder, a reference or a switch.
pub fn plausible_secret_value(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 6 || v.starts_with("{{resolve:") || v.starts_with("arn:") {
        return false;
    }
    // Built from variables (`$DB_PASSWORD`, `${Param}`, `$(command)`), or structured.
    if v.contains('$') || v.starts_with('<') || v.starts_with('{') || v.starts_with('[') {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "none" | "null" | "changeme"
    ) || v.parse::<f64>().is_ok()
    {
        return false;
    }
    if (lower.starts_with("http://") || lower.starts_with("https://")) && secret_shape(v).is_none()
    {
        return false;
    }
    // Placeholders people write instead of a value.
    const PLACEHOLDERS: &[&str] = &[
        "placeholder",
        "replace",
        "your-",
        "your_",
        "<your",
        "xxxx",
        "example",
        "dummy",
        "todo",
    ];
    !PLACEHOLDERS.iter().any(|p| lower.contains(p))
}

/// A dynamic reference CloudFormation resolves from Secrets Manager or SSM SecureString.
pub fn is_secure_dynamic_reference(value: &str) -> bool {
    let v = value.trim();
    (v.starts_with("{{resolve:secretsmanager:") || v.starts_with("{{resolve:ssm-secure:"))
        && v.ends_with("}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for yes in [
            "DB_PASSWORD",
            "apiKey",
            "API_KEY",
            "StripeSecret",
            "GITHUB_TOKEN",
            "ClientSecret",
            "privateKey",
            "AWS_SECRET_ACCESS_KEY",
            "MasterUserPassword",
            "dbpassword",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "SECRET_ARN",
            "TokenTableName",
            "PASSWORD_LENGTH",
            "SECRET_NAME",
            "KMS_KEY_ID",
            "TABLE_NAME",
            "POWERTOOLS_SERVICE_NAME",
            "SecretsManagerEndpoint",
            "AccessKeyId",
            "Keyword",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }

    #[test]
    fn secret_shapes() {
        assert!(secret_shape("AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(secret_shape("postgres://admin:hunter22@db:5432/x").is_some());
        assert!(secret_shape("postgres://admin:${Pass}@db").is_none());
        assert!(secret_shape("https://example.com/a@b").is_none());
        assert!(secret_shape("hello").is_none());
    }
}
