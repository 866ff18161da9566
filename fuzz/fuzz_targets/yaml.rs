#![no_main]
//! The loader (`preflight_template::fuzz::load_yaml`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| preflight_template::fuzz::load_yaml(data));
