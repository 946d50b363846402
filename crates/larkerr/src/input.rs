//! Reading a command's input (a file or stdin) with the limits every command shares:
//! at most [`MAX_INPUT`] bytes, not empty, text (UTF-8 without NUL bytes).

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
            InputError::NotUtf8(at) => write!(f, "the input is not UTF-8 text (byte {at})"),
        }
    }
}

/// Reads the whole input: `path`, or stdin when it is `None` or `-`.
pub fn read_text(path: Option<&Path>) -> Result<String, InputError> {
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
    text(bytes)
}

/// Reads at most one byte more than [`MAX_INPUT`], so that a larger input is noticed
/// without reading all of it.
fn read_limited(reader: impl Read) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(MAX_INPUT + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Checks that `bytes` is usable text.
pub fn text(bytes: Vec<u8>) -> Result<String, InputError> {
    if bytes.len() as u64 > MAX_INPUT {
        return Err(InputError::TooLarge);
    }
    if bytes.contains(&0) {
        return Err(InputError::Binary);
    }
    let text =
        String::from_utf8(bytes).map_err(|e| InputError::NotUtf8(e.utf8_error().valid_up_to()))?;
    if text.trim().is_empty() {
        return Err(InputError::Empty);
    }
    Ok(text)
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
    }
}
