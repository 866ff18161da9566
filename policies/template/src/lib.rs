//! Built-in policy `template`: structural checks that need no AWS account, made on the
//! template as written (SAM before the transform).

mod rules;

use preflight_policy::declare_policy;

declare_policy! {
    /// The `template` policy: references, parameters, outputs, SAM function settings,
    /// runtimes and dependencies.
    pub struct TemplatePolicy {
        id: "template",
        version: env!("CARGO_PKG_VERSION"),
        description: "Structural checks of CloudFormation and SAM templates: every reference resolves, \
            parameters are used, outputs are valid, SAM functions are complete, runtimes are supported \
            and DependsOn has no cycles.",
        rules: [
            rules::tpl001_reference_target_exists::ReferenceTargetExists,
        ],
    }
}

#[cfg(target_arch = "wasm32")]
preflight_policy::export_policy!(TemplatePolicy);
