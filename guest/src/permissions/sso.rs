//! IAM Identity Center (`AWS::SSO::*`): permission sets, assignments and instance
//! access control attributes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::template::Resource;

use super::iam::{At, Holder, normalise_policy_arn, read_document};
use super::render::{alternatives, child, is_no_value, items, render};
use super::{Boundary, ManagedPolicy, Model, Origin, PolicyKind, sym};

/// Which IAM Identity Center resource an [`SsoEntry`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SsoKind {
    /// `AWS::SSO::PermissionSet`.
    PermissionSet,
    /// `AWS::SSO::Assignment`.
    Assignment,
    /// `AWS::SSO::InstanceAccessControlAttributeConfiguration`.
    InstanceAccessControlAttributes,
}

/// One IAM Identity Center resource. A permission set's `InlinePolicy` is also read as
/// identity statements (applying to `${PermissionSetId}`) and its `ManagedPolicies` as
/// managed policy attachments; its other properties are here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SsoEntry {
    /// What it is.
    pub kind: SsoKind,
    /// Logical id.
    pub resource: String,
    /// Its properties (for a permission set, all but `InlinePolicy` and
    /// `ManagedPolicies`), each rendered as in [`render`](super::render).
    pub properties: BTreeMap<String, String>,
    /// JSON pointer of the resource.
    pub pointer: String,
}

pub(crate) fn collect(resource: &Resource<'_>, model: &mut Model) {
    let kind = match resource.ty {
        "AWS::SSO::PermissionSet" => SsoKind::PermissionSet,
        "AWS::SSO::Assignment" => SsoKind::Assignment,
        "AWS::SSO::InstanceAccessControlAttributeConfiguration" => {
            SsoKind::InstanceAccessControlAttributes
        }
        _ => return,
    };
    let id = resource.id;
    let ty = resource.ty;
    let props = resource.properties();
    let props_ptr = props
        .as_ref()
        .map(|p| p.pointer().to_string())
        .unwrap_or_else(|| child(resource.node.pointer(), "Properties"));
    let mut properties = BTreeMap::new();
    for (key, node) in props.iter().flat_map(|p| p.entries()) {
        if is_no_value(node.value()) {
            continue;
        }
        let at = child(&props_ptr, key);
        match (kind, key) {
            (SsoKind::PermissionSet, "InlinePolicy") => {
                let h = Holder {
                    kind: PolicyKind::Identity,
                    owner: id,
                    owner_type: ty,
                    origin: Origin::Document {
                        property: "InlinePolicy".into(),
                        name: None,
                    },
                    applies_to: vec![sym(id)],
                };
                // `InlinePolicy: {}` is how templates say "none".
                if node.value().as_object().is_some_and(|m| m.is_empty()) {
                    continue;
                }
                read_document(&h, node.value(), &at, &[], At::Nodes, &mut model.statements);
            }
            (SsoKind::PermissionSet, "ManagedPolicies") => {
                for alt in items(node.value(), &at, &[]) {
                    model.managed_policies.push(ManagedPolicy {
                        owner: id.to_string(),
                        owner_type: ty.to_string(),
                        identity: sym(id),
                        arn: normalise_policy_arn(&render(alt.value)),
                        pointer: alt.pointer,
                        when: alt.when,
                        implicit: false,
                    });
                }
            }
            (SsoKind::PermissionSet, "PermissionsBoundary") => {
                for alt in alternatives(node.value(), &at, &[]) {
                    model.boundaries.push(Boundary {
                        owner: id.to_string(),
                        owner_type: ty.to_string(),
                        identity: sym(id),
                        policy: render(alt.value),
                        pointer: alt.pointer,
                        when: alt.when,
                    });
                }
                properties.insert(key.to_string(), render(node.value()));
            }
            _ => {
                properties.insert(key.to_string(), render(node.value()));
            }
        }
    }
    model.sso.push(SsoEntry {
        kind,
        resource: id.to_string(),
        properties,
        pointer: resource.node.pointer().to_string(),
    });
}
