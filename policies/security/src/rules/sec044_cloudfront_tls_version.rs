use preflight_policy::prelude::*;

use crate::support::distribution_configs;

declare_rule! {
    /// ## What it does
    /// Checks that CloudFront distributions require TLS 1.2 or later from viewers: a
    /// `ViewerCertificate` with a custom certificate (ACM or IAM) and a
    /// `MinimumProtocolVersion` of `TLSv1.2_2018` or later. A custom certificate without
    /// `MinimumProtocolVersion` or with an older one is reported at medium severity. A
    /// distribution on the default `*.cloudfront.net` certificate (no `ViewerCertificate`,
    /// or `CloudFrontDefaultCertificate: true`) always accepts TLS 1.0 and is reported at
    /// low severity: the only fix is a custom domain and certificate.
    ///
    /// ## Why is this bad?
    /// TLS 1.0 and 1.1 have known weaknesses and are deprecated (RFC 8996).
    ///
    /// ## Example
    /// ```yaml
    /// ViewerCertificate:
    ///   AcmCertificateArn: !Ref Certificate
    ///   SslSupportMethod: sni-only
    ///   MinimumProtocolVersion: TLSv1
    /// ```
    ///
    /// ## Fix
    /// Set `MinimumProtocolVersion: TLSv1.2_2021` with a custom certificate.
    pub struct CloudFrontTlsVersion {
        id: "SEC044",
        name: "cloudfront-tls-version",
        title: "CloudFront requires TLS 1.2 or later",
        severity: Medium,
        resource_types: ["AWS::CloudFront::Distribution"],
        equivalents: { "cfn_nag": ["W70"], "checkov": ["CKV_AWS_174"] },
    }
}

impl Rule for CloudFrontTlsVersion {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for (d, config) in distribution_configs(&cx.template) {
            if config.is_intrinsic() {
                continue;
            }
            let Some(cert) = config.get("ViewerCertificate") else {
                out.add(
                    &config,
                    format!(
                        "distribution `{}` uses the default CloudFront certificate, which accepts TLS 1.0",
                        d.id
                    ),
                )
                .severity(Severity::Low);
                continue;
            };
            if cert
                .get("CloudFrontDefaultCertificate")
                .and_then(|n| n.as_bool())
                == Some(true)
            {
                let at = cert
                    .get("CloudFrontDefaultCertificate")
                    .unwrap_or(cert.clone());
                out.add(
                    &at,
                    format!(
                        "distribution `{}` uses the default CloudFront certificate, which accepts TLS 1.0",
                        d.id
                    ),
                )
                .severity(Severity::Low);
                continue;
            }
            match cert.get("MinimumProtocolVersion") {
                None => {
                    out.add(
                        &cert,
                        format!(
                            "distribution `{}` sets no `MinimumProtocolVersion`: viewers may use TLS 1.0",
                            d.id
                        ),
                    );
                }
                Some(v) => {
                    if let Some(version) = v.as_str()
                        && !version.starts_with("TLSv1.2")
                        && !version.starts_with("TLSv1.3")
                    {
                        out.add(
                            &v,
                            format!(
                                "distribution `{}` accepts `{version}`: older than TLS 1.2",
                                d.id
                            ),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC044", "tests/fixtures/sec044.yaml"));
    }
}
