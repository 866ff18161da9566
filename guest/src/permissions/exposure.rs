//! Public-exposure and data-protection switches: S3 public access block and ACL,
//! Lambda Function URL auth, API authorizers, `PubliclyAccessible`, encryption at rest.

use serde::Serialize;
use serde_json::Value;

use crate::node::Node;
use crate::template::Resource;

use super::Model;
use super::render::{intrinsic, is_no_value, render};

/// What an [`Exposure`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Switch {
    /// S3 `PublicAccessBlockConfiguration.BlockPublicAcls`.
    BlockPublicAcls,
    /// S3 `PublicAccessBlockConfiguration.IgnorePublicAcls`.
    IgnorePublicAcls,
    /// S3 `PublicAccessBlockConfiguration.BlockPublicPolicy`.
    BlockPublicPolicy,
    /// S3 `PublicAccessBlockConfiguration.RestrictPublicBuckets`.
    RestrictPublicBuckets,
    /// S3 `AccessControl` (canned ACL).
    BucketAcl,
    /// `AuthType` of `AWS::Lambda::Url` or of a SAM function's `FunctionUrlConfig`.
    FunctionUrlAuth,
    /// `Auth.DefaultAuthorizer` of a SAM `Api` / `HttpApi`.
    ApiAuthorizer,
    /// `AuthorizationType` of an `AWS::ApiGateway::Method` or `AWS::ApiGatewayV2::Route`
    /// (CORS `OPTIONS` methods, in any letter case, are left out). A missing or null
    /// `AuthorizationType` is CloudFormation's default, `NONE`: unprotected.
    MethodAuthorization,
    /// `PubliclyAccessible` of an RDS instance, Redshift cluster or DMS replication
    /// instance.
    PubliclyAccessible,
    /// Encryption at rest: S3 `BucketEncryption`, DynamoDB `SSESpecification`, SQS
    /// `KmsMasterKeyId` / `SqsManagedSseEnabled`, SNS `KmsMasterKeyId`, RDS
    /// `StorageEncrypted`, EFS and EBS `Encrypted`, Logs `KmsKeyId`.
    Encryption,
}

impl Switch {
    /// Whether the switch is about public reachability (as opposed to encryption).
    pub fn is_public_exposure(self) -> bool {
        !matches!(self, Switch::Encryption)
    }
}

/// The state of a switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SwitchState {
    /// Set to the protective value (access blocked, auth required, encrypted with a
    /// configured key, private).
    Protected,
    /// Not set: AWS's default applies (for example S3 and DynamoDB encrypt with
    /// service keys; a new bucket blocks public access; RDS decides
    /// `PubliclyAccessible` from its subnet group).
    Default,
    /// Set to an exposing value (`AuthType: NONE`, `PublicRead`, `PubliclyAccessible:
    /// true`, an omitted flag inside a `PublicAccessBlockConfiguration`, no authorizer,
    /// encryption off).
    Unprotected,
    /// Decided at deploy time (a parameter, a condition).
    Unknown,
}

/// One switch on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exposure {
    /// Logical id.
    pub resource: String,
    /// The resource's type.
    pub resource_type: String,
    /// Which switch.
    pub switch: Switch,
    /// Its state.
    pub state: SwitchState,
    /// The value as written, rendered; `absent` when not set.
    pub value: String,
    /// JSON pointer of the property (of the resource when absent).
    pub pointer: String,
}

const ABSENT: &str = "absent";

struct Out<'a, 'm> {
    resource: &'a Resource<'a>,
    model: &'m mut Model,
}

impl Out<'_, '_> {
    fn push(&mut self, switch: Switch, state: SwitchState, value: String, pointer: String) {
        self.model.exposure.push(Exposure {
            resource: self.resource.id.to_string(),
            resource_type: self.resource.ty.to_string(),
            switch,
            state,
            value,
            pointer,
        });
    }

    fn absent(&mut self, switch: Switch, state: SwitchState) {
        let pointer = self.resource.node.pointer().to_string();
        self.push(switch, state, ABSENT.to_string(), pointer);
    }

