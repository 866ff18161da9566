use preflight_policy::permissions::with_defaults;
use preflight_policy::prelude::*;

use crate::support::{Flag, flag, from_default, is_set, type_noun};

declare_rule! {
    /// ## What it does
    /// Checks that data stores are not reachable from the internet:
    ///
    /// - RDS DB instances and Multi-AZ DB clusters with `PubliclyAccessible: true` (high);
    ///   a DB instance that does not set it gets AWS's default, which is public when its
    ///   subnets route to an internet gateway: medium without a `DBSubnetGroupName` (the
    ///   default VPC has one), low with one;
    /// - DMS replication instances with `PubliclyAccessible` true or absent (the default
    ///   is public);
    /// - Redshift clusters with `PubliclyAccessible: true`.
    ///
    /// A `!Ref` to a parameter is judged by its default.
    ///
    /// ## Why is this bad?
    /// A publicly accessible database gets a public IP address and DNS name; only its
    /// security group and password stand between it and the internet.
    ///
    /// ## Example
    /// ```yaml
    /// Database:
    ///   Type: AWS::RDS::DBInstance
    ///   Properties:
    ///     PubliclyAccessible: true
    /// ```
    ///
    /// ## Fix
    /// Set `PubliclyAccessible: false` and place the database in private subnets.
    pub struct PubliclyAccessibleDatabase {
        id: "SEC040",
        name: "publicly-accessible-database",
        title: "Databases are not publicly accessible",
        severity: High,
        resource_types: [
            "AWS::RDS::DBInstance",
            "AWS::RDS::DBCluster",
            "AWS::DMS::ReplicationInstance",
            "AWS::Redshift::Cluster",
        ],
        equivalents: {
            "cfn_nag": ["F22", "W91"],
            "checkov": ["CKV_AWS_17", "CKV_AWS_89"],
        },
    }
}

impl Rule for PubliclyAccessibleDatabase {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if !matches!(
                r.ty,
                "AWS::RDS::DBInstance"
                    | "AWS::RDS::DBCluster"
                    | "AWS::DMS::ReplicationInstance"
                    | "AWS::Redshift::Cluster"
            ) {
                continue;
            }
            let noun = type_noun(r.ty);
            match flag(&t, &r, "PubliclyAccessible") {
                Flag::On => {
                    let node = r
                        .property("PubliclyAccessible")
                        .unwrap_or_else(|| r.node.clone());
                    let param = with_defaults(&t, node.value()).and_then(|d| d.parameter);
                    out.add(
                        &node,
                        format!(
                            "{noun} `{}` is publicly accessible (`PubliclyAccessible: true`){}",
                            r.id,
                            from_default(param)
                        ),
                    );
                }
                Flag::Off(None) => {
                    let at = r.properties().unwrap_or_else(|| r.node.clone());
                    match r.ty {
                        "AWS::DMS::ReplicationInstance" => {
                            out.add(
                                &at,
                                format!("{noun} `{}` does not set `PubliclyAccessible`, which defaults to true", r.id),
                            );
                        }
                        "AWS::RDS::DBInstance" if !is_set(&r, "DBClusterIdentifier") => {
                            let subnets = is_set(&r, "DBSubnetGroupName");
                            let finding = out.add(
                                &at,
                                format!(
                                    "{noun} `{}` does not set `PubliclyAccessible`: it is public if its subnets{} route to an internet gateway",
                                    r.id,
                                    if subnets { "" } else { " (the default VPC's)" }
                                ),
                            );
                            finding.severity(if subnets {
                                Severity::Low
                            } else {
                                Severity::Medium
                            });
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC040", "tests/fixtures/sec040.yaml"));
    }
}
