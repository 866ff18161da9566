//! A read-only view of a template's canonical JSON, SAM-aware.

use std::collections::HashMap;

use serde_json::Value;

use crate::node::Node;
use crate::pointer::member;

/// CloudFormation's pseudo parameters: always defined, never declared.
pub const PSEUDO_PARAMETERS: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// A template: sections, resources and SAM `Globals`.
#[derive(Debug, Clone, Copy)]
pub struct Template<'a> {
    root: &'a Value,
    index: Option<&'a TypeIndex<'a>>,
}

/// The resources of a template by type, in source order: built once per evaluation
/// ([`crate::RuleSet::evaluate`]), so that a rule visits only the types it names instead
/// of walking (and building a [`Resource`] for) every resource of the template.
#[derive(Debug, Default)]
pub struct TypeIndex<'a> {
    by_type: HashMap<&'a str, Vec<Entry<'a>>>,
}

/// One resource in a [`TypeIndex`]: its position in `Resources`, id and value.
type Entry<'a> = (usize, &'a str, &'a Value);

impl<'a> TypeIndex<'a> {
    /// Indexes the `Resources` of a template's canonical JSON value.
    pub fn new(root: &'a Value) -> TypeIndex<'a> {
        let mut by_type: HashMap<&'a str, Vec<Entry<'a>>> = HashMap::new();
        let resources = root.get("Resources").and_then(Value::as_object);
        for (position, (id, value)) in resources.into_iter().flatten().enumerate() {
            if value.is_object() {
                let ty = value.get("Type").and_then(Value::as_str).unwrap_or("");
                by_type.entry(ty).or_default().push((position, id, value));
            }
        }
        TypeIndex { by_type }
    }

    fn of(&self, ty: &str) -> &[Entry<'a>] {
        self.by_type.get(ty).map_or(&[], Vec::as_slice)
    }
}

impl<'a> Template<'a> {
    /// A view of a template's canonical JSON value.
    pub fn new(root: &'a Value) -> Template<'a> {
        Template { root, index: None }
    }

    /// A view that finds resources by type through `index` (built from `root`).
    pub fn indexed(root: &'a Value, index: &'a TypeIndex<'a>) -> Template<'a> {
        Template {
            root,
            index: Some(index),
        }
    }

    /// The whole template.
    pub fn root(&self) -> Node<'a> {
        Node::root(self.root)
    }

    /// A top-level section (`Resources`, `Parameters`, `Outputs`, ...).
    pub fn section(&self, name: &str) -> Option<Node<'a>> {
        self.root().get(name)
    }

    /// Whether the template uses the SAM transform.
    pub fn is_sam(&self) -> bool {
        match self.root.get("Transform") {
            Some(Value::String(s)) => s == SAM_TRANSFORM,
            Some(Value::Array(items)) => items.iter().any(|t| t.as_str() == Some(SAM_TRANSFORM)),
            _ => false,
        }
    }

    /// Every resource, in source order.
    pub fn resources(&self) -> impl Iterator<Item = Resource<'a>> + 'a {
        let template = *self;
        self.root
            .get("Resources")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(move |(id, value)| Resource::new(template, id, value))
    }

    /// The resources of one type (e.g. `AWS::S3::Bucket`), in source order.
    pub fn resources_of_type(&self, ty: &'a str) -> impl Iterator<Item = Resource<'a>> + 'a {
        let template = *self;
        let indexed = self.index.map(move |index| {
            index
                .of(ty)
                .iter()
                .filter_map(move |(_, id, value)| Resource::new(template, id, value))
        });
        let scanned = self
            .index
            .is_none()
            .then(|| self.resources().filter(move |r| r.ty == ty));
        indexed
            .into_iter()
            .flatten()
            .chain(scanned.into_iter().flatten())
    }

    /// The resources whose type is one of `types`, in source order.
    pub fn resources_of_types(
        &self,
        types: &[&str],
    ) -> impl Iterator<Item = Resource<'a>> + use<'a> {
        let found: Vec<Resource<'a>> = match self.index {
            Some(index) => {
                let mut entries: Vec<&Entry<'a>> =
                    types.iter().flat_map(|ty| index.of(ty)).collect();
                entries.sort_unstable_by_key(|(position, _, _)| *position);
                entries.dedup_by_key(|(position, _, _)| *position);
                entries
                    .into_iter()
                    .filter_map(|(_, id, value)| Resource::new(*self, id, value))
                    .collect()
            }
            None => self.resources().filter(|r| types.contains(&r.ty)).collect(),
        };
        found.into_iter()
    }

    /// Whether the template has a resource of one of `types`.
    pub fn has_resource_of_types(&self, types: &[&str]) -> bool {
        match self.index {
            Some(index) => types.iter().any(|ty| !index.of(ty).is_empty()),
            None => self.resources().any(|r| types.contains(&r.ty)),
        }
    }

