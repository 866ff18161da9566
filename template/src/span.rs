//! The span tree: the source span of every node of the canonical value.

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

/// Spans of one node and, for collections, of its children, mirroring the JSON value.
#[derive(Debug, Clone)]
pub(crate) struct SpanNode {
    pub span: Span,
    pub shape: Shape,
}

#[derive(Debug, Clone)]
pub(crate) enum Shape {
    Leaf,
    Seq(Vec<SpanNode>),
    /// Members in source order: key, key span, value spans; for a large mapping, the
    /// members' positions sorted by key, so a lookup is a binary search, not a scan.
    Map(Vec<(String, Span, SpanNode)>, Option<Box<[u32]>>),
}

/// Mappings with more members than this get a sorted index for lookups.
const INDEXED_MAP: usize = 16;

impl Shape {
    /// A mapping's shape from its members in source order (keys unique).
    pub fn map(members: Vec<(String, Span, SpanNode)>) -> Shape {
        let index =
            (members.len() > INDEXED_MAP && members.len() <= u32::MAX as usize).then(|| {
                let mut order: Vec<u32> = (0..members.len() as u32).collect();
                order.sort_unstable_by(|&a, &b| members[a as usize].0.cmp(&members[b as usize].0));
                order.into_boxed_slice()
            });
        Shape::Map(members, index)
    }
}

fn member<'a>(
    members: &'a [(String, Span, SpanNode)],
    index: Option<&[u32]>,
    key: &str,
) -> Option<&'a (String, Span, SpanNode)> {
    match index {
        Some(order) => order
            .binary_search_by(|&i| members[i as usize].0.as_str().cmp(key))
            .ok()
            .map(|at| &members[order[at] as usize]),
        // The last duplicate wins, as in the value (the loaders refuse duplicates).
        None => members.iter().rev().find(|(k, _, _)| k == key),
    }
}

impl SpanNode {
    pub fn leaf(span: Span) -> SpanNode {
        SpanNode {
            span,
            shape: Shape::Leaf,
        }
    }

    /// Follows `tokens` as far as they go. Returns the span reached and how many tokens
    /// were left unresolved. A mapping member's span runs from its key to its value's end.
    pub fn resolve(&self, tokens: &[String]) -> (Span, usize) {
        let mut node = self;
        let mut span = self.span;
        for (i, token) in tokens.iter().enumerate() {
            let next = match &node.shape {
                Shape::Leaf => None,
                Shape::Seq(items) => token
                    .parse::<usize>()
                    .ok()
                    .filter(|_| token == "0" || !token.starts_with('0'))
                    .and_then(|i| items.get(i))
                    .map(|child| (child.span, child)),
                Shape::Map(members, index) => member(members, index.as_deref(), token)
                    .map(|(_, key_span, child)| (key_span.join(child.span), child)),
            };
            match next {
                Some((s, child)) => {
                    span = s;
                    node = child;
                }
                None => return (span, tokens.len() - i),
            }
        }
        (span, 0)
    }

    /// Number of nodes in this subtree (for alias expansion limits).
    pub fn count(&self) -> usize {
        match &self.shape {
            Shape::Leaf => 1,
            Shape::Seq(items) => 1 + items.iter().map(SpanNode::count).sum::<usize>(),
            Shape::Map(members, _) => 1 + members.iter().map(|(_, _, c)| c.count()).sum::<usize>(),
        }
    }
}
