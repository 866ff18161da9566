use preflight_policy::prelude::*;

use crate::support::lit;

declare_rule! {
    /// ## What it does
    /// Checks Firehose delivery streams that are not fed by a Kinesis stream
    /// (`DeliveryStreamType` other than `KinesisStreamAsSource`), as cfn_nag's W88 does: they must
    /// set `DeliveryStreamEncryptionConfigurationInput` with a `KeyType`.
    ///
    /// ## Why is this bad?
    /// Records wait in the delivery stream's buffer before delivery; without server-side
    /// encryption they are stored there in clear.
    ///
    /// ## Example
    /// ```yaml
    /// Stream:
    ///   Type: AWS::KinesisFirehose::DeliveryStream
    ///   Properties:
    ///     DeliveryStreamType: DirectPut
    /// ```
    ///
    /// ## Fix
    /// Set `DeliveryStreamEncryptionConfigurationInput: {KeyType: AWS_OWNED_CMK}` (or
    /// `CUSTOMER_MANAGED_CMK` with a `KeyARN`).
    pub struct FirehoseEncryption {
        id: "SEC141",
        name: "firehose-encryption",
        title: "Firehose delivery streams encrypt with server-side encryption",
        severity: Low,
        resource_types: [
            "AWS::KinesisFirehose::DeliveryStream",
        ],
        equivalents: { "cfn_nag": ["W88"] },
    }
}

impl Rule for FirehoseEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let kind = r.property("DeliveryStreamType").and_then(|n| lit(&t, &n));
            if kind.as_deref() == Some("KinesisStreamAsSource") {
                continue;
            }
            match r.property("DeliveryStreamEncryptionConfigurationInput") {
                None => {
                    let at = r.properties().unwrap_or_else(|| r.node.clone());
                    out.add(&at, format!("delivery stream `{}` sets no `DeliveryStreamEncryptionConfigurationInput`: buffered records are not encrypted", r.id));
                }
                Some(config)
                    if !config.is_intrinsic()
                        && config.get("KeyType").is_none_or(|k| k.value().is_null()) =>
                {
                    out.add(
                        &config,
                        format!(
                            "delivery stream `{}` sets no `KeyType` for its encryption",
                            r.id
                        ),
                    );
                }
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC141", "tests/fixtures/sec141.yaml"));
    }
}
