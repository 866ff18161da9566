#![no_main]
//! `preflight.toml` (`preflight_config::fuzz::parse`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| preflight_config::fuzz::parse(data));
