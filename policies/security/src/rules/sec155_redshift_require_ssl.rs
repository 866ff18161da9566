use preflight_policy::prelude::*;

use crate::support::{absent_at, lit};

declare_rule! {
    /// ## What it does
    /// Checks that Redshift cluster parameter groups set the `require_ssl` parameter to
    /// `true`, as checkov's CKV_AWS_105 does.
    ///
    /// ## Why is this bad?
    /// Without it, clients may connect to the cluster in plaintext and query results cross
    /// the network readable.
    ///
    /// ## Example
    /// ```yaml
    /// Params:
    ///   Type: AWS::Redshift::ClusterParameterGroup
    ///   Properties:
    ///     ParameterGroupFamily: redshift-1.0
    ///     Parameters:
    ///       - {ParameterName: enable_user_activity_logging, ParameterValue: "true"}
    /// ```
    ///
    /// ## Fix
    /// Add `{ParameterName: require_ssl, ParameterValue: "true"}`.
    pub struct RedshiftRequireSsl {
        id: "SEC155",
        name: "redshift-require-ssl",
        title: "Redshift parameter groups require SSL",
        severity: Medium,
        resource_types: [
            "AWS::Redshift::ClusterParameterGroup",
        ],
        equivalents: { "checkov": ["CKV_AWS_105"] },
    }
}

impl Rule for RedshiftRequireSsl {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let params = r.property("Parameters");
            if params.as_ref().is_some_and(|p| p.is_intrinsic()) {
                continue;
            }
            let on = params.as_ref().is_some_and(|list| {
                list.one_or_many().iter().any(|p| {
                    p.get("ParameterName").and_then(|n| lit(&t, &n)).as_deref()
                        == Some("require_ssl")
                        && p.get("ParameterValue")
                            .and_then(|n| lit(&t, &n))
                            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
                })
            });
            if !on {
                let at = params.unwrap_or_else(|| absent_at(&r));
                out.add(&at, format!("parameter group `{}` does not set `require_ssl` to `true`: clients may connect in plaintext", r.id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC155", "tests/fixtures/sec155.yaml"));
    }
}
