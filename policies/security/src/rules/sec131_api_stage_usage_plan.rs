use preflight_policy::prelude::*;

use crate::support::PlannedStages;

declare_rule! {
    /// ## What it does
    /// Checks that each `AWS::ApiGateway::Stage` is named (by `Ref` or `Fn::GetAtt`) in the
    /// `ApiStages` of an `AWS::ApiGateway::UsagePlan` of the template, as cfn_nag's W64 does.
    /// Opinionated: at info severity.
    ///
    /// ## Why is this bad?
    /// A usage plan throttles and caps what each API key may call; an API stage outside
    /// every plan takes unlimited traffic, the cost of abuse included.
    ///
    /// ## Example
    /// ```yaml
    /// Stage:
    ///   Type: AWS::ApiGateway::Stage
    ///   Properties:
    ///     RestApiId: !Ref Api
    ///     DeploymentId: !Ref Deployment
    ///     StageName: prod
    /// ```
    ///
    /// ## Fix
    /// Add an `AWS::ApiGateway::UsagePlan` whose `ApiStages` names the stage, with throttle
    /// and quota limits.
    pub struct ApiStageUsagePlan {
        id: "SEC131",
        name: "api-stage-usage-plan",
        title: "REST API stages belong to a usage plan",
        severity: Info,
        resource_types: [
            "AWS::ApiGateway::Stage",
        ],
        equivalents: { "cfn_nag": ["W64"] },
    }
}

impl Rule for ApiStageUsagePlan {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let planned = PlannedStages::of(&t);
        for s in t.resources_of_types(Self::META.resource_types) {
            if !planned.references(s.id) {
                out.add(
                    &s.node,
                    format!(
                        "stage `{}` is in no usage plan: its traffic has no throttle or quota",
                        s.id
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
        insta::assert_snapshot!(render_rule("SEC131", "tests/fixtures/sec131.yaml"));
    }
}
