use preflight_policy::prelude::*;

use serde_json::Value;

declare_rule! {
    /// ## What it does
    /// Checks the `SecurityConfiguration` of `AWS::EMR::SecurityConfiguration` resources, as
    /// cfn_nag's W61 does: its `EncryptionConfiguration` must turn on `EnableAtRestEncryption`
    /// and `EnableInTransitEncryption`, configure at-rest encryption
    /// (`AtRestEncryptionConfiguration` with `LocalDiskEncryptionConfiguration.EncryptionKeyProviderType`
    /// or `S3EncryptionConfiguration.EncryptionMode`) and in-transit encryption
    /// (`InTransitEncryptionConfiguration.TLSCertificateConfiguration.CertificateProviderType`).
    ///
    /// ## Why is this bad?
    /// EMR clusters hold and move the data they process; a security configuration that
    /// leaves either side unencrypted leaves the data readable on disk or on the wire.
    ///
    /// ## Example
    /// ```yaml
    /// Config:
    ///   Type: AWS::EMR::SecurityConfiguration
    ///   Properties:
    ///     SecurityConfiguration:
    ///       EncryptionConfiguration:
    ///         EnableAtRestEncryption: false
    ///         EnableInTransitEncryption: false
    /// ```
    ///
    /// ## Fix
    /// Turn both on and configure them: an S3 encryption mode and local disk key provider,
    /// and a TLS certificate provider.
    pub struct EmrSecurityConfigurationEncryption {
        id: "SEC130",
        name: "emr-security-configuration-encryption",
        title: "EMR security configurations encrypt at rest and in transit",
        severity: Medium,
        resource_types: [
            "AWS::EMR::SecurityConfiguration",
        ],
        equivalents: { "cfn_nag": ["W61"] },
    }
}

/// What a security configuration document lacks, if anything.
fn lack(config: &Value) -> Option<&'static str> {
    let Some(enc) = config.get("EncryptionConfiguration") else {
        return Some("no `EncryptionConfiguration`");
    };
    let on = |k: &str| match enc.get(k) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.eq_ignore_ascii_case("false") && !s.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    };
    if !on("EnableAtRestEncryption") || !on("EnableInTransitEncryption") {
        return Some("encryption at rest or in transit turned off");
    }
    let rest = enc.get("AtRestEncryptionConfiguration");
    let local = rest
        .and_then(|r| r.get("LocalDiskEncryptionConfiguration"))
        .is_some_and(|l| l.get("EncryptionKeyProviderType").is_some());
    let s3 = rest
        .and_then(|r| r.get("S3EncryptionConfiguration"))
        .is_some_and(|l| l.get("EncryptionMode").is_some());
    if !local && !s3 {
        return Some("at-rest encryption not configured (no key provider or S3 encryption mode)");
    }
    let tls = enc
        .get("InTransitEncryptionConfiguration")
        .and_then(|t| t.get("TLSCertificateConfiguration"))
        .is_some_and(|t| t.get("CertificateProviderType").is_some());
    if !tls {
        return Some("in-transit encryption not configured (no TLS certificate provider)");
    }
    None
}

impl Rule for EmrSecurityConfigurationEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for r in cx.template.resources_of_types(Self::META.resource_types) {
            let Some(config) = r.property("SecurityConfiguration") else {
                continue;
            };
            // A document given as JSON text is read as such.
            let parsed;
            let value = match config.value() {
                Value::String(s) => match serde_json::from_str::<Value>(s) {
                    Ok(v) => {
                        parsed = v;
                        &parsed
                    }
                    Err(_) => continue,
                },
                _ if config.is_intrinsic() => continue,
                v => v,
            };
            if let Some(why) = lack(value) {
                out.add(
                    &config,
                    format!("EMR security configuration `{}` has {why}", r.id),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC130", "tests/fixtures/sec130.yaml"));
    }
}
