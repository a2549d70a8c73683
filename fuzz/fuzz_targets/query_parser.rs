#![no_main]
//! cargo-fuzz target: see `plansearch_fuzz::query_parser` for what must hold.

libfuzzer_sys::fuzz_target!(|data: &[u8]| plansearch_fuzz::query_parser(data));
