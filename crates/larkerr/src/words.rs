//! The library's decisions in words a person reads: phrases only, no decisions. The
//! category, action, token, basis and advice language all come from lark-errors.

use lark_errors::catalog::{AdviceChoice, Language};
use lark_errors::diagnose::Basis;
use lark_errors::{Action, Category, TokenKind};

use crate::output::Tone;

/// What to do, naming the token where the action is about one: "refresh the
/// tenant_access_token and retry once" rather than "refresh the access token ...".
pub fn action(action: Action, token: Option<TokenKind>) -> String {
    match (action, token) {
        (Action::RefreshToken, Some(token)) => format!("refresh the {token} and retry once"),
        (action, _) => action.describe().to_owned(),
    }
}

/// A category in words, with its JSON name where the words differ from it:
/// "rate limited (rate_limited)", "conflict".
pub fn category(category: Category) -> Vec<(String, Tone)> {
    let mut value = vec![(category.describe().to_owned(), Tone::Plain)];
    if category.describe() != category.as_str() {
        value.push((format!(" ({category})"), Tone::Dim));
    }
    value
}

/// Whether to send the request again, in words.
pub fn retryable(action: Action) -> &'static str {
    match action {
        Action::RefreshToken => "once, with a fresh token",
        Action::RetrySerially => "yes, without parallel calls on the same resource",
        Action::WaitAndRetry => "yes, after the rate limit resets",
        a if a.is_retryable() => "yes, with backoff",
        _ => "no: the same request will fail again",
    }
}

/// What a diagnosis rests on, in words.
pub fn basis(basis: Basis) -> &'static str {
    match basis {
        Basis::Success => "not an error",
        Basis::Catalog => "documented code",
        Basis::Wrapped => "documented code found inside the message",
        Basis::Challenge => "the platform asks the user to complete a login or MFA challenge",
        Basis::Violations => "undocumented code; decided from the error's violations",
        Basis::MessageWords => "undocumented code; decided from words in the message",
        Basis::HttpStatus => "no usable code; decided from the HTTP status",
        _ => "nothing to decide from",
    }
}

/// The note shown when the advice is not in the language asked for
/// ([`lark_errors::Entry::advice_for`] decides which language is shown).
pub fn advice_note(choice: &AdviceChoice) -> Option<&'static str> {
    match (choice.fell_back, choice.language) {
        (false, _) => None,
        (true, Language::Zh) => Some("no English advice on the Lark page; showing the Chinese"),
        (true, _) => Some("no Chinese advice; showing the English"),
    }
}

/// `--lang zh|en`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// Chinese, from the Feishu page (every entry has it).
    Zh,
    /// English, from the Lark page (most entries have it).
    En,
}

impl From<Lang> for Language {
    fn from(lang: Lang) -> Language {
        match lang {
            Lang::Zh => Language::Zh,
            Lang::En => Language::En,
        }
    }
}
