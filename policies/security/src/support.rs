//! Helpers the rules share: the permission model (built once per evaluation), who a
//! statement belongs to, condition keys that narrow a wildcard principal, security group
//! peers, and the name and value heuristics for secrets.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use preflight_policy::permissions::{Effect, Model, NetworkRule, Peer, PolicyKind, Statement};
use preflight_policy::{Context, Findings, Node, Resource, Template};
use serde_json::Value;

thread_local! {
    /// The model of the template being evaluated, keyed by the address of its value.
    static MODEL: RefCell<Option<(usize, Rc<Model>)>> = const { RefCell::new(None) };
}

fn address(value: &Value) -> usize {
    value as *const Value as usize
}

/// Runs `f` with the permission model of `template` built once for all rules.
pub fn with_model<T>(template: &Value, f: impl FnOnce() -> T) -> T {
    let model = Rc::new(Model::from_template(template));
    MODEL.with(|m| *m.borrow_mut() = Some((address(template), model)));
    let out = f();
    MODEL.with(|m| *m.borrow_mut() = None);
    out
}

/// The permission model of the template in `cx`: the one built for this evaluation, or a
/// fresh one when a rule runs on its own.
pub fn model(cx: &Context<'_>) -> Rc<Model> {
    let root = cx.template.root().value();
    let cached = MODEL.with(|m| {
        m.borrow()
            .as_ref()
            .filter(|(at, _)| *at == address(root))
            .map(|(_, model)| Rc::clone(model))
    });
    cached.unwrap_or_else(|| Rc::new(Model::from_template(root)))
}

/// Remembers keys already reported, so that one source node gives one finding even when
/// the model expands it into several statements (`Fn::If` in `Effect` or `Condition`).
#[derive(Default)]
pub struct Seen(HashSet<String>);

impl Seen {
    /// Whether `key` is new (and remembers it).
    pub fn first(&mut self, key: impl Into<String>) -> bool {
        self.0.insert(key.into())
    }
}

/// The node at a JSON pointer of the template.
pub fn node_at<'a>(template: &Template<'a>, pointer: &str) -> Option<Node<'a>> {
    let root = template.root().value();
    root.pointer(pointer).map(|v| Node::new(v, pointer))
}

/// A property value as deployed when nothing is passed at deploy time: the literal
/// itself, or for `!Ref Param` the parameter's `Default`. The flag says the value came
/// from a parameter default. Other intrinsics give `None`.
pub fn resolved<'a>(
    template: &Template<'a>,
    node: &Node<'a>,
) -> Option<(&'a Value, Option<String>)> {
    match node.value() {
        Value::Object(map) => {
            let (key, name) = map.iter().next().filter(|_| map.len() == 1)?;
            if key != "Ref" {
                return None;
            }
            let name = name.as_str()?;
            let default = template
                .section("Parameters")?
                .value()
                .get(name)?
                .get("Default")?;
            Some((default, Some(name.to_string())))
        }
        other => Some((other, None)),
    }
}

/// `resolved` as a string (booleans and numbers as written).
pub fn resolved_str(template: &Template<'_>, node: &Node<'_>) -> Option<(String, Option<String>)> {
    let (value, param) = resolved(template, node)?;
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Some((text, param))
}

/// ` (the default of parameter `P`)` when a value came from a parameter default.
pub fn from_default(param: &Option<String>) -> String {
    match param {
        Some(p) => format!(" (the default of parameter `{p}`)"),
        None => String::new(),
    }
}

