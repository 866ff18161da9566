//! The rules of the `template` policy, one per module. Adding a rule: write its module,
//! add its fixture and snapshot test, and add one line to the registry in `lib.rs`.

pub mod tpl001_reference_target_exists;
