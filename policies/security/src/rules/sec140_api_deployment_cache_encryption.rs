use preflight_policy::prelude::*;

use crate::support::truthy;

declare_rule! {
    /// ## What it does
    /// Checks REST API deployments whose `StageDescription` turns on `CachingEnabled`, as
    /// cfn_nag's W87 does: they must also set `CacheDataEncrypted: true`.
    ///
    /// ## Why is this bad?
    /// The stage cache holds API responses (often personal data) on API Gateway's cache
    /// cluster; unencrypted, it is outside the encryption controls of the data's origin.
    ///
    /// ## Example
    /// ```yaml
    /// Deployment:
    ///   Type: AWS::ApiGateway::Deployment
    ///   Properties:
    ///     RestApiId: !Ref Api
    ///     StageDescription:
    ///       CachingEnabled: true
    /// ```
    ///
    /// ## Fix
    /// Set `StageDescription.CacheDataEncrypted: true`.
    pub struct ApiDeploymentCacheEncryption {
        id: "SEC140",
        name: "api-deployment-cache-encryption",
        title: "API deployment stage caches are encrypted",
        severity: Low,
        resource_types: [
            "AWS::ApiGateway::Deployment",
        ],
        equivalents: { "cfn_nag": ["W87"] },
    }
}

impl Rule for ApiDeploymentCacheEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let Some(stage) = r.property("StageDescription") else {
                continue;
            };
            if !truthy(&t, stage.get("CachingEnabled").as_ref()) {
                continue;
            }
            let encrypted = stage.get("CacheDataEncrypted");
            if encrypted
                .as_ref()
                .is_some_and(|n| crate::support::lit(&t, n).is_none())
            {
                continue;
            }
            if !truthy(&t, encrypted.as_ref()) {
                let at = encrypted.unwrap_or(stage);
                out.add(
                    &at,
                    format!(
                        "deployment `{}` caches responses without `CacheDataEncrypted: true`",
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
        insta::assert_snapshot!(render_rule("SEC140", "tests/fixtures/sec140.yaml"));
    }
}
