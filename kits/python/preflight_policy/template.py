"""A read-only view of a template's canonical JSON, SAM-aware.

The same model as the Rust SDK (``guest/src/template.rs``, ``node.rs``): every value is
a :class:`Node` that knows its JSON pointer, so a finding about it says where it is.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"

#: CloudFormation's pseudo parameters: always defined, never declared.
PSEUDO_PARAMETERS = (
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
)


def escape(token: str) -> str:
    """Escapes one JSON-pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def resource_of_pointer(pointer: str) -> Optional[str]:
    """``/Resources/<id>/...`` -> ``<id>`` (unescaped); None elsewhere."""
    if not pointer.startswith("/Resources/"):
        return None
    token = pointer[len("/Resources/"):].split("/", 1)[0]
    return token.replace("~1", "/").replace("~0", "~")


class Node:
    """A JSON value and the JSON pointer it sits at. Navigation extends the pointer."""

    __slots__ = ("value", "pointer")

    def __init__(self, value: Any, pointer: str = "") -> None:
        self.value = value
        self.pointer = pointer

    def __repr__(self) -> str:
        return f"Node({self.pointer!r}, {self.value!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and (self.pointer, self.value) == (other.pointer, other.value)

    def get(self, key: str) -> Optional["Node"]:
        """A member of a mapping."""
        if isinstance(self.value, dict) and key in self.value:
            return Node(self.value[key], f"{self.pointer}/{escape(key)}")
        return None

    def index(self, i: int) -> Optional["Node"]:
        """An item of a sequence."""
        if isinstance(self.value, list) and 0 <= i < len(self.value):
            return Node(self.value[i], f"{self.pointer}/{i}")
        return None

    def path(self, path: str) -> Optional["Node"]:
        """Follows a relative path such as ``VersioningConfiguration/Status`` or
        ``Statement/0`` (keys, or indexes into sequences, separated by ``/``)."""
        node: Optional[Node] = self
        for part in (p for p in path.split("/") if p):
            if node is None:
                return None
            if isinstance(node.value, list):
                node = node.index(int(part)) if part.isdigit() else None
            else:
                node = node.get(part)
        return node

    def items(self) -> Iterator["Node"]:
        """The items of a sequence (none for other values)."""
        if isinstance(self.value, list):
            for i, v in enumerate(self.value):
                yield Node(v, f"{self.pointer}/{i}")

    def entries(self) -> Iterator[tuple[str, "Node"]]:
        """The members of a mapping (none for other values)."""
        if isinstance(self.value, dict):
            for k, v in self.value.items():
                yield k, Node(v, f"{self.pointer}/{escape(k)}")

    def one_or_many(self) -> list["Node"]:
        """A sequence's items, or the node itself when it is a single value: IAM and many
        CloudFormation properties take either."""
        if isinstance(self.value, list):
            return list(self.items())
        if self.value is None:
            return []
        return [self]

    def as_str(self) -> Optional[str]:
        """The string, if this is a literal string."""
        return self.value if isinstance(self.value, str) else None

    def as_bool(self) -> Optional[bool]:
        """A boolean as CloudFormation reads it: true/false, or the strings "true"/"false"
        in any case."""
        if isinstance(self.value, bool):
            return self.value
        if isinstance(self.value, str) and self.value.lower() in ("true", "false"):
            return self.value.lower() == "true"
        return None

    def as_int(self) -> Optional[int]:
        """An integer, from a number or a numeric string."""
        if isinstance(self.value, bool):
            return None
        if isinstance(self.value, (int, float)):
            return int(self.value)
        if isinstance(self.value, str):
            try:
                return int(self.value.strip())
            except ValueError:
                return None
        return None

    def is_object(self) -> bool:
        """Whether the value is a mapping."""
        return isinstance(self.value, dict)

    def intrinsic(self) -> Optional[tuple[str, Any]]:
        """``(name, arguments)`` when this node is an intrinsic function call (a mapping
        with one key that is ``Ref``, ``Condition`` or starts with ``Fn::``)."""
        if isinstance(self.value, dict) and len(self.value) == 1:
            (name, args), = self.value.items()
            if name in ("Ref", "Condition") or name.startswith("Fn::"):
                return name, args
        return None

    def is_intrinsic(self) -> bool:
        """Whether the value is only known at deploy time (an intrinsic function)."""
        return self.intrinsic() is not None

    def resource_id(self) -> Optional[str]:
        """The logical id of the resource this node belongs to, from its pointer."""
        return resource_of_pointer(self.pointer)


