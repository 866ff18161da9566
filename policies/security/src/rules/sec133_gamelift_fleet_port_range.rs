use preflight_policy::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports GameLift fleets whose `EC2InboundPermissions` open a port range (`FromPort`
    /// different from `ToPort`), as cfn_nag's W65 does. Opinionated: at info severity.
    ///
    /// ## Why is this bad?
    /// Each inbound permission opens the fleet's instances; a range opens ports the game
    /// server does not use.
    ///
    /// ## Example
    /// ```yaml
    /// Fleet:
    ///   Type: AWS::GameLift::Fleet
    ///   Properties:
    ///     EC2InboundPermissions:
    ///       - {FromPort: 1000, ToPort: 2000, IpRange: 0.0.0.0/0, Protocol: UDP}
    /// ```
    ///
    /// ## Fix
    /// Open the ports the game server listens on, one permission each.
    pub struct GameliftFleetPortRange {
        id: "SEC133",
        name: "gamelift-fleet-port-range",
        title: "GameLift fleets open single ports",
        severity: Info,
        resource_types: [
            "AWS::GameLift::Fleet",
        ],
        equivalents: { "cfn_nag": ["W65"] },
    }
}

impl Rule for GameliftFleetPortRange {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let Some(list) = r.property("EC2InboundPermissions") else {
                continue;
            };
            for p in list.one_or_many() {
                let port = |k: &str| {
                    p.get(k)
                        .map(|n| crate::support::lit(&t, &n).unwrap_or_default())
                };
                let (from, to) = (port("FromPort"), port("ToPort"));
                if from != to {
                    out.add(
                        &p,
                        format!(
                            "fleet `{}` opens ports {}-{} instead of a single port",
                            r.id,
                            from.unwrap_or_default(),
                            to.unwrap_or_default()
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC133", "tests/fixtures/sec133.yaml"));
    }
}
