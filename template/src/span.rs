//! The span tree: the source span of every node of the canonical value.
//!
//! A loaded template keeps it flat ([`Spans`]): the children of every collection sit side
//! by side in one vector and every mapping key in one string, so that a million nodes
//! cost a few growing allocations instead of several each (to build and to free), and an
//! alias shares the subtree of its anchor instead of copying it. The language extensions
//! rewrite the tree, which is easier on owned nodes ([`SpanNode`]); they convert to and
//! from that form.

/// A byte range of the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    pub(crate) fn join(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// Mappings with more members than this get a sorted index for lookups.
const INDEXED_MAP: usize = 16;

/// One node of [`Spans`]: its span and where its children are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    pub span: Span,
    shape: Flat,
}

#[derive(Debug, Clone, Copy)]
enum Flat {
    Leaf,
    /// Items `items[first..first + len]`.
    Seq {
        first: usize,
        len: usize,
    },
    /// Members `members[first..first + len]` in source order; a mapping of more than
    /// [`INDEXED_MAP`] members also has their positions sorted by key at
    /// `order[order..order + len]`, so a lookup is a binary search, not a scan.
    Map {
        first: usize,
        len: usize,
        order: usize,
    },
}

/// A mapping member: its key (`keys[key_start..key_end]`), the key's span and the
/// value's node.
#[derive(Debug, Clone, Copy)]
struct Member {
    key_start: usize,
    key_end: usize,
    key_span: Span,
    node: Node,
}

impl Node {
    pub fn leaf(span: Span) -> Node {
        Node {
            span,
            shape: Flat::Leaf,
        }
    }
}

/// The flat storage of [`Spans`], shared with the [`SpanBuilder`] filling it.
#[derive(Debug, Clone, Default)]
struct Storage {
    items: Vec<Node>,
    members: Vec<Member>,
    keys: String,
    order: Vec<u32>,
}

/// Whether a mapping of `len` members has a sorted index.
fn indexed(len: usize) -> bool {
    len > INDEXED_MAP && u32::try_from(len).is_ok()
}

impl Storage {
    fn key(&self, member: &Member) -> &str {
        self.keys
            .get(member.key_start..member.key_end)
            .unwrap_or("")
    }
}

/// The spans of a whole template, mirroring its canonical value.
#[derive(Debug, Clone)]
pub(crate) struct Spans {
    root: Node,
    storage: Storage,
}

impl Spans {
    /// Follows `tokens` as far as they go. Returns the span reached and how many tokens
    /// were left unresolved. A mapping member's span runs from its key to its value's end.
    pub fn resolve(&self, tokens: &[String]) -> (Span, usize) {
        let s = &self.storage;
        let mut node = self.root;
        let mut span = node.span;
        for (i, token) in tokens.iter().enumerate() {
            let next = match node.shape {
                Flat::Leaf => None,
                Flat::Seq { first, len } => token
                    .parse::<usize>()
                    .ok()
                    .filter(|&at| at < len && (token == "0" || !token.starts_with('0')))
                    .and_then(|at| s.items.get(first + at))
                    .map(|child| (child.span, *child)),
                Flat::Map { first, len, order } => self
                    .member(first, len, order, token)
                    .map(|m| (m.key_span.join(m.node.span), m.node)),
            };
            match next {
                Some((reached, child)) => {
                    span = reached;
                    node = child;
                }
                None => return (span, tokens.len() - i),
            }
        }
        (span, 0)
    }

    fn member(&self, first: usize, len: usize, order: usize, key: &str) -> Option<&Member> {
        let s = &self.storage;
        let members = s.members.get(first..first + len)?;
        if indexed(len) {
            let order = s.order.get(order..order + len)?;
            let at = order
                .binary_search_by(|&i| members.get(i as usize).map_or("", |m| s.key(m)).cmp(key))
                .ok()?;
            members.get(order[at] as usize)
        } else {
            // The last duplicate wins, as in the value (the loaders refuse duplicates).
            members.iter().rev().find(|m| s.key(m) == key)
        }
    }