/// A boolean property as deployed: on, off (absent, `false`, or a parameter whose default
/// is `false`), or decided at deploy time.
pub enum Flag<'a> {
    /// `true`.
    On,
    /// Absent (`None`) or `false` (the node, and the parameter its default came from).
    Off(Option<(Node<'a>, Option<String>)>),
    /// Anything else: an intrinsic, an odd value.
    Unknown,
}

/// Whether a resource's `Properties` is an intrinsic (`Fn::If` between two whole
/// property sets): what is absent cannot be told, so absence is not reported.
pub fn opaque(resource: &Resource<'_>) -> bool {
    resource.properties().is_some_and(|p| p.is_intrinsic())
}

/// Reads a boolean property (a path under `Properties`, with SAM `Globals` fallback).
pub fn flag<'a>(template: &Template<'a>, resource: &Resource<'a>, path: &str) -> Flag<'a> {
    if opaque(resource) {
        return Flag::Unknown;
    }
    let Some(node) = resource.property_path(path) else {
        return Flag::Off(None);
    };
    if preflight_policy::permissions::is_no_value(node.value()) || node.value().is_null() {
        return Flag::Off(None);
    }
    match resolved_str(template, &node) {
        Some((s, _)) if s.eq_ignore_ascii_case("true") => Flag::On,
        Some((s, param)) if s.eq_ignore_ascii_case("false") => Flag::Off(Some((node, param))),
        _ => Flag::Unknown,
    }
}

/// Reports a boolean property that is off: at the property when written, at the
/// resource's `Properties` (or the resource) when absent. `what` completes "`Id` ...".
pub fn report_off(
    out: &mut Findings,
    resource: &Resource<'_>,
    property: &str,
    off: &Option<(Node<'_>, Option<String>)>,
    what: &str,
) -> Option<()> {
    match off {
        Some((node, param)) => {
            out.add(
                node,
                format!(
                    "{} `{}` sets `{property}: false`{}: {what}",
                    type_noun(resource.ty),
                    resource.id,
                    from_default(param)
                ),
            );
        }
        None => {
            let at = resource
                .properties()
                .unwrap_or_else(|| resource.node.clone());
            out.add(
                &at,
                format!(
                    "{} `{}` does not set `{property}`: {what}",
                    type_noun(resource.ty),
                    resource.id
                ),
            );
        }
    }
    Some(())
}

/// Whether a property is set (present, not `AWS::NoValue`, not null or empty).
pub fn is_set(resource: &Resource<'_>, path: &str) -> bool {
    opaque(resource)
        || resource
            .property_path(path)
            .is_some_and(|n| match n.value() {
                Value::Null => false,
                Value::String(s) => !s.is_empty(),
                Value::Array(a) => !a.is_empty(),
                v => !preflight_policy::permissions::is_no_value(v),
            })
}

/// Whether the statement's effect is literally `Allow`.
pub fn is_allow(s: &Statement) -> bool {
    s.effect == Effect::Allow
}

/// Whether an action is `*` or a whole service (`s3:*`), as cfn_nag counts wildcards.
pub fn is_wildcard_action(action: &str) -> bool {
    action == "*"
        || action
            .strip_suffix(":*")
            .is_some_and(|service| !service.is_empty() && !service.contains('*'))
}

/// Whether a statement comes from SAM itself rather than from what the template wrote:
/// SAM policy templates (AWS's own least-privilege documents) and the statements SAM
/// adds by itself.
pub fn is_sam_generated(s: &Statement) -> bool {
    use preflight_policy::permissions::Origin;
    matches!(
        s.origin,
        Origin::SamTemplate { .. } | Origin::SamImplicit { .. }
    )
}

/// The resource a statement belongs to, as a phrase for messages.
pub fn subject(s: &Statement) -> String {
    let id = &s.owner;
    match (s.kind, s.owner_type.as_str()) {
        (PolicyKind::Trust, "AWS::Serverless::Function" | "AWS::Serverless::StateMachine") => {
            format!("the trust policy of the role SAM generates for `{id}`")
        }
        (PolicyKind::Trust, _) => format!("the trust policy of role `{id}`"),
        (_, ty) => owner_phrase(ty, id),
    }
}

/// The resource that holds or gets something, as a phrase for messages: `role `R``,
/// `function `F` (its generated role)`.
pub fn owner_phrase(ty: &str, id: &str) -> String {
    match ty {
        "AWS::Serverless::Function" => format!("function `{id}` (its generated role)"),
        "AWS::Serverless::StateMachine" => format!("state machine `{id}` (its generated role)"),
        _ => format!("{} `{id}`", type_noun(ty)),
    }
}

/// A short noun for a resource type: `role`, `bucket policy`, `queue`, ...
pub fn type_noun(ty: &str) -> String {
    let known = match ty {
        "AWS::IAM::Role" => "role",
        "AWS::IAM::User" => "user",
        "AWS::IAM::Group" => "group",
        "AWS::IAM::Policy" => "policy",
        "AWS::IAM::ManagedPolicy" => "managed policy",
        "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => "policy",
        "AWS::SSO::PermissionSet" => "permission set",
        "AWS::S3::BucketPolicy" => "bucket policy",
        "AWS::SQS::QueuePolicy" => "queue policy",
        "AWS::SNS::TopicPolicy" => "topic policy",
        "AWS::KMS::Key" => "key",
        "AWS::Lambda::Permission" => "Lambda permission",
        "AWS::SecretsManager::ResourcePolicy" => "secret policy",
        "AWS::ECR::Repository" => "repository",
        "AWS::ApiGateway::DomainNameV2" => "private custom domain",
        "AWS::ApiGateway::RestApi" => "REST API",
        "AWS::IoT::Policy" => "IoT policy",
        "AWS::S3::Bucket" => "bucket",
        "AWS::SQS::Queue" => "queue",
        "AWS::SNS::Topic" => "topic",
        "AWS::EC2::Volume" => "volume",
        "AWS::RDS::DBInstance" => "DB instance",
        "AWS::RDS::DBCluster" => "DB cluster",
        "AWS::Neptune::DBCluster" => "Neptune cluster",
        "AWS::DocDB::DBCluster" => "DocumentDB cluster",
        "AWS::Redshift::Cluster" => "Redshift cluster",
        "AWS::DAX::Cluster" => "DAX cluster",
        "AWS::DMS::ReplicationInstance" => "replication instance",
        "AWS::EFS::FileSystem" => "file system",
        "AWS::Logs::LogGroup" => "log group",
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" | "AWS::Serverless::SimpleTable" => {
            "table"
        }
        "AWS::CloudTrail::Trail" => "trail",
        "AWS::CloudFront::Distribution" => "distribution",
        "AWS::ElasticLoadBalancingV2::Listener" => "listener",
        "AWS::ElasticLoadBalancingV2::LoadBalancer" | "AWS::ElasticLoadBalancing::LoadBalancer" => {
            "load balancer"
        }
        "AWS::ApiGateway::Stage" | "AWS::ApiGatewayV2::Stage" => "stage",
        "AWS::ApiGateway::Deployment" => "deployment",
        "AWS::ApiGateway::DomainName" | "AWS::ApiGatewayV2::DomainName" => "domain name",
        "AWS::Serverless::Api" | "AWS::Serverless::HttpApi" => "API",
        _ => "",
    };
    if known.is_empty() {
        format!("resource ({ty})")
    } else {
        known.to_string()
    }
}

/// Condition keys that tie a statement with a wildcard principal to a known account,
/// organisation, source, network or identity.
const NARROWING_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalservicename",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:userid",
    "aws:username",
    "aws:calledvia",
    "kms:calleraccount",
    "kms:viaservice",
    "lambda:eventsourcetoken",
    "sts:externalid",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
    "sns:endpoint",
    "cognito-identity.amazonaws.com:aud",
    "token.actions.githubusercontent.com:sub",
    "token.actions.githubusercontent.com:aud",
];

