//! Fuzz target for the config-file parser (`config::parse`): any text must yield a config or an
//! error, never a panic, and an error is one line that names the file.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rizk_scale::config::parse;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = parse(Path::new("fuzz/rizk-scale.toml"), text.to_string()) {
        let message = format!("{e:#}");
        assert!(!message.is_empty());
        assert!(message.contains("fuzz/rizk-scale.toml"), "{message}");
        assert!(!message.contains('\n'), "an error is one line: {message}");
    }
});
