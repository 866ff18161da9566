//! Bindings generated from `wit/policy.wit`. Policy authors use [`crate::export_policy!`]
//! rather than these.

// Generated code: the `input` record lifts into a function with one argument per field.
#![allow(clippy::too_many_arguments)]

wit_bindgen::generate!({
    world: "policy",
    path: "wit",
    pub_export_macro: true,
    export_macro_name: "__export_policy_world",
    default_bindings_module: "preflight_policy::bindings",
});
