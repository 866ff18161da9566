#![no_main]
//! The host side of the policy boundary: what the sandbox accepts of a report a guest
//! returns (`preflight_policy::contract::fuzz`), checked against the loader's reading
//! of a pointer.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    preflight_policy::contract::fuzz(data, |p| preflight_template::parse_pointer(p).is_ok())
});