/// The condition keys of a statement that narrow who can use it (lower case).
pub fn narrowing_keys(s: &Statement) -> Vec<String> {
    let mut keys: Vec<String> = s
        .conditions
        .iter()
        .map(|c| c.key.to_ascii_lowercase())
        .filter(|k| NARROWING_KEYS.contains(&k.as_str()) || k.ends_with(":aud"))
        .collect();
    keys.dedup();
    keys
}

/// Whether a principal element (`TYPE:value`) is a wildcard: `*` anywhere in the value,
/// as cfn_nag counts it (`AWS:*`, `AWS:arn:aws:iam::*:root`).
pub fn is_wildcard_principal(principal: &str) -> bool {
    let value = principal.split_once(':').map_or(principal, |(_, v)| v);
    preflight_policy::permissions::has_wildcard(value) || principal == "*"
}

// ---------------------------------------------------------------------------------------
// Security groups

/// Where a security group rule's CIDR is written, and whether it is the whole internet.
pub struct WorldPeer {
    /// JSON pointer of the `CidrIp` / `CidrIpv6` value (the rule's when not found).
    pub pointer: String,
    /// The CIDR as resolved (`0.0.0.0/0`, `::/0`).
    pub cidr: String,
}

/// The world-open CIDR of a rule, if it has one: a literal with a `/0` prefix length, or
/// an `Fn::FindInMap` with literal keys that resolves to one.
pub fn world_peer(template: &Template<'_>, rule: &NetworkRule) -> Option<WorldPeer> {
    let Peer::CidrIp { .. } = &rule.peer else {
        return None;
    };
    let node = node_at(template, &rule.pointer)?;
    for key in ["CidrIp", "CidrIpv6"] {
        let Some(cidr) = node.get(key) else { continue };
        let resolved = match cidr.value() {
            Value::String(s) => Some(s.trim().to_string()),
            other => find_in_map(template, other),
        };
        if let Some(resolved) = resolved
            && is_world_cidr(&resolved)
        {
            return Some(WorldPeer {
                pointer: cidr.pointer().to_string(),
                cidr: resolved,
            });
        }
    }
    None
}

