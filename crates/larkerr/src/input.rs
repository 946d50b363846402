//! Reading a command's input (a file or stdin) with the limits every command shares:
//! at most [`MAX_INPUT`] bytes, not empty (unless the command can do without it), text
//! (UTF-8 without NUL bytes; a leading byte-order mark is dropped).

use std::fmt;
use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};

/// The largest input read: 16 MiB. Error responses are small; anything larger is a
/// mistake (a log archive, a binary), and reading it all would only cost memory.
pub const MAX_INPUT: u64 = 16 * 1024 * 1024;

/// Why an input could not be used. Each renders as one line.
#[derive(Debug)]
pub enum InputError {
    /// The file could not be opened or read.
    Unreadable {
        /// The file (`None` for stdin).
        path: Option<PathBuf>,
        /// Why.
        error: io::Error,
    },
    /// Stdin is a terminal: nothing was piped in.
    Terminal,
    /// The input is empty (or only whitespace).
    Empty,
    /// The input is larger than [`MAX_INPUT`].
    TooLarge,
    /// The input contains NUL bytes.
    Binary,
    /// The input is UTF-16 text (a UTF-16 byte-order mark, or the NUL byte of every
    /// other byte that ASCII text in UTF-16 has); whether little-endian.
    Utf16 {
        /// Little-endian (`FF FE`, what Windows tools write) rather than big-endian.
        little_endian: bool,
    },
    /// The input is not UTF-8; the offset of the first bad byte.
    NotUtf8(usize),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Unreadable { path: Some(path), error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            InputError::Unreadable { path: None, error } => write!(f, "cannot read stdin: {error}"),
            InputError::Terminal => f.write_str(
                "no input: give a FILE, or pipe a response body or `curl -i` output into stdin",
            ),
            InputError::Empty => f.write_str("the input is empty"),
            InputError::TooLarge => {
                write!(f, "the input is larger than {} MiB", MAX_INPUT / (1024 * 1024))
            }
            InputError::Binary => f.write_str("the input is binary (it contains NUL bytes)"),
            InputError::Utf16 { little_endian } => {
                let (order, from) = if *little_endian { ("little", "LE") } else { ("big", "BE") };
                write!(
                    f,
                    "the input is UTF-16 ({order}-endian) text, not UTF-8: convert it first, \
                     e.g. `iconv -f UTF-16{from} -t UTF-8`"
                )
            }
            InputError::NotUtf8(at) => write!(f, "the input is not UTF-8 text (byte {at})"),
        }
    }
}

/// Reads the whole input: `path`, or stdin when it is `None` or `-`. An empty input is
/// an error unless `allow_empty` (a command that has other evidence, such as an HTTP
/// status given as an option).
pub fn read_text(path: Option<&Path>, allow_empty: bool) -> Result<String, InputError> {
    let path = path.filter(|p| p.as_os_str() != "-");
    let bytes = match path {
        Some(path) => {
            let unreadable = |error| InputError::Unreadable { path: Some(path.to_owned()), error };
            let file = File::open(path).map_err(unreadable)?;
            read_limited(file).map_err(unreadable)?
        }
        None => {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                return Err(InputError::Terminal);
            }
            read_limited(stdin.lock())
                .map_err(|error| InputError::Unreadable { path: None, error })?
        }
    };
    match text(bytes) {
        Err(InputError::Empty) if allow_empty => Ok(String::new()),
        result => result,
    }
}

/// Reads at most one byte more than [`MAX_INPUT`], so that a larger input is noticed
/// without reading all of it.
fn read_limited(reader: impl Read) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(MAX_INPUT + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Checks that `bytes` is usable text: at most [`MAX_INPUT`] bytes, not UTF-16, no NUL,
/// UTF-8, not blank; a leading UTF-8 byte-order mark is dropped.
///
/// ```
/// use larkerr::input::{text, InputError};
///
/// assert_eq!(text(b"\xef\xbb\xbf{\"code\":1}".to_vec()).unwrap(), "{\"code\":1}");
/// let utf16: Vec<u8> = "{}\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
/// assert!(matches!(text(utf16), Err(InputError::Utf16 { little_endian: true })));
/// assert!(matches!(text(b"ok \xff".to_vec()), Err(InputError::NotUtf8(3))));
/// ```
pub fn text(bytes: Vec<u8>) -> Result<String, InputError> {
    if bytes.len() as u64 > MAX_INPUT {
        return Err(InputError::TooLarge);
    }
    if let Some(little_endian) = utf16(&bytes) {
        return Err(InputError::Utf16 { little_endian });
    }
    if bytes.contains(&0) {
        return Err(InputError::Binary);
    }
    let mut text =
        String::from_utf8(bytes).map_err(|e| InputError::NotUtf8(e.utf8_error().valid_up_to()))?;
    // A UTF-8 byte-order mark (Windows editors write one) says nothing about the content.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    if text.trim().is_empty() {
        return Err(InputError::Empty);
    }
    Ok(text)
}

/// Whether `bytes` look like UTF-16, and if so whether little-endian: a UTF-16
/// byte-order mark, or (ASCII text in UTF-16) a NUL in every pair of the first 512 bytes,
/// always on the same side.
fn utf16(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0xFF, 0xFE, ..] => return Some(true),
        [0xFE, 0xFF, ..] => return Some(false),
        _ => {}
    }
    let head = &bytes[..bytes.len().min(512) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.chunks_exact(2);
    if pairs.clone().all(|p| p[1] == 0 && p[0] != 0) {
        Some(true)
    } else if pairs.clone().all(|p| p[0] == 0 && p[1] != 0) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert!(matches!(text(b"  \n".to_vec()), Err(InputError::Empty)));
        assert!(matches!(text(b"{\0}".to_vec()), Err(InputError::Binary)));
        assert!(matches!(text(b"ok \xff".to_vec()), Err(InputError::NotUtf8(3))));
        let big = vec![b' '; MAX_INPUT as usize + 1];
        assert!(matches!(text(big), Err(InputError::TooLarge)));
        assert_eq!(text(b"{}".to_vec()).unwrap(), "{}");
        assert_eq!(text(b"\xef\xbb\xbf{}".to_vec()).unwrap(), "{}");
    }

    #[test]
    fn utf16_is_named() {
        let le: Vec<u8> = "{\"code\":1}".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = "{\"code\":1}".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(matches!(text(le.clone()), Err(InputError::Utf16 { little_endian: true })));
        assert!(matches!(text(be), Err(InputError::Utf16 { little_endian: false })));
        let bom = [&[0xFF, 0xFE][..], &le].concat();
        assert!(matches!(text(bom), Err(InputError::Utf16 { little_endian: true })));
        // A stray NUL is binary, not UTF-16.
        assert!(matches!(text(b"{\"code\":\0}".to_vec()), Err(InputError::Binary)));
        assert!(matches!(text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()), Err(InputError::Binary)));
    }
}
