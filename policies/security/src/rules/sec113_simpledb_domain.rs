use preflight_policy::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports every `AWS::SDB::Domain`, as cfn_nag's F77 does.
    ///
    /// ## Why is this bad?
    /// SimpleDB is a legacy service: it has no encryption at rest with customer keys, no
    /// resource policies and no VPC endpoints, so access control is IAM alone.
    ///
    /// ## Example
    /// ```yaml
    /// Store:
    ///   Type: AWS::SDB::Domain
    ///   Properties:
    ///     Description: settings
    /// ```
    ///
    /// ## Fix
    /// Use DynamoDB (encrypted, with point-in-time recovery and fine-grained access) instead.
    pub struct SimpledbDomain {
        id: "SEC113",
        name: "simpledb-domain",
        title: "Templates declare no SimpleDB domains",
        severity: Low,
        resource_types: [
            "AWS::SDB::Domain",
        ],
        equivalents: { "cfn_nag": ["F77"] },
    }
}

impl Rule for SimpledbDomain {
    fn check(&self, cx: &Context, out: &mut Findings) {
        for r in cx.template.resources_of_types(Self::META.resource_types) {
            out.add(
                &r.node,
                format!("`{}` is a SimpleDB domain: a legacy store without encryption controls or resource policies", r.id),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC113", "tests/fixtures/sec113.yaml"));
    }
}