/// Whether a CIDR covers every address (`0.0.0.0/0`, `::/0`, `0000::/0`, ...).
pub fn is_world_cidr(cidr: &str) -> bool {
    cidr.trim().ends_with("/0")
}

/// `Fn::FindInMap` with three literal strings, looked up in the template's `Mappings`.
fn find_in_map(template: &Template<'_>, value: &Value) -> Option<String> {
    let args = value.as_object()?.get("Fn::FindInMap")?.as_array()?;
    let keys: Vec<&str> = args.iter().filter_map(Value::as_str).collect();
    let [map, top, second] = keys.as_slice() else {
        return None;
    };
    template
        .section("Mappings")?
        .value()
        .get(*map)?
        .get(*top)?
        .get(*second)?
        .as_str()
        .map(str::to_string)
}

/// The port class a world-open ingress rule falls in; each rule goes to exactly one of
/// the security group rules SEC014-SEC018.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortClass {
    /// Every protocol, or every port of TCP/UDP.
    All,
    /// A range that includes one or more sensitive ports (SSH, RDP, databases).
    Sensitive,
    /// Anything else: other ports, ICMP, ports decided at deploy time.
    Other,
}

/// Database and cache ports worth a rule of their own: (port, what usually listens).
pub const DATABASE_PORTS: &[(i64, &str)] = &[
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (2049, "NFS"),
    (2379, "etcd"),
    (3306, "MySQL/Aurora"),
    (5432, "PostgreSQL"),
    (5439, "Redshift"),
    (5984, "CouchDB"),
    (6379, "Redis"),
    (7000, "Cassandra"),
    (7199, "Cassandra JMX"),
    (8529, "ArangoDB"),
    (9042, "Cassandra"),
    (9092, "Kafka"),
    (9200, "Elasticsearch/OpenSearch"),
    (9300, "Elasticsearch/OpenSearch"),
    (11211, "Memcached"),
    (27017, "MongoDB/DocumentDB"),
    (27018, "MongoDB"),
    (50000, "DB2"),
];

/// Whether a rule's protocol carries ports (TCP, UDP, or every protocol).
pub fn has_ports(rule: &NetworkRule) -> bool {
    matches!(rule.protocol.as_str(), "tcp" | "udp" | "-1")
}

/// The numeric port range of a TCP/UDP (or all-protocol) rule.
pub fn ports(rule: &NetworkRule) -> Option<(i64, i64)> {
    if !has_ports(rule) {
        return None;
    }
    rule.port_range()
}

/// Which of SEC014-SEC018 a world-open ingress rule belongs to.
pub fn port_class(rule: &NetworkRule) -> PortClass {
    if rule.all_protocols() {
        return PortClass::All;
    }
    match ports(rule) {
        Some((from, to)) if from <= 1 && to >= 65535 => PortClass::All,
        Some((from, to)) => {
            let covers = |p: i64| from <= p && p <= to;
            if covers(22) || covers(3389) || DATABASE_PORTS.iter().any(|(p, _)| covers(*p)) {
                PortClass::Sensitive
            } else {
                PortClass::Other
            }
        }
        None => PortClass::Other,
    }
}

