use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that resources whose replacement needs a new name (roles, managed
    /// policies, tables, security groups, repositories, load balancers, domains,
    /// streams, DB instances, alarms, API keys, CodeDeploy configurations and groups:
    /// cfn_nag's list) do not set their name property. Opinionated: reported at info
    /// severity.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// CloudFormation creates the replacement before deleting the old resource; with a
    /// fixed name the two collide and the update fails. Fixed names also keep two
    /// stacks from the same template in one account and region.
    ///
    /// ## Example
    /// ```yaml
    /// Role:
    ///   Type: AWS::IAM::Role
    ///   Properties:
    ///     RoleName: app-role
    ///     AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
    /// ```
    ///
    /// ## Fix
    /// Leave the name out and let CloudFormation generate one (pass it to consumers
    /// with `!Ref` or outputs), or disable this rule.
    pub struct ExplicitResourceName {
        id: "SEC109",
        name: "explicit-resource-name",
        title: "Resources that are replaced on update do not have explicit names",
        severity: Info,
        resource_types: [
            "AWS::ApiGateway::ApiKey",
            "AWS::CloudWatch::Alarm",
            "AWS::CodeDeploy::DeploymentConfig",
            "AWS::CodeDeploy::DeploymentGroup",
            "AWS::DynamoDB::Table",
            "AWS::EC2::SecurityGroup",
            "AWS::ECR::Repository",
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "AWS::Elasticsearch::Domain",
            "AWS::IAM::Group",
            "AWS::IAM::ManagedPolicy",
            "AWS::IAM::Role",
            "AWS::Kinesis::Stream",
            "AWS::RDS::DBInstance",
        ],
        equivalents: { "cfn_nag": ["W28"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        types: &["AWS::ApiGateway::ApiKey"],
        path: "Name",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
    Requirement {
        types: &["AWS::CloudWatch::Alarm"],
        path: "AlarmName",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
    Requirement {
        types: &["AWS::CodeDeploy::DeploymentConfig"],
        path: "DeploymentConfigName",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
    Requirement {
        types: &["AWS::CodeDeploy::DeploymentGroup"],
        path: "DeploymentGroupName",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
    Requirement {
        types: &["AWS::DynamoDB::Table"],
        path: "TableName",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
    Requirement {
        types: &["AWS::EC2::SecurityGroup"],
        path: "GroupName",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
    Requirement {
        types: &["AWS::ECR::Repository"],
        path: "RepositoryName",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
    Requirement {
        types: &["AWS::ElasticLoadBalancingV2::LoadBalancer"],
        path: "Name",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
    Requirement {
        types: &["AWS::Elasticsearch::Domain"],
        path: "DomainName",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
    Requirement {
        types: &["AWS::IAM::Group"],
        path: "GroupName",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
    Requirement {
        types: &["AWS::IAM::ManagedPolicy"],
        path: "ManagedPolicyName",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
    Requirement {
        types: &["AWS::IAM::Role"],
        path: "RoleName",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
    Requirement {
        types: &["AWS::Kinesis::Stream"],
        path: "Name",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
    Requirement {
        types: &["AWS::RDS::DBInstance"],
        path: "DBInstanceIdentifier",
        expect: Expect::Unset,
        what: "an update that replaces it fails, since the new resource cannot take the old one's name",
    },
];

impl Rule for ExplicitResourceName {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC109", "tests/fixtures/sec109.yaml"));
    }
}