    /// One resource by logical id.
    pub fn resource(&self, id: &str) -> Option<Resource<'a>> {
        let (id, value) = self.root.get("Resources")?.as_object()?.get_key_value(id)?;
        Resource::new(*self, id, value)
    }

    /// Whether a resource with this logical id exists.
    pub fn has_resource(&self, id: &str) -> bool {
        self.root
            .get("Resources")
            .and_then(Value::as_object)
            .is_some_and(|r| r.contains_key(id))
    }

    /// Whether a parameter with this name is declared.
    pub fn has_parameter(&self, name: &str) -> bool {
        self.root
            .get("Parameters")
            .and_then(Value::as_object)
            .is_some_and(|p| p.contains_key(name))
    }

    /// Declared parameters: (name, node).
    pub fn parameters(&self) -> Vec<(&'a str, Node<'a>)> {
        self.named_section("Parameters")
    }

    /// Declared outputs: (name, node).
    pub fn outputs(&self) -> Vec<(&'a str, Node<'a>)> {
        self.named_section("Outputs")
    }

    /// Declared conditions: (name, node).
    pub fn conditions(&self) -> Vec<(&'a str, Node<'a>)> {
        self.named_section("Conditions")
    }

    fn named_section(&self, section: &str) -> Vec<(&'a str, Node<'a>)> {
        let Some(node) = self.section(section) else {
            return Vec::new();
        };
        let pointer = node.pointer().to_string();
        node.value()
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), Node::new(v, member(&pointer, k))))
            .collect()
    }

    /// The SAM `Globals` section for a serverless resource type
    /// (`AWS::Serverless::Function` → `Globals/Function`).
    pub fn globals_for(&self, ty: &str) -> Option<Node<'a>> {
        let section = ty.strip_prefix("AWS::Serverless::")?;
        self.section("Globals")?.get(section)
    }
}

/// One resource of a template.
#[derive(Debug, Clone)]
pub struct Resource<'a> {
    /// Logical id.
    pub id: &'a str,
    /// Type, e.g. `AWS::Serverless::Function` (empty when missing or not a string).
    pub ty: &'a str,
    /// The whole resource entry.
    pub node: Node<'a>,
    template: Template<'a>,
}

impl<'a> Resource<'a> {
    fn new(template: Template<'a>, id: &'a str, value: &'a Value) -> Option<Resource<'a>> {
        value.as_object()?;
        Some(Resource {
            id,
            ty: value.get("Type").and_then(Value::as_str).unwrap_or(""),
            node: Node::new(value, member("/Resources", id)),
            template,
        })
    }

    /// The template this resource belongs to.
    pub fn template(&self) -> Template<'a> {
        self.template
    }

    /// Whether this is a SAM resource (`AWS::Serverless::*`).
    pub fn is_sam(&self) -> bool {
        self.ty.starts_with("AWS::Serverless::")
    }

    /// The `Properties` mapping, if present.
    pub fn properties(&self) -> Option<Node<'a>> {
        self.node.get("Properties")
    }

    /// A resource attribute (`Type`, `DependsOn`, `Condition`, `DeletionPolicy`, `Metadata`, ...).
    pub fn attribute(&self, name: &str) -> Option<Node<'a>> {
        self.node.get(name)
    }

    /// A property as the deployed resource will see it: from `Properties`, or, for SAM
    /// resources, from the matching `Globals` section when the resource does not set it.
    /// The node's pointer says which of the two it came from.
    pub fn property(&self, name: &str) -> Option<Node<'a>> {
        self.properties()
            .and_then(|p| p.get(name))
            .or_else(|| self.template.globals_for(self.ty)?.get(name))
    }

    /// A nested property by relative path (`VersioningConfiguration/Status`), with the
    /// same `Globals` fallback for its first part.
    pub fn property_path(&self, path: &str) -> Option<Node<'a>> {
        let (first, rest) = path.split_once('/').unwrap_or((path, ""));
        let node = self.property(first)?;
        if rest.is_empty() {
            Some(node)
        } else {
            node.path(rest)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn properties_fall_back_to_sam_globals() {
        let value = json!({
            "Transform": "AWS::Serverless-2016-10-31",
            "Globals": {"Function": {"Runtime": "python3.12", "Timeout": 3}},
            "Resources": {
                "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Timeout": 9}},
                "Q": {"Type": "AWS::SQS::Queue"}
            }
        });
        let t = Template::new(&value);
        assert!(t.is_sam());
        let f = t.resource("Fn").unwrap();
        assert_eq!(
            f.property("Timeout").unwrap().pointer(),
            "/Resources/Fn/Properties/Timeout"
        );
        assert_eq!(
            f.property("Runtime").unwrap().pointer(),
            "/Globals/Function/Runtime"
        );
        assert!(t.resource("Q").unwrap().property("Runtime").is_none());
        assert_eq!(t.resources_of_type("AWS::SQS::Queue").count(), 1);
    }

    #[test]
    fn the_type_index_finds_what_a_scan_finds_in_source_order() {
        let value = serde_json::json!({"Resources": {
            "B": {"Type": "AWS::S3::Bucket"},
            "Q": {"Type": "AWS::SQS::Queue"},
            "A": {"Type": "AWS::S3::Bucket"},
            "Odd": "not a mapping",
            "T": {"Type": "AWS::SNS::Topic"}
        }});
        let index = TypeIndex::new(&value);
        let scanned = Template::new(&value);
        let indexed = Template::indexed(&value, &index);
        let ids = |it: &mut dyn Iterator<Item = Resource<'_>>| -> Vec<String> {
            it.map(|r| r.id.to_string()).collect()
        };
        for t in [scanned, indexed] {
            assert_eq!(ids(&mut t.resources_of_type("AWS::S3::Bucket")), ["B", "A"]);
            let types = ["AWS::SNS::Topic", "AWS::S3::Bucket", "AWS::S3::Bucket"];
            assert_eq!(ids(&mut t.resources_of_types(&types)), ["B", "A", "T"]);
            assert!(t.has_resource_of_types(&["AWS::SQS::Queue"]));
            assert!(!t.has_resource_of_types(&["AWS::EC2::VPC"]));
            assert_eq!(
                ids(&mut t.resources_of_type("AWS::EC2::VPC")),
                Vec::<String>::new()
            );
        }
    }
}
