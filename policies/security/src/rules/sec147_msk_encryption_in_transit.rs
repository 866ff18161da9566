use preflight_policy::prelude::*;

use crate::support::{absent_at, lit};

declare_rule! {
    /// ## What it does
    /// Checks that MSK clusters set `EncryptionInfo`, and that its `EncryptionInTransit` does
    /// not allow plaintext between clients and brokers (`ClientBroker` other than `TLS`) or
    /// turn off `InCluster`, as checkov's CKV_AWS_81 does.
    ///
    /// ## Why is this bad?
    /// Kafka traffic carries the application's data; in plaintext, anyone on the network path
    /// reads and alters it.
    ///
    /// ## Example
    /// ```yaml
    /// Kafka:
    ///   Type: AWS::MSK::Cluster
    ///   Properties:
    ///     EncryptionInfo:
    ///       EncryptionInTransit:
    ///         ClientBroker: TLS_PLAINTEXT
    /// ```
    ///
    /// ## Fix
    /// Set `EncryptionInfo.EncryptionInTransit: {ClientBroker: TLS, InCluster: true}`.
    pub struct MskEncryptionInTransit {
        id: "SEC147",
        name: "msk-encryption-in-transit",
        title: "MSK clusters encrypt in transit",
        severity: Medium,
        resource_types: [
            "AWS::MSK::Cluster",
        ],
        equivalents: { "checkov": ["CKV_AWS_81"] },
    }
}

impl Rule for MskEncryptionInTransit {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let Some(info) = r.property("EncryptionInfo") else {
                out.add(
                    &absent_at(&r),
                    format!("MSK cluster `{}` sets no `EncryptionInfo`", r.id),
                );
                continue;
            };
            let Some(transit) = info.get("EncryptionInTransit") else {
                continue;
            };
            if let Some(client) = transit.get("ClientBroker")
                && let Some(text) = lit(&t, &client)
                && text != "TLS"
            {
                out.add(&client, format!("MSK cluster `{}` lets clients connect with `ClientBroker: {text}`, not TLS only", r.id));
            }
            if let Some(inside) = transit.get("InCluster")
                && lit(&t, &inside).is_some_and(|v| v.eq_ignore_ascii_case("false"))
            {
                out.add(
                    &inside,
                    format!(
                        "MSK cluster `{}` sets `InCluster: false`: brokers talk in plaintext",
                        r.id
                    ),
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
        insta::assert_snapshot!(render_rule("SEC147", "tests/fixtures/sec147.yaml"));
    }
}
