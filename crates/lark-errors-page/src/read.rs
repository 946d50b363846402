//! Reading pages from disk, bounded: the one reader every page goes through.
//!
//! A page is markdown of a few hundred kilobytes at most; [`read_page`] refuses
//! anything larger than [`MAX_PAGE_BYTES`] after reading at most one byte more, so
//! `/dev/zero`, a log file passed by mistake or a huge download fails at once with a
//! [`PageError`] naming the file, instead of filling memory.
//!
//! ```
//! use lark_errors_page::read::{PageError, read_page};
//!
//! let err = read_page("/nonexistent/page.md".as_ref()).unwrap_err();
//! assert!(matches!(err, PageError::Io { .. }));
//! assert!(err.to_string().starts_with("/nonexistent/page.md: "));
//! ```

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest page [`read_page`] accepts, in bytes (8 MiB: the vendored pages are at
/// most a few hundred kilobytes).
pub const MAX_PAGE_BYTES: u64 = 8 * 1024 * 1024;

/// How deep [`crate::api::read_api_pages`] descends into a folder of pages.
pub const MAX_DEPTH: usize = 32;

/// The most bytes [`crate::api::read_api_pages`] reads from one folder, over all its
/// pages (256 MiB: the vendored folder is about 10 MiB), so memory stays bounded
/// whatever the folder holds.
pub const MAX_FOLDER_BYTES: u64 = 256 * 1024 * 1024;

/// The most pages (`.md` files) [`crate::api::read_api_pages`] reads from one folder
/// (16,384: the vendored folder has 1,597). Counted while the folder is listed, so a
/// folder of millions of files fails before any of them is read.
pub const MAX_FOLDER_PAGES: usize = 16_384;

/// The bounds of [`crate::api::read_api_pages_limited`]; the default is
/// [`MAX_FOLDER_BYTES`] and [`MAX_FOLDER_PAGES`]. Each page is also at most
/// [`MAX_PAGE_BYTES`].
///
/// ```
/// use lark_errors_page::read::{FolderLimits, MAX_FOLDER_PAGES};
/// assert_eq!(FolderLimits::default().pages, MAX_FOLDER_PAGES);
/// let small = FolderLimits { bytes: 1024, pages: 10 };
/// assert!(small.bytes < FolderLimits::default().bytes);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderLimits {
    /// The most bytes read over all pages.
    pub bytes: u64,
    /// The most pages.
    pub pages: usize,
}

impl Default for FolderLimits {
    fn default() -> Self {
        FolderLimits { bytes: MAX_FOLDER_BYTES, pages: MAX_FOLDER_PAGES }
    }
}

/// Why a page (or a folder of pages) could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum PageError {
    /// The file could not be opened or read (missing, a directory, no permission).
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        error: std::io::Error,
    },
    /// The file is larger than the limit.
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The file is not UTF-8 text.
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// A folder of pages nests deeper than [`MAX_DEPTH`].
    TooDeep {
        /// The folder at the limit.
        path: PathBuf,
    },
    /// A folder's pages together are larger than [`MAX_FOLDER_BYTES`] (or the limit
    /// given).
    FolderTooLarge {
        /// The folder.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A folder holds more pages than [`MAX_FOLDER_PAGES`] (or the limit given).
    TooManyPages {
        /// The folder.
        path: PathBuf,
        /// The limit, in pages.
        limit: usize,
    },
    /// A folder holds no page (no `.md` file at any depth).
    NoPages {
        /// The folder.
        path: PathBuf,
    },
}

impl PageError {
    /// The file or folder the error is about.
    pub fn path(&self) -> &Path {
        match self {
            PageError::Io { path, .. }
            | PageError::TooLarge { path, .. }
            | PageError::NotUtf8 { path, .. }
            | PageError::TooDeep { path }
            | PageError::FolderTooLarge { path, .. }
            | PageError::TooManyPages { path, .. }
            | PageError::NoPages { path } => path,
        }
    }
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path().display();
        match self {
            PageError::Io { error, .. } => write!(f, "{path}: {error}"),
            PageError::TooLarge { limit, .. } => {
                write!(f, "{path}: larger than {}, not a page", Bytes(*limit))
            }
            PageError::NotUtf8 { offset, .. } => {
                write!(f, "{path}: not UTF-8 text (invalid byte at offset {offset})")
            }
            PageError::TooDeep { .. } => {
                write!(f, "{path}: folders nest deeper than {MAX_DEPTH} levels")
            }
            PageError::FolderTooLarge { limit, .. } => {
                write!(f, "{path}: its pages are larger than {} together", Bytes(*limit))
            }
            PageError::TooManyPages { limit, .. } => {
                write!(f, "{path}: more than {limit} pages (`.md` files), not a folder of pages")
            }
            PageError::NoPages { .. } => {
                write!(f, "{path}: a folder without any page (no `.md` file)")
            }
        }
    }
}

/// A size in bytes as people read it: `8 MiB` when a whole number of MiB, else bytes.
struct Bytes(u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MIB: u64 = 1024 * 1024;
        if self.0 >= MIB && self.0 % MIB == 0 {
            write!(f, "{} MiB", self.0 / MIB)
        } else {
            write!(f, "{} bytes", self.0)
        }
    }
}

impl std::error::Error for PageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PageError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Reads a whole page as UTF-8 text, refusing files larger than [`MAX_PAGE_BYTES`].
pub fn read_page(path: &Path) -> Result<String, PageError> {
    read_page_limited(path, MAX_PAGE_BYTES)
}

/// [`read_page`] with another limit, in bytes.
///
/// ```
/// use lark_errors_page::read::{PageError, read_page_limited};
///
/// # #[cfg(unix)] {
/// let err = read_page_limited("/dev/zero".as_ref(), 1024).unwrap_err();
/// assert!(matches!(err, PageError::TooLarge { limit: 1024, .. }));
/// # }
/// ```
pub fn read_page_limited(path: &Path, limit: u64) -> Result<String, PageError> {
    let io = |error| PageError::Io { path: path.to_owned(), error };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(PageError::TooLarge { path: path.to_owned(), limit });
    }
    String::from_utf8(bytes).map_err(|e| PageError::NotUtf8 {
        path: path.to_owned(),
        offset: e.utf8_error().valid_up_to(),
    })
}