    /// The owned form, for rewriting.
    pub fn into_tree(self) -> SpanNode {
        // Built bottom-up with an explicit stack: the depth is the input's.
        enum Open {
            Seq(Span, std::ops::Range<usize>, Vec<SpanNode>),
            Map(
                Span,
                std::ops::Range<usize>,
                Option<usize>,
                Vec<(String, Span, SpanNode)>,
            ),
        }
        let s = &self.storage;
        let mut stack: Vec<Open> = Vec::new();
        let mut todo = Some(self.root);
        loop {
            let done = if let Some(node) = todo.take() {
                match node.shape {
                    Flat::Leaf => SpanNode::leaf(node.span),
                    Flat::Seq { first, len } => {
                        let children = Vec::with_capacity(len);
                        stack.push(Open::Seq(node.span, first..first + len, children));
                        continue;
                    }
                    Flat::Map { first, len, .. } => {
                        let members = Vec::with_capacity(len);
                        stack.push(Open::Map(node.span, first..first + len, None, members));
                        continue;
                    }
                }
            } else {
                match stack.last_mut() {
                    Some(Open::Seq(_, rest, _)) => {
                        if let Some(child) = rest.next().and_then(|at| s.items.get(at)) {
                            todo = Some(*child);
                            continue;
                        }
                    }
                    Some(Open::Map(_, rest, current, _)) => {
                        *current = rest.next();
                        if let Some(m) = current.and_then(|at| s.members.get(at)) {
                            todo = Some(m.node);
                            continue;
                        }
                    }
                    None => {}
                }
                match stack.pop() {
                    Some(Open::Seq(span, _, children)) => SpanNode {
                        span,
                        shape: Shape::Seq(children),
                    },
                    Some(Open::Map(span, _, _, members)) => SpanNode {
                        span,
                        shape: Shape::Map(members),
                    },
                    None => SpanNode::leaf(self.root.span),
                }
            };
            match stack.last_mut() {
                None => return done,
                Some(Open::Seq(_, _, children)) => children.push(done),
                Some(Open::Map(_, _, current, members)) => {
                    if let Some(m) = current.and_then(|at| s.members.get(at)) {
                        members.push((s.key(m).to_string(), m.key_span, done));
                    }
                }
            }
        }
    }

    /// The flat form of an owned tree.
    pub fn from_tree(root: SpanNode) -> Spans {
        type Members = std::vec::IntoIter<(String, Span, SpanNode)>;
        enum Open {
            Seq(Span, Mark, std::vec::IntoIter<SpanNode>),
            Map(Span, Mark, Members, (String, Span)),
        }
        let mut builder = SpanBuilder::default();
        let mut stack: Vec<Open> = Vec::new();
        let mut todo = Some(root);
        loop {
            let done = if let Some(node) = todo.take() {
                let mark = builder.mark();
                match node.shape {
                    Shape::Leaf => Node::leaf(node.span),
                    Shape::Seq(children) => {
                        stack.push(Open::Seq(node.span, mark, children.into_iter()));
                        continue;
                    }
                    Shape::Map(members) => {
                        let current = Default::default();
                        stack.push(Open::Map(node.span, mark, members.into_iter(), current));
                        continue;
                    }
                }
            } else {
                match stack.last_mut() {
                    Some(Open::Seq(_, _, children)) => {
                        if let Some(child) = children.next() {
                            todo = Some(child);
                            continue;
                        }
                    }
                    Some(Open::Map(_, _, members, current)) => {
                        if let Some((key, key_span, child)) = members.next() {
                            *current = (key, key_span);
                            todo = Some(child);
                            continue;
                        }
                    }
                    None => {}
                }
                match stack.pop() {
                    Some(Open::Seq(span, mark, _)) => builder.close_seq(mark, span),
                    Some(Open::Map(span, mark, _, _)) => builder.close_map(mark, span),
                    None => Node::leaf(Span::default()),
                }
            };
            match stack.last_mut() {
                None => return builder.finish(done),
                Some(Open::Seq(..)) => builder.push(done),
                Some(Open::Map(_, _, _, (key, key_span))) => {
                    let key_span = *key_span;
                    builder.push_member(key, key_span, done);
                }
            }
        }
    }
}