    /// A property decided by `decide` over its rendered value; `absent` when missing.
    fn property(
        &mut self,
        switch: Switch,
        node: Option<Node<'_>>,
        if_absent: SwitchState,
        decide: impl Fn(&Value) -> SwitchState,
    ) {
        match node.filter(|n| !is_no_value(n.value())) {
            Some(n) => {
                let state = if is_symbolic(n.value()) {
                    SwitchState::Unknown
                } else {
                    decide(n.value())
                };
                self.push(switch, state, render(n.value()), n.pointer().to_string());
            }
            None => self.absent(switch, if_absent),
        }
    }
}

fn is_symbolic(value: &Value) -> bool {
    value.as_object().and_then(intrinsic).is_some()
}

fn truthy(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// `true` → `on`, `false` → `off`, anything else unknown.
fn flag(on: SwitchState, off: SwitchState) -> impl Fn(&Value) -> SwitchState {
    move |v| match truthy(v) {
        Some(true) => on,
        Some(false) => off,
        None => SwitchState::Unknown,
    }
}

fn present(_: &Value) -> SwitchState {
    SwitchState::Protected
}

pub(crate) fn collect(resource: &Resource<'_>, model: &mut Model) {
    use SwitchState::*;
    let mut out = Out { resource, model };
    let prop = |name: &str| resource.property(name);
    let path = |path: &str| resource.property_path(path);
    match resource.ty {
        "AWS::S3::Bucket" => {
            match prop("PublicAccessBlockConfiguration").filter(|n| !is_no_value(n.value())) {
                Some(pab) if !is_symbolic(pab.value()) => {
                    for (key, switch) in [
                        ("BlockPublicAcls", Switch::BlockPublicAcls),
                        ("IgnorePublicAcls", Switch::IgnorePublicAcls),
                        ("BlockPublicPolicy", Switch::BlockPublicPolicy),
                        ("RestrictPublicBuckets", Switch::RestrictPublicBuckets),
                    ] {
                        match pab.get(key) {
                            Some(n) => out.property(
                                switch,
                                Some(n),
                                Unprotected,
                                flag(Protected, Unprotected),
                            ),
                            None => {
                                let pointer = pab.pointer().to_string();
                                out.push(switch, Unprotected, ABSENT.to_string(), pointer);
                            }
                        }
                    }
                }
                Some(pab) => {
                    for switch in [
                        Switch::BlockPublicAcls,
                        Switch::IgnorePublicAcls,
                        Switch::BlockPublicPolicy,
                        Switch::RestrictPublicBuckets,
                    ] {
                        out.push(
                            switch,
                            Unknown,
                            render(pab.value()),
                            pab.pointer().to_string(),
                        );
                    }
                }
                None => {
                    for switch in [
                        Switch::BlockPublicAcls,
                        Switch::IgnorePublicAcls,
                        Switch::BlockPublicPolicy,
                        Switch::RestrictPublicBuckets,
                    ] {
                        out.absent(switch, Default);
                    }
                }
            }
            out.property(
                Switch::BucketAcl,
                prop("AccessControl"),
                Default,
                |v| match v.as_str() {
                    Some("PublicRead" | "PublicReadWrite" | "AuthenticatedRead") => Unprotected,
                    Some(_) => Protected,
                    None => Unknown,
                },
            );
            out.property(
                Switch::Encryption,
                prop("BucketEncryption"),
                Default,
                present,
            );
        }
        "AWS::Lambda::Url" => {
            out.property(
                Switch::FunctionUrlAuth,
                prop("AuthType"),
                Unknown,
                auth_type,
            );
        }
        "AWS::Serverless::Function" => {
            if let Some(config) = prop("FunctionUrlConfig").filter(|n| !is_no_value(n.value())) {
                out.property(
                    Switch::FunctionUrlAuth,
                    config.get("AuthType"),
                    Unknown,
                    auth_type,
                );
            }
        }
        "AWS::Serverless::Api" | "AWS::Serverless::HttpApi" => {
            out.property(
                Switch::ApiAuthorizer,
                path("Auth/DefaultAuthorizer"),
                Unprotected,
                |v| match v.as_str() {
                    Some(s) if s.eq_ignore_ascii_case("NONE") => Unprotected,
                    Some(_) => Protected,
                    None => Unknown,
                },
            );
        }
        "AWS::ApiGateway::Method" => {
            let method = prop("HttpMethod").and_then(|n| n.as_str().map(str::to_string));
            if !method.is_some_and(|m| m.trim().eq_ignore_ascii_case("OPTIONS")) {
                out.property(
                    Switch::MethodAuthorization,
                    authorization_type(resource),
                    Unprotected,
                    method_auth,
                );
            }
        }
        "AWS::ApiGatewayV2::Route" => {
            let key = prop("RouteKey").and_then(|n| n.as_str().map(str::to_string));
            let options = key.is_some_and(|k| {
                k.split_once(' ')
                    .is_some_and(|(method, _)| method.eq_ignore_ascii_case("OPTIONS"))
            });
            if !options {
                out.property(
                    Switch::MethodAuthorization,
                    authorization_type(resource),
                    Unprotected,
                    method_auth,
                );
            }
        }
        "AWS::RDS::DBInstance" | "AWS::Redshift::Cluster" | "AWS::DMS::ReplicationInstance" => {
            out.property(
                Switch::PubliclyAccessible,
                prop("PubliclyAccessible"),
                Default,
                flag(Unprotected, Protected),
            );
            if resource.ty == "AWS::RDS::DBInstance" {
                out.property(
                    Switch::Encryption,
                    prop("StorageEncrypted"),
                    Default,
                    flag(Protected, Unprotected),
                );
            } else if resource.ty == "AWS::Redshift::Cluster" {
                out.property(
                    Switch::Encryption,
                    prop("Encrypted"),
                    Default,
                    flag(Protected, Unprotected),
                );
            }
        }
        "AWS::RDS::DBCluster" => {
            out.property(
                Switch::Encryption,
                prop("StorageEncrypted"),
                Default,
                flag(Protected, Unprotected),
            );
        }
        "AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable" => {
            out.property(
                Switch::Encryption,
                path("SSESpecification/SSEEnabled"),
                Default,
                flag(Protected, Default),
            );
        }
        "AWS::SQS::Queue" => {
            let key = prop("KmsMasterKeyId").filter(|n| !is_no_value(n.value()));
            if key.is_some() {
                out.property(Switch::Encryption, key, Default, present);
            } else {
                out.property(
                    Switch::Encryption,
                    prop("SqsManagedSseEnabled"),
                    Default,
                    flag(Default, Unprotected),
                );
            }
        }
        "AWS::SNS::Topic" => {
            out.property(
                Switch::Encryption,
                prop("KmsMasterKeyId"),
                Unprotected,
                present,
            );
        }
        "AWS::EFS::FileSystem" | "AWS::EC2::Volume" => {
            out.property(
                Switch::Encryption,
                prop("Encrypted"),
                Unprotected,
                flag(Protected, Unprotected),
            );
        }
        "AWS::Logs::LogGroup" => {
            out.property(Switch::Encryption, prop("KmsKeyId"), Default, present);
        }
        _ => {}
    }
}

fn auth_type(v: &Value) -> SwitchState {
    match v.as_str() {
        Some("NONE") => SwitchState::Unprotected,
        Some("AWS_IAM") => SwitchState::Protected,
        _ => SwitchState::Unknown,
    }
}

/// `AuthorizationType`, where null counts as absent: CloudFormation then applies its
/// default, `NONE`.
fn authorization_type<'a>(resource: &Resource<'a>) -> Option<Node<'a>> {
    resource
        .property("AuthorizationType")
        .filter(|n| !n.value().is_null())
}

fn method_auth(v: &Value) -> SwitchState {
    match v.as_str() {
        Some(s) if s.eq_ignore_ascii_case("NONE") => SwitchState::Unprotected,
        Some(_) => SwitchState::Protected,
        None => SwitchState::Unknown,
    }
}
