use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that Transfer Family servers set `EndpointType` to `VPC` or
    /// `VPC_ENDPOINT` (the default is `PUBLIC`).
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// A public SFTP endpoint is scanned and brute-forced from the internet; in a VPC
    /// its reach is limited by security groups.
    ///
    /// ## Example
    /// ```yaml
    /// Sftp:
    ///   Type: AWS::Transfer::Server
    ///   Properties:
    ///     Protocols: [SFTP]
    /// ```
    ///
    /// ## Fix
    /// Set `EndpointType: VPC` with `EndpointDetails` (an Elastic IP where internet
    /// access is needed).
    pub struct TransferServerPublic {
        id: "SEC087",
        name: "transfer-server-public",
        title: "Transfer Family servers are in a VPC",
        severity: Medium,
        resource_types: [
            "AWS::Transfer::Server",
        ],
        equivalents: { "checkov": ["CKV_AWS_164"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::Transfer::Server"],
    path: "EndpointType",
    expect: Expect::OneOf(&["VPC", "VPC_ENDPOINT"]),
    what: "its endpoint is public",
}];

impl Rule for TransferServerPublic {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC087", "tests/fixtures/sec087.yaml"));
    }
}
