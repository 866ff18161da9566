use preflight_policy::prelude::*;

use crate::walk;

declare_rule! {
    /// ## What it does
    /// Reports a function that belongs to a preprocessor, not to CloudFormation: a YAML
    /// tag CloudFormation does not know (`!Rain::Embed`, `!Rain::Module`, `!Rain::S3`), which
    /// the loader reads as cfn-lint does (`{"Fn::Rain::Embed": ...}`), or the same function
    /// in its long form (`Fn::Rain::Embed`, or rain's own spelling `Rain::Embed`). Any
    /// namespaced function (`Fn::<Tool>::<Name>`) counts. The rest of the template is
    /// checked as written; what the function stands for is not judged.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the template unless the tool that owns the function (rain's
    /// `rain pkg` / `rain deploy`, for `Rain::`) expands it first. Deploying the file as
    /// it is, with `sam deploy` or `aws cloudformation deploy`, fails; and what the
    /// function will insert (a file's content, a module's resources) is checked by no
    /// policy until it is expanded.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   Function:
    ///     Type: AWS::Lambda::Function
    ///     Properties:
    ///       Code:
    ///         ZipFile: !Rain::Embed handler.py
    /// ```
    ///
    /// ## Fix
    /// Deploy through the tool that expands the function (`rain deploy`), or check its
    /// output (`rain pkg template.yaml > packaged.yaml; preflight check packaged.yaml`).
    pub struct PreprocessorFunction {
        id: "TPL020",
        name: "preprocessor-function",
        title: "Functions of preprocessors are expanded before deploying",
        severity: Low,
        equivalents: {},
    }
}

impl Rule for PreprocessorFunction {
    fn check(&self, cx: &Context, out: &mut Findings) {
        // A walk of values alone finds out whether there is anything to report; only
        // then are nodes (which carry their pointers) walked, to place the findings.
        if !walk::any_value(cx.template.root().value(), |v| {
            v.as_object().is_some_and(|map| {
                map.len() == 1 && map.keys().all(|k| walk::is_preprocessor_function(k))
            })
        }) {
            return;
        }
        for node in walk::nodes(cx.template.root()) {
            let Some(map) = node.value().as_object() else {
                continue;
            };
            if map.len() != 1 {
                continue;
            }
            let Some((name, _)) = map.iter().next() else {
                continue;
            };
            if !walk::is_preprocessor_function(name) {
                continue;
            }
            let Some(args) = node.get(name) else { continue };
            let tool = name
                .strip_prefix("Fn::")
                .unwrap_or(name)
                .split("::")
                .next()
                .unwrap_or_default();
            out.add(
                &args,
                format!(
                    "`{name}` is not a CloudFormation function: `{tool}` must expand it before the template is deployed"
                ),
            )
            .highlight(name.strip_prefix("Fn::").unwrap_or(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL020", "tests/fixtures/tpl020.yaml"));
    }

    #[test]
    fn snapshot_json() {
        insta::assert_snapshot!(render_rule("TPL020", "tests/fixtures/tpl020_json.json"));
    }
}
