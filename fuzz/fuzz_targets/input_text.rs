//! `larkerr::input::text`: the check every command's input (a file or stdin) goes
//! through: size limit, UTF-16 and binary detection, UTF-8, a byte-order mark, emptiness.
//!
//! Input: the bytes as read.
//!
//! Properties:
//! - text that passes is the input itself, less one leading UTF-8 byte-order mark:
//!   UTF-8, without NUL bytes, not blank, within `MAX_INPUT`;
//! - each refusal is true of the input: `Utf16` has a UTF-16 byte-order mark of that
//!   order or the NUL bytes of ASCII text in UTF-16 on that side of every pair of its
//!   first 512 bytes; `Binary` a NUL; `NotUtf8(at)` its first invalid byte at `at`;
//!   `Empty` only blank text after the mark; and says so in one line;
//! - a UTF-8 byte-order mark in front changes nothing for text that passes.
#![no_main]

use larkerr::input::{self, InputError, MAX_INPUT};
use libfuzzer_sys::fuzz_target;

const BOM: &[u8] = "\u{feff}".as_bytes();

fuzz_target!(|data: &[u8]| {
    match input::text(data.to_vec()) {
        Ok(text) => {
            let unmarked = data.strip_prefix(BOM).unwrap_or(data);
            assert_eq!(text.as_bytes(), unmarked, "the text is not the input");
            assert!(!data.contains(&0) && !text.trim().is_empty());
            assert!(data.len() as u64 <= MAX_INPUT);
            if !data.starts_with(BOM) {
                let marked = [BOM, data].concat();
                assert_eq!(input::text(marked).ok(), Some(text), "a byte-order mark changed it");
            }
        }
        Err(e) => {
            let line = e.to_string();
            assert!(!line.is_empty() && !line.contains('\n'), "{line:?}");
            match &e {
                InputError::TooLarge => assert!(data.len() as u64 > MAX_INPUT),
                InputError::Utf16 { little_endian } => {
                    let bom = if *little_endian { [0xFF, 0xFE] } else { [0xFE, 0xFF] };
                    let head = &data[..data.len().min(512) & !1];
                    let side = usize::from(*little_endian);
                    let ascii = head.len() >= 4
                        && head.chunks_exact(2).all(|p| p[side] == 0 && p[1 - side] != 0);
                    assert!(data.starts_with(&bom) || ascii, "not UTF-16: {data:?}");
                }
                InputError::Binary => assert!(data.contains(&0)),
                InputError::NotUtf8(at) => {
                    let err = std::str::from_utf8(data).expect_err("valid UTF-8 refused");
                    assert_eq!(err.valid_up_to(), *at);
                }
                InputError::Empty => {
                    let unmarked = data.strip_prefix(BOM).unwrap_or(data);
                    let text = std::str::from_utf8(unmarked).expect("blank text is text");
                    assert!(text.trim().is_empty(), "{text:?} is not empty");
                }
                InputError::Unreadable { .. } | InputError::Terminal => {
                    panic!("no file or terminal here: {e}")
                }
            }
        }
    }
});
