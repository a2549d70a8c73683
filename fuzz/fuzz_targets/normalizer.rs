#![no_main]
//! cargo-fuzz target: see `plansearch_fuzz::normalizer` for what must hold.

libfuzzer_sys::fuzz_target!(|data: &[u8]| plansearch_fuzz::normalizer(data));
