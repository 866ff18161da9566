use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that SageMaker data quality job definitions encrypt their output
    /// (`DataQualityJobOutputConfig.KmsKeyId`), their instance volumes
    /// (`JobResources.ClusterConfig.VolumeKmsKeyId`) and the traffic between instances
    /// (`NetworkConfig.EnableInterContainerTrafficEncryption`).
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// Monitoring jobs read samples of production inference data; each of the three is
    /// a place where that data is otherwise stored or sent without encryption.
    ///
    /// ## Example
    /// ```yaml
    /// Quality:
    ///   Type: AWS::SageMaker::DataQualityJobDefinition
    ///   Properties:
    ///     DataQualityJobOutputConfig:
    ///       MonitoringOutputs: []
    ///     JobResources:
    ///       ClusterConfig: {InstanceCount: 1, InstanceType: ml.m5.large, VolumeSizeInGB: 20}
    ///     RoleArn: arn:aws:iam::123456789012:role/sagemaker
    /// ```
    ///
    /// ## Fix
    /// Set the two KMS keys and `NetworkConfig.EnableInterContainerTrafficEncryption:
    /// true`.
    pub struct SagemakerMonitoringJobEncryption {
        id: "SEC065",
        name: "sagemaker-monitoring-job-encryption",
        title: "SageMaker data quality jobs encrypt their outputs, volumes and traffic",
        severity: Low,
        resource_types: [
            "AWS::SageMaker::DataQualityJobDefinition",
        ],
        equivalents: { "checkov": ["CKV_AWS_367", "CKV_AWS_368", "CKV_AWS_369"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        types: &["AWS::SageMaker::DataQualityJobDefinition"],
        path: "DataQualityJobOutputConfig/KmsKeyId",
        expect: Expect::Set,
        what: "its reports are written to S3 without a KMS key",
    },
    Requirement {
        types: &["AWS::SageMaker::DataQualityJobDefinition"],
        path: "JobResources/ClusterConfig/VolumeKmsKeyId",
        expect: Expect::Set,
        what: "the volumes of its instances are not encrypted with a KMS key",
    },
    Requirement {
        types: &["AWS::SageMaker::DataQualityJobDefinition"],
        path: "NetworkConfig/EnableInterContainerTrafficEncryption",
        expect: Expect::True,
        what: "traffic between its instances is not encrypted",
    },
];

impl Rule for SagemakerMonitoringJobEncryption {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC065", "tests/fixtures/sec065.yaml"));
    }
}
