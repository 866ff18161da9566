use preflight_policy::prelude::*;

use crate::support::truthy;

declare_rule! {
    /// ## What it does
    /// Checks the `PolicyDetails.Actions[].CrossRegionCopy[]` of Data Lifecycle Manager
    /// policies, as cfn_nag's W81 does: each copy must set
    /// `EncryptionConfiguration.Encrypted: true`.
    ///
    /// ## Why is this bad?
    /// A copy to another region that is not encrypted puts the snapshot's data, in clear,
    /// where the source region's key policy no longer applies.
    ///
    /// ## Example
    /// ```yaml
    /// Policy:
    ///   Type: AWS::DLM::LifecyclePolicy
    ///   Properties:
    ///     PolicyDetails:
    ///       Actions:
    ///         - Name: copy
    ///           CrossRegionCopy:
    ///             - Target: us-west-2
    ///               EncryptionConfiguration: {Encrypted: false}
    /// ```
    ///
    /// ## Fix
    /// Set `EncryptionConfiguration: {Encrypted: true, CmkArn: ...}` on each copy.
    pub struct DlmCrossRegionCopyEncryption {
        id: "SEC138",
        name: "dlm-cross-region-copy-encryption",
        title: "DLM cross-region snapshot copies are encrypted",
        severity: Medium,
        resource_types: [
            "AWS::DLM::LifecyclePolicy",
        ],
        equivalents: { "cfn_nag": ["W81"] },
    }
}

impl Rule for DlmCrossRegionCopyEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let Some(actions) = r.property_path("PolicyDetails/Actions") else {
                continue;
            };
            for action in actions.one_or_many() {
                let Some(copies) = action.get("CrossRegionCopy") else {
                    continue;
                };
                for copy in copies.one_or_many() {
                    if copy.is_intrinsic() {
                        continue;
                    }
                    let encrypted = copy.path("EncryptionConfiguration/Encrypted");
                    if encrypted
                        .as_ref()
                        .is_some_and(|n| n.is_intrinsic() && crate::support::lit(&t, n).is_none())
                    {
                        continue;
                    }
                    if !truthy(&t, encrypted.as_ref()) {
                        let at = encrypted.unwrap_or_else(|| copy.clone());
                        out.add(&at, format!("lifecycle policy `{}` copies snapshots to another region unencrypted", r.id));
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
        insta::assert_snapshot!(render_rule("SEC138", "tests/fixtures/sec138.yaml"));
    }
}
