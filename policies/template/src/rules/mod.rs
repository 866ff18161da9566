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
pub mod tpl010_sam_transform_declared;
pub mod tpl011_resource_definition;
pub mod tpl012_template_structure;
pub mod tpl013_sam_globals_valid;
pub mod tpl014_unused_condition;
pub mod tpl015_mapping_entry_exists;
pub mod tpl016_logical_id_format;
pub mod tpl017_parameter_definition;
pub mod tpl018_redundant_depends_on;
pub mod tpl019_known_runtime;
pub mod tpl020_preprocessor_function;