/// How a rule's protocol and ports read in a message: `TCP 22`, `TCP 20-30`, `all traffic`.
pub fn describe_ports(rule: &NetworkRule) -> String {
    if rule.all_protocols() {
        "all traffic".to_string()
    } else if matches!(rule.protocol.as_str(), "icmp" | "icmpv6") {
        let name = rule.protocol.to_uppercase();
        match rule.from_port.as_deref() {
            None | Some("-1") => format!("all {name}"),
            Some(ty) => format!("{name} type {ty}"),
        }
    } else {
        rule.describe_protocol()
    }
}

/// The security group a rule belongs to, as a phrase for messages.
pub fn group_phrase(rule: &NetworkRule) -> String {
    if rule.owner_type == "AWS::EC2::SecurityGroup" {
        format!("security group `{}`", rule.owner)
    } else {
        format!("rule `{}` (group `{}`)", rule.owner, rule.group)
    }
}

/// The ingress rules of the template that are open to the world, with their peer.
pub fn world_ingress<'m>(
    template: &Template<'_>,
    model: &'m Model,
) -> Vec<(&'m NetworkRule, WorldPeer)> {
    use preflight_policy::permissions::Direction;
    model
        .network_rules()
        .iter()
        .filter(|r| r.direction == Direction::Ingress)
        .filter_map(|r| world_peer(template, r).map(|p| (r, p)))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Secrets

/// Name parts that make a variable or parameter name look like it holds a secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "PWD",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "PRIVATEKEY",
    "ACCESSKEY",
    "SECRETKEY",
    "CLIENTSECRET",
    "CREDENTIAL",
    "CREDENTIALS",
    "AUTHKEY",
    "SIGNINGKEY",
    "ENCRYPTIONKEY",
    "WEBHOOKSECRET",
    "CONNECTIONSTRING",
];

/// Name parts that say the variable names or locates a secret rather than holds it.
const REFERENCE_WORDS: &[&str] = &[
    "ARN",
    "NAME",
    "ID",
    "IDS",
    "PARAM",
    "PARAMETER",
    "PATH",
    "URL",
    "URI",
    "ENDPOINT",
    "TABLE",
    "BUCKET",
    "QUEUE",
    "TOPIC",
    "REGION",
    "TTL",
    "LENGTH",
    "PORT",
    "HEADER",
    "TYPE",
    "ENABLED",
    "FILE",
    "LOCATION",
    "EXPIRY",
    "EXPIRATION",
    "EXPIRES",
    "STORE",
    "TIMEOUT",
    "SSM",
    "PREFIX",
    "FIELD",
    "SOURCE",
    "VERSION",
    "STAGE",
    "POLICY",
    "ROTATION",
    "KEYID",
    "CACHE",
    "MANAGER",
    "USE",
    "PROVIDER",
    "ISSUER",
    "AUDIENCE",
    "SCOPE",
    "SCOPES",
    "LIMIT",
    "COUNT",
    "SIZE",
    "METHOD",
    "MODE",
    "FORMAT",
    "ALGORITHM",
    "LIFETIME",
    "DURATION",
    "VALIDITY",
];

