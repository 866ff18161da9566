use preflight_policy::prelude::*;

use crate::support::{absent_at, lit};

declare_rule! {
    /// ## What it does
    /// Checks that ECS clusters set `ClusterSettings` with `containerInsights` `enabled` (or
    /// `enhanced`), as checkov's CKV_AWS_65 does. Opinionated: at info severity.
    ///
    /// ## Why is this bad?
    /// Container Insights collects the metrics and task events that show a compromised or
    /// runaway task; without it there is little to investigate with.
    ///
    /// ## Example
    /// ```yaml
    /// Cluster:
    ///   Type: AWS::ECS::Cluster
    /// ```
    ///
    /// ## Fix
    /// Add `ClusterSettings: [{Name: containerInsights, Value: enabled}]`.
    pub struct EcsContainerInsights {
        id: "SEC143",
        name: "ecs-container-insights",
        title: "ECS clusters turn on Container Insights",
        severity: Info,
        resource_types: [
            "AWS::ECS::Cluster",
        ],
        equivalents: { "checkov": ["CKV_AWS_65"] },
    }
}

impl Rule for EcsContainerInsights {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            if crate::support::opaque(&r) {
                continue;
            }
            let settings = r.property("ClusterSettings");
            if settings.as_ref().is_some_and(|s| s.is_intrinsic()) {
                continue;
            }
            let on = settings.as_ref().is_some_and(|s| {
                s.one_or_many().iter().any(|item| {
                    let get = |k: &str| item.get(k).and_then(|n| lit(&t, &n));
                    get("Name").as_deref() == Some("containerInsights")
                        && matches!(get("Value").as_deref(), Some("enabled" | "enhanced"))
                })
            });
            if !on {
                let at = settings.unwrap_or_else(|| absent_at(&r));
                out.add(
                    &at,
                    format!("ECS cluster `{}` does not turn on Container Insights", r.id),
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
        insta::assert_snapshot!(render_rule("SEC143", "tests/fixtures/sec143.yaml"));
    }
}