class Resource:
    """One resource of a template."""

    __slots__ = ("id", "type", "node", "template")

    def __init__(self, template: "Template", id: str, value: dict) -> None:
        self.template = template
        #: Logical id.
        self.id = id
        #: Type, e.g. ``AWS::Serverless::Function`` ("" when missing or not a string).
        t = value.get("Type")
        self.type = t if isinstance(t, str) else ""
        #: The whole resource entry.
        self.node = Node(value, f"/Resources/{escape(id)}")

    def __repr__(self) -> str:
        return f"Resource({self.id!r}, {self.type!r})"

    def is_sam(self) -> bool:
        """Whether this is a SAM resource (``AWS::Serverless::*``)."""
        return self.type.startswith("AWS::Serverless::")

    def properties(self) -> Optional[Node]:
        """The ``Properties`` mapping, if present."""
        return self.node.get("Properties")

    def attribute(self, name: str) -> Optional[Node]:
        """A resource attribute (``DependsOn``, ``Condition``, ``DeletionPolicy``, ...)."""
        return self.node.get(name)

    def property(self, name: str) -> Optional[Node]:
        """A property as the deployed resource will see it: from ``Properties``, or, for
        SAM resources, from the matching ``Globals`` section when the resource does not
        set it. The node's pointer says which of the two it came from."""
        props = self.properties()
        own = props.get(name) if props is not None else None
        if own is not None:
            return own
        globals_ = self.template.globals_for(self.type)
        return globals_.get(name) if globals_ is not None else None

    def property_path(self, path: str) -> Optional[Node]:
        """A nested property by relative path (``VersioningConfiguration/Status``), with the
        same ``Globals`` fallback for its first part."""
        first, _, rest = path.partition("/")
        node = self.property(first)
        if node is None or not rest:
            return node
        return node.path(rest)


class Template:
    """A template: sections, resources and SAM ``Globals``."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        #: The canonical JSON value (short-form tags in long form: ``{"Ref": "X"}``).
        self.value = value

    def root(self) -> Node:
        """The whole template."""
        return Node(self.value, "")

    def section(self, name: str) -> Optional[Node]:
        """A top-level section (``Resources``, ``Parameters``, ``Outputs``, ...)."""
        return self.root().get(name)

    def is_sam(self) -> bool:
        """Whether the template uses the SAM transform."""
        t = self.value.get("Transform") if isinstance(self.value, dict) else None
        return t == SAM_TRANSFORM or (isinstance(t, list) and SAM_TRANSFORM in t)

    def resources(self) -> Iterator[Resource]:
        """Every resource, in source order."""
        section = self.value.get("Resources") if isinstance(self.value, dict) else None
        if isinstance(section, dict):
            for id, value in section.items():
                if isinstance(value, dict):
                    yield Resource(self, id, value)

    def resources_of_type(self, *types: str) -> Iterator[Resource]:
        """The resources of the given types (e.g. ``AWS::S3::Bucket``)."""
        return (r for r in self.resources() if r.type in types)

    def resource(self, id: str) -> Optional[Resource]:
        """One resource by logical id."""
        section = self.value.get("Resources") if isinstance(self.value, dict) else None
        if isinstance(section, dict) and isinstance(section.get(id), dict):
            return Resource(self, id, section[id])
        return None

    def has_resource(self, id: str) -> bool:
        """Whether a resource with this logical id exists."""
        section = self.value.get("Resources") if isinstance(self.value, dict) else None
        return isinstance(section, dict) and id in section

    def has_parameter(self, name: str) -> bool:
        """Whether a parameter with this name is declared."""
        section = self.value.get("Parameters") if isinstance(self.value, dict) else None
        return isinstance(section, dict) and name in section

    def parameters(self) -> list[tuple[str, Node]]:
        """Declared parameters: (name, node)."""
        return self._named("Parameters")

    def outputs(self) -> list[tuple[str, Node]]:
        """Declared outputs: (name, node)."""
        return self._named("Outputs")

    def conditions(self) -> list[tuple[str, Node]]:
        """Declared conditions: (name, node)."""
        return self._named("Conditions")

    def _named(self, section: str) -> list[tuple[str, Node]]:
        node = self.section(section)
        return list(node.entries()) if node is not None else []

    def globals_for(self, type: str) -> Optional[Node]:
        """The SAM ``Globals`` section for a serverless resource type
        (``AWS::Serverless::Function`` -> ``Globals/Function``)."""
        if not type.startswith("AWS::Serverless::"):
            return None
        section = self.section("Globals")
        return section.get(type[len("AWS::Serverless::"):]) if section is not None else None
