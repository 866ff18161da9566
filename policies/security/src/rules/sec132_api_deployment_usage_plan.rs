use std::collections::HashSet;

use preflight_policy::prelude::*;

use crate::support::{PlannedStages, refers_to};

declare_rule! {
    /// ## What it does
    /// Checks that each `AWS::ApiGateway::Deployment` is in an `AWS::ApiGateway::UsagePlan` of
    /// the template, as cfn_nag's W68 does: a deployment that creates its stage (`StageName`)
    /// must have that stage name in a plan's `ApiStages`; one that does not must be the
    /// `DeploymentId` of a stage that a plan names. Opinionated: at info severity.
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
    pub struct ApiDeploymentUsagePlan {
        id: "SEC132",
        name: "api-deployment-usage-plan",
        title: "REST API deployments belong to a usage plan",
        severity: Info,
        resource_types: [
            "AWS::ApiGateway::Deployment",
        ],
        equivalents: { "cfn_nag": ["W68"] },
    }
}

impl Rule for ApiDeploymentUsagePlan {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let planned = PlannedStages::of(&t);
        // Deployments that a stage in a usage plan deploys.
        let staged: HashSet<&str> = t
            .resources_of_type("AWS::ApiGateway::Stage")
            .filter(|s| planned.references(s.id))
            .filter_map(|s| refers_to(s.property("DeploymentId")?.value()))
            .collect();
        for d in t.resources_of_types(Self::META.resource_types) {
            let covered = match d.property("StageName") {
                Some(name) => planned.has_value(name.value()),
                None => staged.contains(d.id),
            };
            if !covered {
                out.add(
                    &d.node,
                    format!(
                        "deployment `{}` is in no usage plan: its traffic has no throttle or quota",
                        d.id
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
        insta::assert_snapshot!(render_rule("SEC132", "tests/fixtures/sec132.yaml"));
    }
}
