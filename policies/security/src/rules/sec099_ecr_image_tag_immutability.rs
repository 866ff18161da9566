use preflight_policy::prelude::*;

use crate::support::{Expect, Requirement, check_requirements};

declare_rule! {
    /// ## What it does
    /// Checks that ECR repositories set `ImageTagMutability: IMMUTABLE`.
    ///
    /// A `!Ref` to a parameter is judged by its default; other intrinsics are decided
    /// at deploy time and not reported.
    ///
    /// ## Why is this bad?
    /// With mutable tags, whoever can push can replace what `:prod` or `:1.2.3` points
    /// to, and the next deploy runs it.
    ///
    /// ## Example
    /// ```yaml
    /// Repo:
    ///   Type: AWS::ECR::Repository
    ///   Properties:
    ///     RepositoryName: app
    /// ```
    ///
    /// ## Fix
    /// Set `ImageTagMutability: IMMUTABLE`.
    pub struct EcrImageTagImmutability {
        id: "SEC099",
        name: "ecr-image-tag-immutability",
        title: "ECR repositories have immutable tags",
        severity: Low,
        resource_types: [
            "AWS::ECR::Repository",
        ],
        equivalents: { "checkov": ["CKV_AWS_51"] },
    }
}

const REQUIREMENTS: &[Requirement] = &[Requirement {
    types: &["AWS::ECR::Repository"],
    path: "ImageTagMutability",
    expect: Expect::OneOf(&["IMMUTABLE"]),
    what: "a tag can be moved to another image after it was reviewed or deployed",
}];

impl Rule for EcrImageTagImmutability {
    fn check(&self, cx: &Context, out: &mut Findings) {
        check_requirements(&cx.template, REQUIREMENTS, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("SEC099", "tests/fixtures/sec099.yaml"));
    }
}
