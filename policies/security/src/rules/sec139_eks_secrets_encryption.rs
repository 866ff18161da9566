use preflight_policy::prelude::*;

declare_rule! {
    /// ## What it does
    /// Checks that EKS clusters set `EncryptionConfig` with a `Provider.KeyArn` on every
    /// entry and `secrets` among the `Resources` of one, as cfn_nag's W82 and checkov's
    /// CKV_AWS_58 do.
    ///
    /// ## Why is this bad?
    /// Without envelope encryption, Kubernetes secrets are stored in etcd protected only by
    /// EBS encryption; anyone who reads etcd (a backup, a compromised control plane component)
    /// reads every secret.
    ///
    /// ## Example
    /// ```yaml
    /// Cluster:
    ///   Type: AWS::EKS::Cluster
    ///   Properties:
    ///     RoleArn: arn:aws:iam::123456789012:role/eks
    ///     ResourcesVpcConfig:
    ///       SubnetIds: [subnet-1, subnet-2]
    /// ```
    ///
    /// ## Fix
    /// Add `EncryptionConfig: [{Provider: {KeyArn: !GetAtt Key.Arn}, Resources: [secrets]}]`.
    pub struct EksSecretsEncryption {
        id: "SEC139",
        name: "eks-secrets-encryption",
        title: "EKS clusters encrypt Kubernetes secrets with a KMS key",
        severity: Medium,
        resource_types: [
            "AWS::EKS::Cluster",
        ],
        equivalents: { "cfn_nag": ["W82"], "checkov": ["CKV_AWS_58"] },
    }
}

impl Rule for EksSecretsEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let Some(config) = r
                .property("EncryptionConfig")
                .filter(|c| !c.value().is_null())
            else {
                let at = r.properties().unwrap_or_else(|| r.node.clone());
                out.add(&at, format!("EKS cluster `{}` sets no `EncryptionConfig`: Kubernetes secrets are not envelope-encrypted", r.id));
                continue;
            };
            if config.is_intrinsic() {
                continue;
            }
            let entries = config.one_or_many();
            let keyless = entries.iter().find(|e| {
                !e.is_intrinsic()
                    && e.path("Provider/KeyArn")
                        .is_none_or(|k| k.as_str().is_some_and(str::is_empty))
            });
            let secrets = entries.iter().any(|e| {
                e.is_intrinsic()
                    || e.get("Resources").is_some_and(|list| {
                        list.is_intrinsic()
                            || list
                                .one_or_many()
                                .iter()
                                .any(|i| i.as_str() == Some("secrets"))
                    })
            });
            if let Some(e) = keyless {
                out.add(e, format!("an `EncryptionConfig` entry of EKS cluster `{}` names no `Provider.KeyArn`", r.id));
            }
            if !secrets {
                out.add(
                    &config,
                    format!(
                        "the `EncryptionConfig` of EKS cluster `{}` does not cover `secrets`",
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
        insta::assert_snapshot!(render_rule("SEC139", "tests/fixtures/sec139.yaml"));
    }
}
