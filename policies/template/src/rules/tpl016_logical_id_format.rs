use preflight_policy::prelude::*;

use crate::anchor;

declare_rule! {
    /// ## What it does
    /// Checks that the names of resources, parameters, outputs and mappings are
    /// alphanumeric (`A-Z`, `a-z`, `0-9`), that condition names use only those and `_` or
    /// `&`, and that all are at most 255 characters long. Loop keys of
    /// `AWS::LanguageExtensions` (`Fn::ForEach::Name`) are left alone.
    ///
    /// ## Why is this bad?
    /// CloudFormation rejects the template ("Resource name my-bucket is non
    /// alphanumeric") before it creates or updates anything.
    ///
    /// ## Example
    /// ```yaml
    /// Resources:
    ///   my-bucket:
    ///     Type: AWS::S3::Bucket
    /// ```
    ///
    /// ## Fix
    /// Rename it, for example `MyBucket`, and update every reference to it.
    pub struct LogicalIdFormat {
        id: "TPL016",
        name: "logical-id-format",
        title: "Logical ids and section names are alphanumeric",
        severity: High,
        equivalents: { "cfn-lint": ["E3001", "E2001", "E6004", "E7001", "E8001"] },
    }
}

impl Rule for LogicalIdFormat {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let t = cx.template;
        for (section, what) in [
            ("Parameters", "parameter"),
            ("Mappings", "mapping"),
            ("Conditions", "condition"),
            ("Resources", "resource"),
            ("Outputs", "output"),
        ] {
            let Some(node) = t.section(section) else {
                continue;
            };
            for (name, entry) in node.entries() {
                if name.starts_with("Fn::ForEach::") {
                    continue;
                }
                let message = if name.is_empty() {
                    format!("a {what} has an empty name")
                } else if section == "Conditions"
                    && !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '&')
                {
                    format!("condition name `{name}` may use only A-Z, a-z, 0-9, _ and &")
                } else if section != "Conditions"
                    && !name.chars().all(|c| c.is_ascii_alphanumeric())
                {
                    format!("{what} name `{name}` must be alphanumeric (A-Z, a-z, 0-9)")
                } else if name.len() > 255 {
                    format!("{what} name `{name}` is longer than 255 characters")
                } else {
                    continue;
                };
                anchor::at_key(out, &entry, name, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL016", "tests/fixtures/tpl016.yaml"));
    }
}
