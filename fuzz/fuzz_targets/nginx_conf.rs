//! Fuzz target for the nginx.conf reader (`sources::nginx::parse_str`: tokenizer, block parser
//! and fact collection): any text must yield the facts or an error naming `file:line`, never a
//! panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rizk_scale::sources::nginx::parse_str;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new("fuzz/nginx.conf");
    match parse_str(file, text) {
        Ok(conf) => {
            for location in &conf.locations {
                let _ = format!("{location:?}");
            }
            assert_eq!(conf.files.len(), 1);
        }
        Err(e) => {
            let message = e.to_string();
            assert!(message.starts_with("fuzz/nginx.conf:"), "{message}");
            let lines = text.split('\n').count();
            let line: usize = message["fuzz/nginx.conf:".len()..]
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("no line number: {message}"));
            assert!(line >= 1 && line <= lines + 1, "{message} ({lines} lines)");
        }
    }
});
