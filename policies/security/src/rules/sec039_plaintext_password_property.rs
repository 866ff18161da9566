use preflight_policy::permissions::is_no_value;
use preflight_policy::prelude::*;
use serde_json::Value;

use crate::support::is_secure_dynamic_reference;

declare_rule! {
    /// ## What it does
    /// Checks the properties that hold a password, token or private key (RDS, Aurora,
    /// DocumentDB and Redshift master passwords, Directory Service and DMS passwords,
    /// ElastiCache auth tokens, IAM user login profiles, Amazon MQ users, OpenSearch
    /// master users, Amplify, AppStream, CodePipeline webhooks, EMR Kerberos, Firehose,
    /// OpsWorks, Pinpoint APNs channels, Managed Blockchain, Alexa skills and Lambda
    /// permission event source tokens) for a value written in the template: a plaintext
    /// string, or a `!Ref` to a parameter that has a `Default` or is not `NoEcho`.
    /// Dynamic references to Secrets Manager (`{{resolve:secretsmanager:...}}`) or SSM
    /// SecureString (`{{resolve:ssm-secure:...}}`), other intrinsics, and `!Ref` to a
    /// `NoEcho` parameter without a default pass.
    ///
    /// ## Why is this bad?
    /// A plaintext password is stored in the template and wherever it is copied; a
    /// parameter's default is the same thing, and a parameter that is not `NoEcho` shows
    /// the password in the console and in `DescribeStacks`.
    ///
    /// ## Example
    /// ```yaml
    /// Database:
    ///   Type: AWS::RDS::DBInstance
    ///   Properties:
    ///     MasterUsername: admin
    ///     MasterUserPassword: hunter2hunter2
    /// ```
    ///
    /// ## Fix
    /// Use `ManageMasterUserPassword: true` where the service offers it, or a dynamic
    /// reference to an `AWS::SecretsManager::Secret` that generates the password.
    pub struct PlaintextPasswordProperty {
        id: "SEC039",
        name: "plaintext-password-property",
        title: "Password properties are not written in the template",
        severity: High,
        equivalents: {
            "cfn_nag": [
                "F23", "F31", "F34", "F35", "F36", "F37", "F41", "F42", "F43", "F44", "F45",
                "F46", "F47", "F48", "F49", "F50", "F51", "F52", "F53", "F54", "F55", "F56",
                "F57", "F58", "F60", "F61", "F62", "F63", "F64", "F65", "F66", "F67", "F68",
                "F69", "F70", "F71", "F74", "F75",
            ],
        },
    }
}

/// (resource type, property path; `*` stands for every item of a list).
const PROPERTIES: &[(&str, &str)] = &[
    ("AWS::RDS::DBInstance", "MasterUserPassword"),
    ("AWS::RDS::DBCluster", "MasterUserPassword"),
    ("AWS::DocDB::DBCluster", "MasterUserPassword"),
    ("AWS::Redshift::Cluster", "MasterUserPassword"),
    ("AWS::DirectoryService::SimpleAD", "Password"),
    ("AWS::DirectoryService::MicrosoftAD", "Password"),
    ("AWS::DMS::Endpoint", "Password"),
    ("AWS::DMS::Endpoint", "MongoDbSettings/Password"),
    ("AWS::ElastiCache::ReplicationGroup", "AuthToken"),
    ("AWS::IAM::User", "LoginProfile/Password"),
    ("AWS::AmazonMQ::Broker", "Users/*/Password"),
    ("AWS::Amplify::App", "AccessToken"),
    ("AWS::Amplify::App", "OauthToken"),
    ("AWS::Amplify::App", "BasicAuthConfig/Password"),
    ("AWS::Amplify::Branch", "BasicAuthConfig/Password"),
    (
        "AWS::AppStream::DirectoryConfig",
        "ServiceAccountCredentials/AccountPassword",
    ),
    (
        "AWS::CodePipeline::Webhook",
        "AuthenticationConfiguration/SecretToken",
    ),
    (
        "AWS::EMR::Cluster",
        "KerberosAttributes/ADDomainJoinPassword",
    ),
    (
        "AWS::EMR::Cluster",
        "KerberosAttributes/CrossRealmTrustPrincipalPassword",
    ),
    ("AWS::EMR::Cluster", "KerberosAttributes/KdcAdminPassword"),
    (
        "AWS::KinesisFirehose::DeliveryStream",
        "RedshiftDestinationConfiguration/Password",
    ),
    (
        "AWS::KinesisFirehose::DeliveryStream",
        "SplunkDestinationConfiguration/HECToken",
    ),
    ("AWS::Lambda::Permission", "EventSourceToken"),
    ("AWS::OpsWorks::App", "AppSource/Password"),
    ("AWS::OpsWorks::App", "SslConfiguration/PrivateKey"),
    ("AWS::OpsWorks::Stack", "CustomCookbooksSource/Password"),
    ("AWS::OpsWorks::Stack", "RdsDbInstances/*/DbPassword"),
    ("AWS::Pinpoint::APNSChannel", "PrivateKey"),
    ("AWS::Pinpoint::APNSChannel", "TokenKey"),
    ("AWS::Pinpoint::APNSSandboxChannel", "PrivateKey"),
    ("AWS::Pinpoint::APNSSandboxChannel", "TokenKey"),
    ("AWS::Pinpoint::APNSVoipChannel", "PrivateKey"),
    ("AWS::Pinpoint::APNSVoipChannel", "TokenKey"),
    ("AWS::Pinpoint::APNSVoipSandboxChannel", "PrivateKey"),
    ("AWS::Pinpoint::APNSVoipSandboxChannel", "TokenKey"),
    (
        "AWS::ManagedBlockchain::Member",
        "MemberConfiguration/MemberFrameworkConfiguration/MemberFabricConfiguration/AdminPassword",
    ),
    (
        "Alexa::ASK::Skill",
        "AuthenticationConfiguration/ClientSecret",
    ),
    (
        "Alexa::ASK::Skill",
        "AuthenticationConfiguration/RefreshToken",
    ),
    (
        "AWS::OpenSearchService::Domain",
        "AdvancedSecurityOptions/MasterUserOptions/MasterUserPassword",
    ),
    (
        "AWS::Elasticsearch::Domain",
        "AdvancedSecurityOptions/MasterUserOptions/MasterUserPassword",
    ),
];

