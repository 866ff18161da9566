//! Built-in policy `security`: security checks made on the template as written (SAM
//! before the transform): IAM permissions and trust, managed policies, network exposure,
//! public access, encryption at rest, plaintext secrets, TLS and logging.
//!
//! IAM rules read the SDK's permission model ([`preflight_policy::permissions`]), so the
//! `Policies` of a SAM function or state machine (inline statements, SAM policy
//! templates, managed policy names) are checked like an IAM role's, and findings point
//! at the statement element or the `Policies` entry that causes them.
//!
//! Settings (all optional): the SDK's `disable` list of rule ids.

mod rules;
mod support;

use preflight_policy::declare_policy;

declare_policy! {
    /// The `security` policy.
    pub struct SecurityPolicy {
        id: "security",
        version: env!("CARGO_PKG_VERSION"),
        description: "Security checks of CloudFormation and SAM templates, before the SAM transform: \
            wildcard and negated IAM permissions, iam:PassRole on any role, over-broad trust, \
            administrator and elevated managed policies, policies on users, security groups open \
            to the world, public S3 buckets and resource policies, unauthenticated Lambda URLs, \
            permissions and APIs, encryption at rest, KMS key rotation, plaintext secrets, \
            publicly accessible data stores, TLS on load balancers, CloudFront and API domains, \
            and access logging.",
        rules: [
            rules::sec001_iam_full_admin_statement::IamFullAdminStatement,
            rules::sec002_iam_wildcard_action::IamWildcardAction,
            rules::sec003_iam_wildcard_resource::IamWildcardResource,
            rules::sec004_iam_pass_role_wildcard::IamPassRoleWildcard,
            rules::sec005_allow_not_action::AllowNotAction,
            rules::sec006_allow_not_resource::AllowNotResource,
            rules::sec007_allow_not_principal::AllowNotPrincipal,
            rules::sec008_trust_any_principal::TrustAnyPrincipal,
            rules::sec009_trust_account_without_condition::TrustAccountWithoutCondition,
            rules::sec010_trust_wildcard_action::TrustWildcardAction,
            rules::sec011_administrator_access_policy::AdministratorAccessPolicy,
            rules::sec012_elevated_managed_policy::ElevatedManagedPolicy,
            rules::sec013_policy_on_user::PolicyOnUser,
            rules::sec014_ssh_open_to_world::SshOpenToWorld,
            rules::sec015_rdp_open_to_world::RdpOpenToWorld,
            rules::sec016_database_port_open_to_world::DatabasePortOpenToWorld,
            rules::sec017_all_ports_open_to_world::AllPortsOpenToWorld,
            rules::sec018_port_open_to_world::PortOpenToWorld,
            rules::sec019_egress_open_to_world::EgressOpenToWorld,
            rules::sec020_s3_public_acl::S3PublicAcl,
            rules::sec021_s3_public_access_block::S3PublicAccessBlock,
            rules::sec022_resource_policy_any_principal::ResourcePolicyAnyPrincipal,
            rules::sec023_resource_policy_wildcard_action::ResourcePolicyWildcardAction,
            rules::sec024_lambda_permission_without_source::LambdaPermissionWithoutSource,
            rules::sec025_function_url_without_auth::FunctionUrlWithoutAuth,
            rules::sec026_api_without_authorization::ApiWithoutAuthorization,
            rules::sec027_s3_bucket_encryption::S3BucketEncryption,
            rules::sec028_ebs_volume_encryption::EbsVolumeEncryption,
            rules::sec029_database_storage_encryption::DatabaseStorageEncryption,
            rules::sec030_dynamodb_table_encryption::DynamoDbTableEncryption,
            rules::sec031_sns_topic_encryption::SnsTopicEncryption,
            rules::sec032_sqs_queue_encryption::SqsQueueEncryption,
            rules::sec033_efs_encryption::EfsEncryption,
            rules::sec034_log_group_encryption::LogGroupEncryption,
            rules::sec035_kms_key_rotation::KmsKeyRotation,
            rules::sec036_lambda_environment_secret::LambdaEnvironmentSecret,
            rules::sec037_secret_parameter_default::SecretParameterDefault,
            rules::sec038_user_data_secret::UserDataSecret,
            rules::sec039_plaintext_password_property::PlaintextPasswordProperty,
            rules::sec040_publicly_accessible_database::PubliclyAccessibleDatabase,
            rules::sec041_load_balancer_http_listener::LoadBalancerHttpListener,
            rules::sec042_load_balancer_tls_policy::LoadBalancerTlsPolicy,
            rules::sec043_cloudfront_viewer_protocol::CloudFrontViewerProtocol,
            rules::sec044_cloudfront_tls_version::CloudFrontTlsVersion,
            rules::sec045_api_domain_tls::ApiDomainTls,
            rules::sec046_s3_access_logging::S3AccessLogging,
            rules::sec047_api_access_logging::ApiAccessLogging,
            rules::sec048_cloudtrail_logging::CloudTrailLogging,
            rules::sec049_load_balancer_access_logging::LoadBalancerAccessLogging,
            rules::sec050_cloudfront_access_logging::CloudFrontAccessLogging,
            rules::sec051_elasticache_encryption_at_rest::ElasticacheEncryptionAtRest,
            rules::sec052_workspace_user_volume_encryption::WorkspaceUserVolumeEncryption,
            rules::sec053_workspace_root_volume_encryption::WorkspaceRootVolumeEncryption,
            rules::sec054_ebs_volume_kms_key::EbsVolumeKmsKey,
            rules::sec055_sqs_queue_kms_key::SqsQueueKmsKey,
            rules::sec056_kinesis_stream_encryption::KinesisStreamEncryption,
            rules::sec057_mq_broker_encryption_options::MqBrokerEncryptionOptions,
            rules::sec058_search_domain_encryption_at_rest::SearchDomainEncryptionAtRest,
            rules::sec059_secret_kms_key::SecretKmsKey,
            rules::sec060_kendra_index_kms_key::KendraIndexKmsKey,
            rules::sec061_sagemaker_kms_key::SagemakerKmsKey,
            rules::sec062_codebuild_kms_key::CodebuildKmsKey,
            rules::sec063_ecr_repository_kms::EcrRepositoryKms,
            rules::sec064_kms_key_on_data_store::KmsKeyOnDataStore,
            rules::sec065_sagemaker_monitoring_job_encryption::SagemakerMonitoringJobEncryption,
            rules::sec066_athena_workgroup_enforced::AthenaWorkgroupEnforced,
            rules::sec067_glue_security_configuration_attached::GlueSecurityConfigurationAttached,
            rules::sec068_emr_cluster_security_configuration::EmrClusterSecurityConfiguration,
            rules::sec069_dynamodb_table_customer_key::DynamodbTableCustomerKey,
            rules::sec070_elasticache_encryption_in_transit::ElasticacheEncryptionInTransit,
            rules::sec071_search_domain_node_to_node_encryption::SearchDomainNodeToNodeEncryption,
            rules::sec072_search_domain_enforce_https::SearchDomainEnforceHttps,
            rules::sec073_docdb_tls::DocdbTls,
            rules::sec074_log_group_retention::LogGroupRetention,
            rules::sec075_api_tracing::ApiTracing,
            rules::sec076_api_cache::ApiCache,
            rules::sec077_redshift_audit_logging::RedshiftAuditLogging,
            rules::sec078_docdb_audit_logs::DocdbAuditLogs,
            rules::sec079_search_domain_audit_logs::SearchDomainAuditLogs,
            rules::sec080_appsync_logging::AppsyncLogging,
            rules::sec081_rds_enhanced_monitoring::RdsEnhancedMonitoring,
            rules::sec082_subnet_public_ip_on_launch::SubnetPublicIpOnLaunch,
            rules::sec083_lambda_in_vpc::LambdaInVpc,
            rules::sec084_search_domain_in_vpc::SearchDomainInVpc,
            rules::sec085_redshift_in_vpc::RedshiftInVpc,
            rules::sec086_msk_public_access::MskPublicAccess,
            rules::sec087_transfer_server_public::TransferServerPublic,
            rules::sec088_mq_broker_public::MqBrokerPublic,
            rules::sec089_vpc_endpoint_service_acceptance::VpcEndpointServiceAcceptance,
            rules::sec090_sagemaker_notebook_imdsv2::SagemakerNotebookImdsv2,
            rules::sec091_sagemaker_model_network_isolation::SagemakerModelNetworkIsolation,
            rules::sec092_cloudfront_waf::CloudfrontWaf,
            rules::sec093_waf_default_allow::WafDefaultAllow,
            rules::sec094_batch_privileged_container::BatchPrivilegedContainer,
            rules::sec095_cognito_unauthenticated_identities::CognitoUnauthenticatedIdentities,
            rules::sec096_cognito_user_pool_mfa::CognitoUserPoolMfa,
            rules::sec097_rds_iam_authentication_cluster::RdsIamAuthenticationCluster,
            rules::sec098_qldb_permissions_mode::QldbPermissionsMode,
            rules::sec099_ecr_image_tag_immutability::EcrImageTagImmutability,
            rules::sec100_ecr_scan_on_push::EcrScanOnPush,
            rules::sec101_dynamodb_point_in_time_recovery::DynamodbPointInTimeRecovery,
            rules::sec102_dynamodb_global_table_point_in_time_recovery::DynamodbGlobalTablePointInTimeRecovery,
            rules::sec103_rds_backup_retention::RdsBackupRetention,
            rules::sec104_qldb_deletion_protection::QldbDeletionProtection,
            rules::sec105_s3_versioning::S3Versioning,
            rules::sec106_dynamodb_billing_mode::DynamodbBillingMode,
            rules::sec107_lambda_reserved_concurrency::LambdaReservedConcurrency,
            rules::sec108_lambda_dead_letter_queue::LambdaDeadLetterQueue,
            rules::sec109_explicit_resource_name::ExplicitResourceName,
            rules::sec110_lambda_permission_action::LambdaPermissionAction,
            rules::sec111_iam_user_without_group::IamUserWithoutGroup,
            rules::sec112_rds_master_username_plaintext::RdsMasterUsernamePlaintext,
            rules::sec113_simpledb_domain::SimpledbDomain,
            rules::sec114_network_acl_duplicate_rule_number::NetworkAclDuplicateRuleNumber,
            rules::sec115_rds_deletion_protection::RdsDeletionProtection,
            rules::sec116_security_group_without_egress::SecurityGroupWithoutEgress,
            rules::sec117_cloudformation_authentication_credentials::CloudformationAuthenticationCredentials,
            rules::sec118_ingress_cidr_not_single_host::IngressCidrNotSingleHost,
            rules::sec119_ingress_port_range::IngressPortRange,
            rules::sec120_egress_port_range::EgressPortRange,
            rules::sec121_security_group_rule_description::SecurityGroupRuleDescription,
            rules::sec122_iot_policy_wildcard_action::IotPolicyWildcardAction,
            rules::sec123_iot_policy_wildcard_resource::IotPolicyWildcardResource,
            rules::sec124_egress_all_protocols::EgressAllProtocols,
            rules::sec125_ingress_all_protocols::IngressAllProtocols,
            rules::sec126_login_profile_password_reset::LoginProfilePasswordReset,
            rules::sec127_bucket_without_policy::BucketWithoutPolicy,
            rules::sec128_lambda_log_permissions::LambdaLogPermissions,
            rules::sec129_vpc_flow_log::VpcFlowLog,
            rules::sec130_emr_security_configuration_encryption::EmrSecurityConfigurationEncryption,
            rules::sec131_api_stage_usage_plan::ApiStageUsagePlan,
            rules::sec132_api_deployment_usage_plan::ApiDeploymentUsagePlan,
            rules::sec133_gamelift_fleet_port_range::GameliftFleetPortRange,
            rules::sec134_network_acl_entry_protocol::NetworkAclEntryProtocol,
            rules::sec135_network_acl_entry_all_ports::NetworkAclEntryAllPorts,
            rules::sec136_network_acl_ineffective_deny::NetworkAclIneffectiveDeny,
            rules::sec137_network_acl_overlapping_ports::NetworkAclOverlappingPorts,
            rules::sec138_dlm_cross_region_copy_encryption::DlmCrossRegionCopyEncryption,
            rules::sec139_eks_secrets_encryption::EksSecretsEncryption,
            rules::sec140_api_deployment_cache_encryption::ApiDeploymentCacheEncryption,
            rules::sec141_firehose_encryption::FirehoseEncryption,
            rules::sec142_elasticache_transit_auth::ElasticacheTransitAuth,
            rules::sec143_ecs_container_insights::EcsContainerInsights,
            rules::sec144_codebuild_artifact_encryption::CodebuildArtifactEncryption,
            rules::sec145_launch_template_imdsv2::LaunchTemplateImdsv2,
            rules::sec146_msk_broker_logs::MskBrokerLogs,
            rules::sec147_msk_encryption_in_transit::MskEncryptionInTransit,
            rules::sec148_search_domain_logging::SearchDomainLogging,
            rules::sec149_database_log_exports::DatabaseLogExports,
            rules::sec150_ec2_public_ip::Ec2PublicIp,
            rules::sec151_glue_data_catalog_encryption::GlueDataCatalogEncryption,
            rules::sec152_ecs_efs_transit_encryption::EcsEfsTransitEncryption,
            rules::sec153_glue_security_configuration_encryption::GlueSecurityConfigurationEncryption,
            rules::sec154_eks_nodegroup_remote_access::EksNodegroupRemoteAccess,
            rules::sec155_redshift_require_ssl::RedshiftRequireSsl,
            rules::sec156_alb_drop_invalid_headers::AlbDropInvalidHeaders,
            rules::sec157_rds_multi_az::RdsMultiAz,
            rules::sec158_rds_iam_authentication_instance::RdsIamAuthenticationInstance,
            rules::sec159_lambda_environment_kms_key::LambdaEnvironmentKmsKey,
            rules::sec160_wafv2_log4j_rule::Wafv2Log4jRule,
            rules::sec161_mq_audit_logs::MqAuditLogs,
            rules::sec162_cluster_backup_retention::ClusterBackupRetention,
            rules::sec163_ssm_parameter_secret::SsmParameterSecret,
        ],
    }
}

#[cfg(target_arch = "wasm32")]
preflight_policy::export_policy!(SecurityPolicy);

/// Snapshot helpers: run the whole policy on a fixture and keep one rule's findings and
/// status, so that each rule's snapshot shows that rule only.
#[cfg(test)]
pub(crate) mod test_support {
    use preflight_policy::testing::run_file;

    use crate::SecurityPolicy;

    /// The rendered findings of `rule` on `fixture`.
    pub fn render_rule(rule: &str, fixture: &str) -> String {
        let mut outcome = run_file::<SecurityPolicy>(fixture);
        outcome.report.findings.retain(|f| f.rule == rule);
        outcome.report.rules.retain(|r| r.rule == rule);
        assert_eq!(outcome.report.rules.len(), 1, "rule {rule} is registered");
        outcome.render()
    }
}
