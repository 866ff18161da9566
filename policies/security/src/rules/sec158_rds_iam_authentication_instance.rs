use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_one, lit};

declare_rule! {
    /// ## What it does
    /// Checks that RDS instances of the `mysql` and `postgres` engines set
    /// `EnableIAMDatabaseAuthentication: true`, as checkov's CKV_AWS_161 does (SEC097 checks
    /// clusters).
    ///
    /// ## Why is this bad?
    /// IAM authentication replaces long-lived database passwords with short-lived tokens tied
    /// to IAM identities, which are audited and revoked in one place.
    ///
    /// ## Example
    /// ```yaml
    /// Database:
    ///   Type: AWS::RDS::DBInstance
    ///   Properties:
    ///     Engine: mysql
    /// ```
    ///
    /// ## Fix
    /// Set `EnableIAMDatabaseAuthentication: true` and grant `rds-db:connect` to the roles that
    /// connect.
    pub struct RdsIamAuthenticationInstance {
        id: "SEC158",
        name: "rds-iam-authentication-instance",
        title: "RDS MySQL and PostgreSQL instances allow IAM authentication",
        severity: Low,
        resource_types: [
            "AWS::RDS::DBInstance",
        ],
        equivalents: { "checkov": ["CKV_AWS_161"] },
    }
}

const REQUIREMENT: Requirement = Requirement {
    types: &["AWS::RDS::DBInstance"],
    path: "EnableIAMDatabaseAuthentication",
    expect: Expect::True,
    what: "every client connects with a long-lived database password",
};

impl Rule for RdsIamAuthenticationInstance {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let engine = r.property("Engine").and_then(|n| lit(&t, &n));
            if matches!(engine.as_deref(), Some("mysql" | "postgres")) {
                check_one(&t, &r, &REQUIREMENT, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC158", "tests/fixtures/sec158.yaml"));
    }
}
