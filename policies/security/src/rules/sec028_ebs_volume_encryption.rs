use preflight_policy::prelude::*;

use crate::support::{Flag, flag, report_off};

declare_rule! {
    /// ## What it does
    /// Checks that EBS volumes are encrypted: `AWS::EC2::Volume` with `Encrypted: true`,
    /// and the `Ebs` block device mappings of `AWS::EC2::Instance`,
    /// `AWS::EC2::LaunchTemplate` and `AWS::AutoScaling::LaunchConfiguration` (mappings
    /// restored from a snapshot inherit its encryption and are not judged). A `!Ref` to a
    /// parameter is judged by its default.
    ///
    /// ## Why is this bad?
    /// Unencrypted volumes and their snapshots can be read by anyone who gets hold of a
    /// snapshot (shared by mistake, copied to another account). Turning on encryption by
    /// default for the account helps, but the template cannot rely on it.
    ///
    /// ## Example
    /// ```yaml
    /// Volume:
    ///   Type: AWS::EC2::Volume
    ///   Properties:
    ///     Size: 100
    ///     AvailabilityZone: !Select [0, !GetAZs ""]
    /// ```
    ///
    /// ## Fix
    /// Set `Encrypted: true`, with a `KmsKeyId` for a key you control.
    pub struct EbsVolumeEncryption {
        id: "SEC028",
        name: "ebs-volume-encryption",
        title: "EBS volumes are encrypted",
        severity: Medium,
        resource_types: [
            "AWS::EC2::Volume",
            "AWS::EC2::Instance",
            "AWS::EC2::LaunchTemplate",
            "AWS::AutoScaling::LaunchConfiguration",
        ],
        equivalents: { "cfn_nag": ["F1"], "checkov": ["CKV_AWS_3", "CKV_AWS_8"] },
    }
}

impl Rule for EbsVolumeEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(Self::META.resource_types) {
            let mappings = match r.ty {
                "AWS::EC2::Volume" => {
                    if let Flag::Off(off) = flag(&t, &r, "Encrypted") {
                        report_off(out, &r, "Encrypted", &off, "the volume is not encrypted");
                    }
                    continue;
                }
                "AWS::EC2::Instance" | "AWS::AutoScaling::LaunchConfiguration" => {
                    r.property("BlockDeviceMappings")
                }
                "AWS::EC2::LaunchTemplate" => {
                    r.property_path("LaunchTemplateData/BlockDeviceMappings")
                }
                _ => continue,
            };
            for mapping in mappings.iter().flat_map(|m| m.items().collect::<Vec<_>>()) {
                let Some(ebs) = mapping.get("Ebs").filter(|e| e.is_object()) else {
                    continue;
                };
                if ebs.get("SnapshotId").is_some() {
                    continue;
                }
                let device = mapping
                    .get("DeviceName")
                    .and_then(|d| d.as_str().map(str::to_string))
                    .unwrap_or_else(|| "a volume".to_string());
                match ebs.get("Encrypted") {
                    None => {
                        out.add(
                            &ebs,
                            format!("`{}` maps {device} without `Encrypted: true`", r.id),
                        );
                    }
                    Some(n) if n.as_bool() == Some(false) => {
                        out.add(
                            &n,
                            format!("`{}` maps {device} with `Encrypted: false`", r.id),
                        );
                    }
                    Some(_) => {}
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
        insta::assert_snapshot!(render_rule("SEC028", "tests/fixtures/sec028.yaml"));
    }
}
