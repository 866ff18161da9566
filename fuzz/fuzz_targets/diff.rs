#![no_main]
//! The security diff (`preflight_policy::diff::fuzz`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| preflight_policy::diff::fuzz(data));
