use std::collections::{HashMap, VecDeque};

use preflight_policy::prelude::*;
use preflight_policy::{ReferenceKind, references};

use crate::sam;

declare_rule! {
    /// ## What it does
    /// Checks that resources do not depend on each other in a circle, through
    /// `DependsOn`, `Ref`, `Fn::GetAtt` or `Fn::Sub` placeholders. Each circle is reported
    /// once, at the first of its resources in the template, as `A -> B -> A`.
    ///
    /// SAM resources are read as the transform will write them: references made in a SAM
    /// function's `Events` or `DeploymentPreference` (or a state machine's `Events`) belong
    /// to the resources the transform generates for them, not to the function (likewise a
    /// function's `EventInvokeConfig` and `FunctionUrlConfig`, an API's `Domain`, and a
    /// GraphQL API's data sources, functions and resolvers, and any resource's embedded
    /// `Connectors`), and a `Ref` to
    /// `MyFunction.Alias`, `MyFunction.Version` or `MyApi.Stage` depends on the resource. A resource
    /// that lists itself in `DependsOn` is left to TPL002.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the template ("Circular dependency between resources")
    /// before it creates or updates anything.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   Bucket:
    ///     Type: AWS::S3::Bucket
    ///     Properties:
    ///       NotificationConfiguration:
    ///         LambdaConfigurations:
    ///           - Event: s3:ObjectCreated:*
    ///             Function: !GetAtt Handler.Arn
    ///   Handler:
    ///     Type: AWS::Lambda::Function
    ///     DependsOn: Bucket
    /// ```
    ///
    /// ## Fix
    /// Break the circle: drop a `DependsOn` that is not needed, build a name or ARN with
    /// `Fn::Sub` from known parts instead of referencing the resource, or move the
    /// back-reference into a separate resource (such as an `AWS::Lambda::Permission` or a
    /// policy resource).
    pub struct CircularDependency {
        id: "TPL008",
        name: "circular-dependency",
        title: "Resources do not depend on each other in a circle",
        severity: High,
        equivalents: { "cfn-lint": ["E3004"] },
    }
}

/// One dependency: the resource depended on, and where the dependency is written.
struct Edge {
    to: usize,
    pointer: String,
    highlight: Option<String>,
}

impl Rule for CircularDependency {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        let resources: Vec<Resource> = t.resources().collect();
        let index: HashMap<&str, usize> = resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
        let graph: Vec<Vec<Edge>> = resources
            .iter()
            .enumerate()
            .map(|(i, r)| edges(r, i, &index))
            .collect();
        for component in strongly_connected(&graph) {
            let first = *component.iter().min().expect("components are not empty");
            let cyclic = component.len() > 1 || graph[first].iter().any(|e| e.to == first);
            if !cyclic {
                continue;
            }
            let path = shortest_cycle(&graph, &component, first);
            let names: Vec<&str> = path.iter().map(|&i| resources[i].id).collect();
            let mut message = format!(
                "circular dependency `{} -> {}`",
                names.join(" -> "),
                names[0]
            );
            let others: Vec<&str> = {
                let mut rest: Vec<usize> = component
                    .iter()
                    .copied()
                    .filter(|i| !path.contains(i))
                    .collect();
                rest.sort_unstable();
                rest.into_iter().map(|i| resources[i].id).collect()
            };
            if !others.is_empty() {
                message.push_str(&format!(" (also involving `{}`)", others.join("`, `")));
            }
            let next = path.get(1).copied().unwrap_or(first);
            let edge = graph[first]
                .iter()
                .find(|e| e.to == next)
                .expect("the cycle follows edges");
            let finding = out.add_at(&edge.pointer, message);
            if let Some(h) = &edge.highlight {
                finding.highlight(h.clone());
            }
        }
    }
}

/// The dependencies of resource `from`, in source order.
fn edges(r: &Resource, from: usize, index: &HashMap<&str, usize>) -> Vec<Edge> {
    let t = r.template();
    let detached = sam::detached_properties(r.ty);
    let mut out = Vec::new();
    for (key, node) in r.node.entries() {
        // SAM's embedded connectors become policies of their own.
        if key == "Connectors" {
            continue;
        }
        if key == "DependsOn" {
            for item in node.one_or_many() {
                if let Some(&to) = item.as_str().and_then(|s| index.get(s))
                    && to != from
                {
                    // The string form points at the whole member: narrow to the name.
                    let name = item.as_str().unwrap_or_default();
                    let highlight = (item.pointer() == node.pointer() && !key.contains(name))
                        .then(|| name.to_string());
                    out.push(Edge {
                        to,
                        pointer: item.pointer().to_string(),
                        highlight,
                    });
                }
            }
            continue;
        }
        let parts: Vec<Node> = if key == "Properties" && !detached.is_empty() {
            node.entries()
                .filter(|(k, _)| !detached.contains(k))
                .map(|(_, v)| v)
                .collect()
        } else {
            vec![node]
        };
        for part in parts {
            for reference in references(part.value(), part.pointer()) {
                let target = match reference.kind {
                    // `!Ref MyFunction.Alias`: SAM's alias of MyFunction, which depends on
                    // it (a destination topic does not).
                    ReferenceKind::Ref if reference.target.contains('.') => {
                        match sam::referable(&t, &reference.target) {
                            Some(base) if sam::referable_depends_on_base(&reference.target) => base,
                            _ => continue,
                        }
                    }
                    _ => reference.target.as_str(),
                };
                if let Some(&to) = index.get(target) {
                    out.push(Edge {
                        to,
                        pointer: reference.pointer,
                        highlight: reference.highlight,
                    });
                }
            }
        }
    }
    out
}

/// Tarjan's strongly connected components, without recursion: each component's members.
fn strongly_connected(graph: &[Vec<Edge>]) -> Vec<Vec<usize>> {
    const UNVISITED: usize = usize::MAX;
    let n = graph.len();
    let mut order = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if order[root] != UNVISITED {
            continue;
        }
        // Call stack of (node, index of the next edge to follow).
        let mut calls = vec![(root, 0)];
        order[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(v, next)) = calls.last() {
            if let Some(edge) = graph[v].get(next) {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                let w = edge.to;
                if order[w] == UNVISITED {
                    order[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                let mut component = Vec::new();
                loop {
                    let w = stack.pop().expect("v is on the stack");
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components.sort_by_key(|c| c.iter().copied().min());
    components
}

/// The shortest cycle through `start` inside `component`: the resources in order, from
/// `start`. Breadth-first, so it follows the earliest-written edge among equals.
fn shortest_cycle(graph: &[Vec<Edge>], component: &[usize], start: usize) -> Vec<usize> {
    let mut inside = vec![false; graph.len()];
    for &i in component {
        inside[i] = true;
    }
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for edge in &graph[v] {
            let w = edge.to;
            if w == start {
                let mut path = vec![v];
                let mut at = v;
                while at != start {
                    at = parent[&at];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if inside[w] && !parent.contains_key(&w) && w != start {
                parent.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    vec![start]
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL008", "tests/fixtures/tpl008.yaml"));
    }

    #[test]
    fn sam_events_do_not_make_cycles() {
        insta::assert_snapshot!(render_rule("TPL008", "tests/fixtures/tpl008_sam.yaml"));
    }
}