/// Where a collection's children sit in the flat storage, when it was made room for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slots {
    first: usize,
    len: usize,
}

/// Where a collection's children start on the builder's pending stacks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    nodes: usize,
    keys: usize,
}

/// Builds [`Spans`] bottom-up. The children of the open collections wait on shared
/// stacks, innermost last, and move into the flat storage when their collection closes.
#[derive(Default)]
pub(crate) struct SpanBuilder {
    storage: Storage,
    /// Children of the open collections.
    pending: Vec<Node>,
    /// Keys of the open mappings' members: where each sits in `storage.keys`, its span.
    pending_keys: Vec<(usize, usize, Span)>,
}

impl SpanBuilder {
    /// Where the children of a collection opened now will start.
    pub fn mark(&self) -> Mark {
        Mark {
            nodes: self.pending.len(),
            keys: self.pending_keys.len(),
        }
    }

    /// Adds an item to the innermost open sequence.
    pub fn push(&mut self, node: Node) {
        self.pending.push(node);
    }

    /// Adds a member to the innermost open mapping.
    pub fn push_member(&mut self, key: &str, key_span: Span, node: Node) {
        let start = self.storage.keys.len();
        self.storage.keys.push_str(key);
        let end = self.storage.keys.len();
        self.pending_keys.push((start, end, key_span));
        self.pending.push(node);
    }

    /// The key span of member `i` of the mapping opened at `mark`.
    pub fn key_span(&self, mark: Mark, i: usize) -> Option<Span> {
        self.pending_keys.get(mark.keys + i).map(|k| k.2)
    }

    /// The span of the last child so far of the collection opened at `mark`.
    pub fn last_span(&self, mark: Mark) -> Option<Span> {
        self.pending.get(mark.nodes..)?.last().map(|n| n.span)
    }

    /// Closes the sequence opened at `mark`.
    pub fn close_seq(&mut self, mark: Mark, span: Span) -> Node {
        let first = self.storage.items.len();
        let base = mark.nodes.min(self.pending.len());
        self.storage.items.extend_from_slice(&self.pending[base..]);
        self.pending.truncate(base);
        Node {
            span,
            shape: Flat::Seq {
                first,
                len: self.storage.items.len() - first,
            },
        }
    }

    /// Closes the mapping opened at `mark`.
    pub fn close_map(&mut self, mark: Mark, span: Span) -> Node {
        let s = &mut self.storage;
        let first = s.members.len();
        let base = mark.nodes.min(self.pending.len());
        let key_base = mark.keys.min(self.pending_keys.len());
        let keys = self.pending_keys.drain(key_base..);
        let members =
            keys.zip(self.pending.drain(base..))
                .map(|((key_start, key_end, key_span), node)| Member {
                    key_start,
                    key_end,
                    key_span,
                    node,
                });
        s.members.extend(members);
        let len = s.members.len() - first;
        self.map_node(first, len, span)
    }

    /// The node of the mapping whose members are `members[first..first + len]`, with
    /// its index when it is large.
    fn map_node(&mut self, first: usize, len: usize, span: Span) -> Node {
        let s = &mut self.storage;
        let order = s.order.len();
        if indexed(len) {
            let members = s.members.get(first..first + len).unwrap_or_default();
            let keys: Vec<&str> = members.iter().map(|m| s.key(m)).collect();
            let mut sorted: Vec<u32> = (0..keys.len() as u32).collect();
            sorted.sort_unstable_by(|&a, &b| keys[a as usize].cmp(keys[b as usize]));
            s.order.extend(sorted);
        }
        Node {
            span,
            shape: Flat::Map { first, len, order },
        }
    }

