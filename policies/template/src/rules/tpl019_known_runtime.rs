use preflight_policy::prelude::*;

use crate::{anchor, runtimes, suggest};

declare_rule! {
    /// ## What it does
    /// Checks that each literal Lambda runtime in the template (the same places as TPL007:
    /// function `Runtime` including SAM `Globals`, layer `CompatibleRuntimes`, parameter
    /// defaults and `Fn::If` branches feeding them) is a runtime identifier Lambda has
    /// ever offered, such as `python3.13` or `provided.al2023`.
    ///
    /// Identifiers newer than the policy's table that follow the pattern of a known
    /// family (`python3.N`, `nodejsN.x`, `javaN`, `dotnetN`, `rubyN.M`, `provided.al20YY`)
    /// are accepted, so a runtime AWS releases after the table was written does not
    /// fire. A SAM layer's `Metadata.BuildMethod` is not checked (it may name a build
    /// tool such as `makefile`).
    ///
    /// ## Why is this bad?
    /// Lambda rejects the function ("Value ... at 'runtime' failed to satisfy
    /// constraint"), and the whole deployment fails and rolls back.
    ///
    /// ## Example
    /// ```yaml
    /// Globals:
    ///   Function:
    ///     Runtime: Python3.13
    /// ```
    ///
    /// ## Fix
    /// Write the identifier exactly as Lambda spells it (lowercase), e.g. `python3.13`.
    pub struct KnownRuntime {
        id: "TPL019",
        name: "known-runtime",
        title: "Lambda runtimes are identifiers Lambda knows",
        severity: High,
        resource_types: [
            "AWS::Serverless::Function",
            "AWS::Lambda::Function",
            "AWS::Serverless::LayerVersion",
            "AWS::Lambda::LayerVersion",
        ],
        equivalents: { "cfn-lint": ["E3030"] },
    }
}

impl Rule for KnownRuntime {
    fn check(&self, cx: &Context, out: &mut Findings) {
        let table = runtimes::schedules();
        // Suggest only runtimes that were still usable recently, not `nodejs` (2016).
        let recent = crate::date::Date::parse("2024-01-01").expect("a valid date");
        let mut known: Vec<&str> = table
            .iter()
            .filter(|(_, s)| s.block_update.is_none_or(|u| u >= recent))
            .map(|(name, _)| name.as_str())
            .collect();
        known.sort_unstable();
        for used in runtimes::uses(&cx.template) {
            if used.build_method || table.contains_key(used.name) || plausibly_newer(used.name) {
                continue;
            }
            let hint = suggest::did_you_mean(used.name, &known);
            anchor::value(
                out,
                &used.node,
                format!("`{}` is not a Lambda runtime{hint}", used.name),
            );
        }
    }
}

/// Whether `name` follows the pattern of a runtime family with a version plausibly
/// released after the table: `python3.N`, `nodejsN.x`, `javaN`, `dotnetN`, `rubyN.M`,
/// `provided.al20YY`.
fn plausibly_newer(name: &str) -> bool {
    let number = |s: &str, max: u32| s.parse::<u32>().ok().filter(|n| *n <= max);
    let canonical = |s: &str| !s.starts_with('0') || s == "0";
    let version = |s: &str, max: u32| canonical(s) && number(s, max).is_some();
    if let Some(minor) = name.strip_prefix("python3.") {
        return version(minor, 40);
    }
    if let Some(major) = name
        .strip_prefix("nodejs")
        .and_then(|s| s.strip_suffix(".x"))
    {
        return version(major, 60);
    }
    if let Some(major) = name.strip_prefix("java") {
        return version(major, 60);
    }
    if let Some(major) = name.strip_prefix("dotnet") {
        return version(major, 30);
    }
    if let Some((major, minor)) = name.strip_prefix("ruby").and_then(|s| s.split_once('.')) {
        return version(major, 9) && version(minor, 20);
    }
    if let Some(year) = name.strip_prefix("provided.al") {
        return year.len() == 4 && number(year, 2040).is_some_and(|y| y >= 2023);
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::test_support::render_rule;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render_rule("TPL019", "tests/fixtures/tpl019.yaml"));
    }

    #[test]
    fn newer_versions_of_known_families_pass() {
        for name in [
            "python3.15",
            "nodejs26.x",
            "java29",
            "dotnet12",
            "ruby4.1",
            "provided.al2028",
        ] {
            assert!(super::plausibly_newer(name), "{name}");
        }
        for name in [
            "provided.al2023023",
            "python3.012",
            "nodejs26",
            "Python3.15",
            "go1.x",
            "rust",
        ] {
            assert!(!super::plausibly_newer(name), "{name}");
        }
    }
}