/// The nodes at a property path (`*` expands list items).
fn nodes_at<'a>(resource: &Resource<'a>, path: &str) -> Vec<(String, Node<'a>)> {
    let Some(props) = resource.properties() else {
        return Vec::new();
    };
    let mut current = vec![(String::new(), props)];
    for part in path.split('/') {
        let mut next = Vec::new();
        for (shown, node) in current {
            if part == "*" {
                for (i, item) in node.items().enumerate() {
                    next.push((format!("{shown}[{i}]"), item));
                }
            } else if let Some(child) = node.get(part) {
                let shown = if shown.is_empty() {
                    part.to_string()
                } else {
                    format!("{shown}.{part}")
                };
                next.push((shown, child));
            }
        }
        current = next;
    }
    current
}

/// Why a password value is written in the template, if it is.
fn problem(t: &Template<'_>, value: &Value) -> Option<String> {
    match value {
        Value::String(s) if is_secure_dynamic_reference(s) => None,
        Value::String(s) if s.trim().starts_with("{{resolve:") => {
            Some("is a dynamic reference to a plain (not SecureString) value".to_string())
        }
        Value::String(_) | Value::Number(_) => Some("is a plaintext value".to_string()),
        Value::Object(map) if map.len() == 1 => {
            let name = map.get("Ref")?.as_str()?;
            let param = t.section("Parameters")?.value().get(name)?;
            let no_echo = match param.get("NoEcho") {
                Some(Value::Bool(b)) => *b,
                Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
                _ => false,
            };
            match (no_echo, param.get("Default").is_some()) {
                (_, true) => Some(format!(
                    "comes from parameter `{name}`, which has a default value"
                )),
                (false, false) => Some(format!(
                    "comes from parameter `{name}`, which is not `NoEcho`"
                )),
                (true, false) => None,
            }
        }
        _ => None,
    }
}

/// The resource types of [`PROPERTIES`].
fn types() -> Vec<&'static str> {
    let mut types: Vec<&str> = PROPERTIES.iter().map(|(ty, _)| *ty).collect();
    types.dedup();
    types
}

impl Rule for PlaintextPasswordProperty {
    fn applies(&self, cx: &Context, _meta: &preflight_policy::RuleMeta) -> bool {
        cx.template.has_resource_of_types(&types())
    }

    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for r in t.resources_of_types(&types()) {
            for (_, path) in PROPERTIES.iter().filter(|(ty, _)| *ty == r.ty) {
                for (shown, node) in nodes_at(&r, path) {
                    if is_no_value(node.value()) {
                        continue;
                    }
                    if let Some(why) = problem(&t, node.value()) {
                        out.add(&node, format!("`{shown}` of `{}` {why}", r.id));
                    }
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
        insta::assert_snapshot!(render_rule("SEC039", "tests/fixtures/sec039.yaml"));
    }
}