/// The words of a name: split on `_`, `-`, `.`, spaces and lower-to-upper case changes,
/// upper-cased. Adjacent words are also joined in pairs (`API`+`KEY` → `APIKEY`).
fn words(name: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_uppercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Whether a name (environment variable, parameter, property) looks like it holds a
/// secret: `DB_PASSWORD`, `apiKey`, `StripeSecret`; but not `SECRET_ARN`,
/// `TokenTableName` or `PASSWORD_LENGTH`.
pub fn is_secret_name(name: &str) -> bool {
    let parts = words(name);
    if parts.iter().any(|p| REFERENCE_WORDS.contains(&p.as_str())) {
        return false;
    }
    let mut candidates: Vec<String> = parts.clone();
    for pair in parts.windows(2) {
        candidates.push(format!("{}{}", pair[0], pair[1]));
    }
    let whole: String = parts.concat();
    candidates.push(whole.clone());
    candidates
        .iter()
        .any(|c| SECRET_WORDS.contains(&c.as_str()))
        || SECRET_WORDS
            .iter()
            .any(|w| w.len() >= 5 && whole.contains(w) && !whole.contains("KEYID"))
}

/// Whether a literal value looks like a credential by its shape alone: an AWS access key
/// id, a private key block, a well-known token prefix, or a URL with a password.
pub fn secret_shape(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if let Some(rest) = v.strip_prefix("AKIA").or_else(|| v.strip_prefix("ASIA"))
        && rest.len() == 16
        && rest
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some("an AWS access key id");
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    for (prefix, what) in [
        ("ghp_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("xoxb-", "a Slack token"),
        ("xoxp-", "a Slack token"),
        ("sk_live_", "a Stripe secret key"),
        ("glpat-", "a GitLab token"),
    ] {
        if v.starts_with(prefix) && v.len() > prefix.len() + 8 {
            return Some(what);
        }
    }
    if let Some((scheme, rest)) = v.split_once("://")
        && !scheme.is_empty()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+')
        && let Some((userinfo, _)) = rest.split_once('@')
        && !userinfo.contains('/')
        && let Some((_, password)) = userinfo.split_once(':')
        && !password.is_empty()
        && !password.starts_with('$')
        && !password.starts_with('{')
    {
        return Some("a URL with a password");
    }
    None
}

/// Whether a literal value assigned to a secret-looking name is plausibly the secret
/// itself, not a placeholder, a reference or a switch.
pub fn plausible_secret_value(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 6 || v.starts_with("{{resolve:") || v.starts_with("arn:") {
        return false;
    }
    // Built from variables (`$DB_PASSWORD`, `${Param}`, `$(command)`), or structured.
    if v.contains('$') || v.starts_with('<') || v.starts_with('{') || v.starts_with('[') {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "none" | "null" | "changeme"
    ) || v.parse::<f64>().is_ok()
    {
        return false;
    }
    if (lower.starts_with("http://") || lower.starts_with("https://")) && secret_shape(v).is_none()
    {
        return false;
    }
    // Placeholders people write instead of a value.
    const PLACEHOLDERS: &[&str] = &[
        "placeholder",
        "replace",
        "your-",
        "your_",
        "<your",
        "xxxx",
        "example",
        "dummy",
        "todo",
    ];
    !PLACEHOLDERS.iter().any(|p| lower.contains(p))
}

/// A dynamic reference CloudFormation resolves from Secrets Manager or SSM SecureString.
pub fn is_secure_dynamic_reference(value: &str) -> bool {
    let v = value.trim();
    (v.starts_with("{{resolve:secretsmanager:") || v.starts_with("{{resolve:ssm-secure:"))
        && v.ends_with("}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for yes in [
            "DB_PASSWORD",
            "apiKey",
            "API_KEY",
            "StripeSecret",
            "GITHUB_TOKEN",
            "ClientSecret",
            "privateKey",
            "AWS_SECRET_ACCESS_KEY",
            "MasterUserPassword",
            "dbpassword",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "SECRET_ARN",
            "TokenTableName",
            "PASSWORD_LENGTH",
            "SECRET_NAME",
            "KMS_KEY_ID",
            "TABLE_NAME",
            "POWERTOOLS_SERVICE_NAME",
            "SecretsManagerEndpoint",
            "AccessKeyId",
            "Keyword",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }

    #[test]
    fn secret_shapes() {
        assert!(secret_shape("AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(secret_shape("postgres://admin:hunter22@db:5432/x").is_some());
        assert!(secret_shape("postgres://admin:${Pass}@db").is_none());
        assert!(secret_shape("https://example.com/a@b").is_none());
        assert!(secret_shape("hello").is_none());
    }

    #[test]
    fn world_cidrs() {
        assert!(is_world_cidr("0.0.0.0/0"));
        assert!(is_world_cidr("::/0"));
        assert!(is_world_cidr("0000:0000:0000:0000:0000:0000:0000:0000/0"));
        assert!(!is_world_cidr("10.0.0.0/8"));
        assert!(!is_world_cidr("2001:800::/21"));
    }

    #[test]
    fn wildcard_actions() {
        assert!(is_wildcard_action("*"));
        assert!(is_wildcard_action("s3:*"));
        assert!(!is_wildcard_action("s3:Get*"));
        assert!(!is_wildcard_action(":*"));
    }
}
