//! Host-side bindings of the `policy` world (`guest/wit/policy.wit`).

wasmtime::component::bindgen!({
    world: "policy",
    path: "../guest/wit",
});
