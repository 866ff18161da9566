//! The rules of the `schema` policy, one per module. Adding a rule: write its module,
//! add its fixture and snapshot test, and add one line to the registry in `lib.rs`.
//! Rules over the schema walk (`validate.rs`) keep the violations of their kind.

pub mod sch001_resource_type_exists;
pub mod sch002_unknown_property;
pub mod sch003_required_property;
pub mod sch004_value_type;
pub mod sch005_allowed_value;
pub mod sch006_value_range;
pub mod sch007_value_pattern;
pub mod sch008_read_only_property;
pub mod sch009_getatt_attribute_exists;
pub mod sch010_intrinsic_result_type;
pub mod sch011_iam_action_exists;
pub mod sch012_iam_condition_operator;
pub mod sch013_iam_resource_arn;
