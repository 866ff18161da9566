//! The rules of the `template` policy, one per module. Adding a rule: write its module,
//! add its fixture and snapshot test, and add one line to the registry in `lib.rs`.

pub mod tpl001_reference_target_exists;
pub mod tpl002_depends_on_target_exists;
pub mod tpl003_condition_exists;
pub mod tpl004_unused_parameter;
pub mod tpl005_valid_outputs;
pub mod tpl006_function_complete;
pub mod tpl007_deprecated_runtime;
pub mod tpl008_circular_dependency;
pub mod tpl009_intrinsic_arguments;
