use preflight_policy::prelude::*;

use crate::support::refers_to;
use serde_json::Value;

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

/// The `Stage` values of every `ApiStages` entry of the template's usage plans.
fn plan_stages<'a>(t: &Template<'a>) -> Vec<&'a Value> {
    t.resources_of_type("AWS::ApiGateway::UsagePlan")
        .filter_map(|p| p.property("ApiStages"))
        .flat_map(|stages| {
            stages
                .one_or_many()
                .into_iter()
                .filter_map(|s| s.get("Stage").map(|n| n.value()))
                .collect::<Vec<_>>()
        })
        .collect()
}

impl Rule for ApiDeploymentUsagePlan {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let planned = plan_stages(&t);
        for d in t.resources_of_types(Self::META.resource_types) {
            let covered = match d.property("StageName") {
                Some(name) => planned.iter().any(|v| *v == name.value()),
                None => t.resources_of_type("AWS::ApiGateway::Stage").any(|s| {
                    s.property("DeploymentId")
                        .is_some_and(|id| refers_to(id.value()) == Some(d.id))
                        && planned.iter().any(|v| refers_to(v) == Some(s.id))
                }),
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
