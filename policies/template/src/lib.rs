//! Built-in policy `template`: structural checks that need no AWS account, made on the
//! template as written (SAM before the transform).
//!
//! Settings (all optional): `today` (`YYYY-MM-DD`, the date runtime deprecations are
//! judged against; default: the clock), `runtime_warning_days` (how long before a
//! runtime's deprecation to start reporting it, at info severity; default 90), and the
//! SDK's `disable` list of rule ids.

mod anchor;
mod date;
mod rules;
mod runtimes;
mod sam;
mod suggest;
mod walk;

use preflight_policy::declare_policy;

declare_policy! {
    /// The `template` policy: references, parameters, outputs, SAM function settings,
    /// runtimes and dependencies.
    pub struct TemplatePolicy {
        id: "template",
        version: env!("CARGO_PKG_VERSION"),
        description: "Structural checks of CloudFormation and SAM templates, before the SAM transform: \
            sections, resources and parameters are well-formed, every reference, condition, mapping and \
            DependsOn target resolves, intrinsic functions get the right arguments, outputs are valid, \
            SAM functions and Globals are complete and supported, runtimes are not deprecated, and \
            resources have no circular dependencies.",
        rules: [
            rules::tpl001_reference_target_exists::ReferenceTargetExists,
            rules::tpl002_depends_on_target_exists::DependsOnTargetExists,
            rules::tpl003_condition_exists::ConditionExists,
            rules::tpl004_unused_parameter::UnusedParameter,
            rules::tpl005_valid_outputs::ValidOutputs,
            rules::tpl006_function_complete::FunctionComplete,
            rules::tpl007_deprecated_runtime::DeprecatedRuntime,
            rules::tpl008_circular_dependency::CircularDependency,
            rules::tpl009_intrinsic_arguments::IntrinsicArguments,
            rules::tpl010_sam_transform_declared::SamTransformDeclared,
            rules::tpl011_resource_definition::ResourceDefinition,
            rules::tpl012_template_structure::TemplateStructure,
            rules::tpl013_sam_globals_valid::SamGlobalsValid,
            rules::tpl014_unused_condition::UnusedCondition,
            rules::tpl015_mapping_entry_exists::MappingEntryExists,
            rules::tpl016_logical_id_format::LogicalIdFormat,
            rules::tpl017_parameter_definition::ParameterDefinition,
            rules::tpl018_redundant_depends_on::RedundantDependsOn,
            rules::tpl019_known_runtime::KnownRuntime,
            rules::tpl020_preprocessor_function::PreprocessorFunction,
        ],
    }
}

#[cfg(target_arch = "wasm32")]
preflight_policy::export_policy!(TemplatePolicy);

/// Snapshot helpers: run the whole policy on a fixture and keep one rule's findings and
/// status, so that each rule's snapshot shows that rule only.
#[cfg(test)]
pub(crate) mod test_support {
    use preflight_policy::testing::run_file_with;
    use serde_json::{Value, json};

    use crate::TemplatePolicy;

    /// The rendered findings of `rule` on `fixture`, with empty settings.
    pub fn render_rule(rule: &str, fixture: &str) -> String {
        render_rule_with(rule, fixture, json!({}))
    }

    /// The rendered findings of `rule` on `fixture`, with `settings`.
    pub fn render_rule_with(rule: &str, fixture: &str, settings: Value) -> String {
        let mut outcome = run_file_with::<TemplatePolicy>(fixture, settings);
        outcome.report.findings.retain(|f| f.rule == rule);
        outcome.report.rules.retain(|r| r.rule == rule);
        assert_eq!(outcome.report.rules.len(), 1, "rule {rule} is registered");
        outcome.render()
    }
}
