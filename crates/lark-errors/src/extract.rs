//! Finding Feishu / Lark error codes in log text of any shape.
//!
//! Logs carry the platform's errors as JSON bodies (`{"code":99991400,"msg":"..."}`,
//! also escaped inside another JSON string), `key=value` pairs (`code=99991663
//! msg="..."`), `code: 99991672`, Go structs (`{Code:99991663 Msg:...}`) and the Go
//! SDK's error text (`msg:...,code:99991663`). This module decides which numbers in such
//! text are Feishu error codes and which `msg` goes with each; it does no I/O of its own
//! beyond reading from a caller's [`Read`](std::io::Read). The rules are in [`RULES`], which
//! `larkerr scan --help` prints.
//!
//! - [`codes`]: every counting code in a piece of text;
//! - [`Scanner`]: the same over a stream of any size, in constant memory, with line
//!   numbers, timestamps and one count per code per line;
//! - [`counts`]: whether a code found next to (or without) a msg counts;
//!
//! ```
//! use lark_errors::extract;
//!
//! let line = br#"2025-03-01T08:00:00Z ERROR status_code=429 body={"code":99991400,"msg":"request trigger frequency limit"}"#;
//! let found: Vec<_> = extract::codes(line).collect();
//! assert_eq!(found.len(), 1); // status_code=429 is not a Feishu code
//! assert_eq!(found[0].code, 99991400);
//! assert_eq!(found[0].msg.unwrap().decode(), "request trigger frequency limit");
//! ```

mod buffer;
mod key;
mod msg;
mod scanner;
mod time;
mod unescape;

#[cfg(test)]
mod tests;

pub use key::{Found, codes};
pub use msg::{Msg, Quoting};
pub use scanner::{Hit, Scanner, Summary};
pub use time::Timestamp;

/// The detection rules in words, as `larkerr scan --help` prints them.
pub const RULES: &str = "\
Detection rules (lark_errors::extract):
  * Key: exactly `code` or `Code`, not preceded or followed by a letter, digit, `_` or
    `-`. So `\"code\"`, `code=`, `resp.code:` and `{Code:` count; `status_code`,
    `error_code`, `errcode`, `http-code`, `codes`, `code_id` and `CODE` do not.
  * Then: an optional closing quote, optional spaces, `:` `=` or `=>`, optional spaces,
    an optional quote (`\"` `'` or an escaped `\\\"`), and 1 to 10 digits without a
    leading zero that fit in 32 bits. A quoted value needs its closing quote; a bare one
    must not go on with a letter, digit, `_`, `-`, or `.`/`,` and a digit
    (`code=1.5`, `code=200ms` do not count).
  * Code 0 (success) never counts.
  * A code documented in the catalog (the generic page or any API page) counts on its
    own, msg or not (600, 1002, 1500 ... are documented Feishu codes).
  * An undocumented code counts only next to a non-empty msg, and is reported as not in
    the catalog, with a heuristic diagnosis from the msg's words.
  * Undocumented codes 100-599 never count: they are HTTP statuses.
  * The msg: a `msg` or `Msg` key (same boundary rules: not `error_msg`, `msg_id`)
    starting within 128 bytes after the code's value on the same line; or first on the
    next line when the value and a `,` end their line (pretty-printed JSON); or the Go
    SDK's error text `msg:<text>,code:<n>`. A msg placed before the code in any other
    form (a logger's own `\"msg\"` field) is not the error's msg.
  * The msg's value: a JSON string (escapes decoded, also one nested in an escaped
    JSON string), a '...' string, or bare text up to the end of the line, a `\"` or
    `}`, or the next `key:` / `key=`; at most 256 bytes of it are kept.
  * A code repeated on one line counts once.
  * Timestamps: the first `YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DD HH:MM:SS` or
    `YYYY/MM/DD HH:MM:SS` (optional fraction) in the first 1 KiB of the line. A `Z` or
    `+08:00` / `+0800` offset is converted to UTC; a time without one is taken as
    written.
  * Input: read in chunks, any line length, invalid UTF-8 tolerated (msgs decoded
    lossily); a NUL byte marks binary data: the rest of that input is skipped.";

/// How far after the end of a code's value its `msg` key may start, in bytes.
pub(crate) const MSG_WINDOW: usize = 128;

