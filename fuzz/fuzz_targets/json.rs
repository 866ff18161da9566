#![no_main]
//! The loader (`preflight_template::fuzz::load_json`).
//!
//! The loader catches panics of its YAML compatibility parser (libyaml-safer) by
//! design; libFuzzer's panic hook would abort on them, so the loader's own quiet hook
//! goes on top, as the binary installs it.
libfuzzer_sys::fuzz_target!(
    init: preflight_template::quiet_compat_parser_panics(),
    |data: &[u8]| preflight_template::fuzz::load_json(data)
);
