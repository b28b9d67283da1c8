#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| flourish_fuzz::search(data));
