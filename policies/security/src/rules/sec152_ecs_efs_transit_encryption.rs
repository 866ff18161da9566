use preflight_policy::prelude::*;

use crate::support::lit;

declare_rule! {
    /// ## What it does
    /// Checks the `Volumes` of ECS task definitions, as checkov's CKV_AWS_97 does: each
    /// `EFSVolumeConfiguration` must set `TransitEncryption: ENABLED`.
    ///
    /// ## Why is this bad?
    /// NFS traffic between the task and EFS is plaintext unless transit encryption is on: file
    /// contents cross the network readable.
    ///
    /// ## Example
    /// ```yaml
    /// Task:
    ///   Type: AWS::ECS::TaskDefinition
    ///   Properties:
    ///     Volumes:
    ///       - Name: data
    ///         EFSVolumeConfiguration:
    ///           FilesystemId: fs-12345678
    /// ```
    ///
    /// ## Fix
    /// Set `TransitEncryption: ENABLED` on the volume's `EFSVolumeConfiguration`.
    pub struct EcsEfsTransitEncryption {
        id: "SEC152",
        name: "ecs-efs-transit-encryption",
        title: "ECS task EFS volumes encrypt in transit",
        severity: Medium,
        resource_types: [
            "AWS::ECS::TaskDefinition",
        ],
        equivalents: { "checkov": ["CKV_AWS_97"] },
    }
}

impl Rule for EcsEfsTransitEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let Some(volumes) = r.property("Volumes") else {
                continue;
            };
            for volume in volumes.one_or_many() {
                let Some(efs) = volume
                    .get("EFSVolumeConfiguration")
                    .filter(|e| e.is_object() && !e.is_intrinsic())
                else {
                    continue;
                };
                let transit = efs.get("TransitEncryption");
                if transit.as_ref().is_some_and(|n| lit(&t, n).is_none()) {
                    continue;
                }
                if transit.as_ref().and_then(|n| lit(&t, n)).as_deref() != Some("ENABLED") {
                    let at = transit.unwrap_or(efs);
                    out.add(&at, format!("task definition `{}` mounts an EFS volume without `TransitEncryption: ENABLED`", r.id));
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
        insta::assert_snapshot!(render_rule("SEC152", "tests/fixtures/sec152.yaml"));
    }
}
