#![no_main]
//! The loader (`preflight_template::fuzz::locate`).
libfuzzer_sys::fuzz_target!(|data: &[u8]| preflight_template::fuzz::locate(data));