    /// Room in the flat storage for the `len` items of a sequence whose length the
    /// parser knows before reading them (JSON): each is written in place once read,
    /// instead of waiting on the shared stack and moving when the sequence closes,
    /// which for a long one touches twice the memory.
    pub fn seq_slots(&mut self, len: usize) -> Slots {
        let first = self.storage.items.len();
        let empty = Node::leaf(Span::default());
        self.storage.items.resize(first + len, empty);
        Slots { first, len }
    }

    /// Item `i` of a sequence made with [`SpanBuilder::seq_slots`].
    pub fn set_item(&mut self, slots: Slots, i: usize, node: Node) {
        if i < slots.len
            && let Some(slot) = self.storage.items.get_mut(slots.first + i)
        {
            *slot = node;
        }
    }

    /// Closes a sequence made with [`SpanBuilder::seq_slots`].
    pub fn close_seq_slots(&self, slots: Slots, span: Span) -> Node {
        Node {
            span,
            shape: Flat::Seq {
                first: slots.first,
                len: slots.len,
            },
        }
    }

    /// Room for the `len` members of a mapping whose size the parser knows (as
    /// [`SpanBuilder::seq_slots`]).
    pub fn map_slots(&mut self, len: usize) -> Slots {
        let first = self.storage.members.len();
        let empty = Member {
            key_start: 0,
            key_end: 0,
            key_span: Span::default(),
            node: Node::leaf(Span::default()),
        };
        self.storage.members.resize(first + len, empty);
        Slots { first, len }
    }

    /// Member `i` of a mapping made with [`SpanBuilder::map_slots`].
    pub fn set_member(&mut self, slots: Slots, i: usize, key: &str, key_span: Span, node: Node) {
        let key_start = self.storage.keys.len();
        self.storage.keys.push_str(key);
        let key_end = self.storage.keys.len();
        if i < slots.len
            && let Some(slot) = self.storage.members.get_mut(slots.first + i)
        {
            *slot = Member {
                key_start,
                key_end,
                key_span,
                node,
            };
        }
    }

    /// The key span of the first of the `filled` members so far of a mapping made with
    /// [`SpanBuilder::map_slots`] whose key is `key`.
    pub fn find_member(&self, slots: Slots, filled: usize, key: &str) -> Option<Span> {
        let s = &self.storage;
        let filled = filled.min(slots.len);
        s.members
            .get(slots.first..slots.first + filled)?
            .iter()
            .find(|m| s.key(m) == key)
            .map(|m| m.key_span)
    }

    /// Closes a mapping made with [`SpanBuilder::map_slots`].
    pub fn close_map_slots(&mut self, slots: Slots, span: Span) -> Node {
        self.map_node(slots.first, slots.len, span)
    }

    /// Number of nodes in the subtree of `node` (for alias expansion limits).
    pub fn count(&self, node: Node) -> usize {
        let s = &self.storage;
        let mut stack = vec![node];
        let mut n = 0;
        while let Some(node) = stack.pop() {
            n += 1;
            match node.shape {
                Flat::Leaf => {}
                Flat::Seq { first, len } => {
                    stack.extend(s.items.get(first..first + len).unwrap_or_default());
                }
                Flat::Map { first, len, .. } => {
                    let members = s.members.get(first..first + len).unwrap_or_default();
                    stack.extend(members.iter().map(|m| m.node));
                }
            }
        }
        n
    }

    /// The finished spans, `root` being the whole template's.
    pub fn finish(self, root: Node) -> Spans {
        Spans {
            root,
            storage: self.storage,
        }
    }
}

/// Spans of one node and, for collections, of its children, mirroring the JSON value:
/// the owned form, for rewriting.
#[derive(Debug, Clone)]
pub(crate) struct SpanNode {
    pub span: Span,
    pub shape: Shape,
}

#[derive(Debug, Clone)]
pub(crate) enum Shape {
    Leaf,
    Seq(Vec<SpanNode>),
    /// Members in source order: key, key span, value spans.
    Map(Vec<(String, Span, SpanNode)>),
}

impl SpanNode {
    pub fn leaf(span: Span) -> SpanNode {
        SpanNode {
            span,
            shape: Shape::Leaf,
        }
    }
}