/// The most raw bytes of a msg value kept; longer values are cut.
pub(crate) const MAX_MSG_LEN: usize = 256;

/// How many bytes from a line's start are searched for its timestamp.
pub(crate) const TIMESTAMP_WINDOW: usize = 1024;

/// Spaces or tabs tolerated on each side of a separator.
const MAX_SPACES: usize = 8;

/// A hit of an example: `(code, msg, timestamp)`.
#[cfg(test)]
pub(crate) type ExampleHit = (u32, Option<&'static str>, Option<&'static str>);

/// One example per rule of [`RULES`] (named by the start of its bullet): a log and the
/// hits a [`Scanner`] reports for it, as `(code, msg, timestamp)`. A test runs each
/// through the scanner, and checks that every bullet has an example.
#[cfg(test)]
pub(crate) const RULE_EXAMPLES: &[(&str, &str, &[ExampleHit])] = &[
    (
        "Key:",
        "{\"code\":99991400} status_code=99991663 error_code=99991663 errcode=99991663 \
         http-code=99991663 codes=99991663 code_id=99991663 CODE=99991663\n\
         resp.code: 99991672\n{Code:99991663 Msg:x}\n",
        &[(99991400, None, None), (99991672, None, None), (99991663, Some("x"), None)],
    ),
    (
        "Then:",
        "code => \"99991663\"\ncode='99991400'\ncode=1.5 code=200ms code=099991663 \
         code=\"99991663 code=99991400000\n",
        &[(99991663, None, None), (99991400, None, None)],
    ),
    ("Code 0", "{\"code\":0,\"msg\":\"success\"}\n", &[]),
    ("A code documented", "code=1500\n", &[(1500, None, None)]),
    (
        "An undocumented code",
        "code=7777001 msg=\"chat not found\"\ncode=7777001\n",
        &[(7777001, Some("chat not found"), None)],
    ),
    ("Undocumented codes 100-599", "code=404 msg=\"not found\"\n", &[]),
    (
        "The msg:",
        "{\"msg\":\"logger says\",\"code\":7777001}\nmsg:no such app,code:1254040\n\
         {\n  \"code\": 230002,\n  \"msg\": \"next line\"\n}\n",
        &[(1254040, Some("no such app"), None), (230002, Some("next line"), None)],
    ),
    (
        "The msg's value:",
        "body=\"{\\\"code\\\":230001,\\\"msg\\\":\\\"bad \\\\u4f60\\\"}\"\n\
         code=230002 msg='single quoted'\ncode=230003 msg=bare text next=1\n",
        &[
            (230001, Some("bad 你"), None),
            (230002, Some("single quoted"), None),
            (230003, Some("bare text"), None),
        ],
    ),
    ("A code repeated", "code=99991400 {\"code\":99991400}\n", &[(99991400, None, None)]),
    (
        "Timestamps:",
        "2025-03-01T16:00:00+08:00 code=99991400\n[2025/03/01 08:00:01.5] code=99991663\n",
        &[
            (99991400, None, Some("2025-03-01T08:00:00")),
            (99991663, None, Some("2025-03-01T08:00:01")),
        ],
    ),
    ("Input:", "code=99991400\n\u{0}code=99991663\n", &[(99991400, None, None)]),
];

/// Whether a code found in a log counts as a Feishu error code, given whether a msg was
/// found next to it. See [`RULES`].
///
/// ```
/// use lark_errors::extract::counts;
///
/// assert!(counts(99991400, false)); // documented: counts on its own
/// assert!(counts(600, false)); // documented, though it looks small
/// assert!(!counts(0, true)); // success
/// assert!(!counts(404, true)); // an HTTP status
/// assert!(counts(230001, false)); // documented on API pages only: counts on its own
/// assert!(!counts(7777001, false)); // undocumented, no msg
/// assert!(counts(7777001, true)); // undocumented, next to a msg
/// ```
pub fn counts(code: u32, has_msg: bool) -> bool {
    if code == 0 {
        return false;
    }
    if crate::is_documented(code) {
        return true;
    }
    has_msg && !(100..=599).contains(&code)
}

/// The number of `\n` bytes in `bytes`, counted with memchr's vectorised count.
pub(crate) fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}
