//! Reading a Feishu error body with serde_json, leniently and without building a
//! `serde_json::Value`.
//!
//! Every object in the body is read by one visitor that keeps the few keys a diagnosis
//! uses and skips everything else. A value of an unexpected type (a number where a
//! string was expected, an object where a list was) is ignored rather than failing the
//! whole body, and strings are borrowed from the input where they have no escapes, so a
//! typical body is read with a handful of small allocations.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{BodyError, Detail, ErrorBody, FieldViolation, Help, PermissionViolation};

/// The UTF-8 byte order mark, which some clients and files put before a JSON body.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a body: every part it has, and why it is not a usable Feishu error body if it is
/// not. A body without a code (`{"msg":"x"}`, the OAuth shape `{"error":"..."}`) still
/// gives its message.
pub(super) fn read(body: &[u8]) -> (ErrorBody, Option<BodyError>) {
    let body = body.strip_prefix(BOM).unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return (ErrorBody::default(), Some(BodyError::Empty));
    }
    let root: Root<'_> = match serde_json::from_slice(body) {
        Ok(root) => root,
        Err(e) => {
            return (ErrorBody::default(), Some(BodyError::NotJson { reason: e.to_string() }));
        }
    };
    let Root::Object(obj) = root else { return (ErrorBody::default(), Some(BodyError::NotObject)) };
    let (code, error) = match &obj.code {
        None | Some(Scalar::Null) => (None, Some(BodyError::NoCode)),
        Some(scalar) => match scalar.integer() {
            Some(code) => (Some(code), None),
            None => (None, Some(BodyError::BadCode { text: scalar.describe() })),
        },
    };
    (fields(code, &obj), error)
}

#[cfg(test)]
pub(super) fn parse(body: &[u8]) -> Result<ErrorBody, BodyError> {
    match read(body) {
        (body, None) => Ok(body),
        (_, Some(error)) => Err(error),
    }
}

fn fields(code: Option<i64>, obj: &Object<'_>) -> ErrorBody {
    let error = obj.error.as_deref();
    let data = obj.data.as_deref();
    let text = |s: &Option<Scalar<'_>>| s.as_ref().and_then(Scalar::text);
    let none: &[Object<'_>] = &[];
    ErrorBody {
        code,
        msg: text(&obj.msg),
        log_id: text(&obj.log_id).or_else(|| error.and_then(|e| text(&e.log_id))),
        error_message: error.and_then(|e| text(&e.message)),
        troubleshooter: error.and_then(|e| text(&e.troubleshooter)),
        details: error
            .map_or(none, |e| &e.details)
            .iter()
            .filter_map(|d| {
                let value = text(&d.value);
                let key = text(&d.key);
                (key.is_some() || value.is_some()).then_some(Detail { key, value })
            })
            .collect(),
        permission_violations: error
            .map_or(none, |e| &e.permission_violations)
            .iter()
            .map(|v| PermissionViolation {
                kind: text(&v.kind),
                subject: text(&v.subject),
                description: text(&v.description),
            })
            .collect(),
        field_violations: error
            .map_or(none, |e| &e.field_violations)
            .iter()
            .filter_map(|v| {
                Some(FieldViolation {
                    field: text(&v.field)?,
                    value: text(&v.value),
                    description: text(&v.description),
                })
            })
            .collect(),
        helps: error
            .map_or(none, |e| &e.helps)
            .iter()
            .filter_map(|v| Some(Help { url: text(&v.url)?, description: text(&v.description) }))
            .collect(),
        challenge_url: data.and_then(|d| text(&d.challenge_url)),
        hint: data.and_then(|d| text(&d.hint)),
        oauth_error: obj.oauth_error.clone(),
        oauth_error_description: text(&obj.error_description),
    }
}

/// A JSON scalar, or a marker for a value of another shape.
#[derive(Debug)]
enum Scalar<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    /// A number that is not an `i64`: too big, or fractional.
    Float(f64),
    Null,
    Other,
}

impl Scalar<'_> {
    fn text(&self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s.clone().into_owned()),
            Scalar::Int(n) => Some(n.to_string()),
            Scalar::Float(f) => Some(f.to_string()),
            Scalar::Null | Scalar::Other => None,
        }
    }

    /// The value as an error code: an integer, an integral float, or a numeric string.
    fn integer(&self) -> Option<i64> {
        match self {
            Scalar::Int(n) => Some(*n),
            Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
            Scalar::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        let text = match self {
            Scalar::Str(s) => format!("{s:?}"),
            Scalar::Int(n) => n.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Null => "null".to_owned(),
            Scalar::Other => "an object or array".to_owned(),
        };
        text.chars().take(64).collect()
    }
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(i64::try_from(v).map_or(Scalar::Float(v as f64), Scalar::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Other)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// Any object of the body (the envelope, `error`, or an item of one of its lists),
/// keeping only the keys a diagnosis reads.
#[derive(Debug, Default)]
struct Object<'a> {
    code: Option<Scalar<'a>>,
    msg: Option<Scalar<'a>>,
    log_id: Option<Scalar<'a>>,
    message: Option<Scalar<'a>>,
    troubleshooter: Option<Scalar<'a>>,
    key: Option<Scalar<'a>>,
    value: Option<Scalar<'a>>,
    kind: Option<Scalar<'a>>,
    subject: Option<Scalar<'a>>,
    description: Option<Scalar<'a>>,
    field: Option<Scalar<'a>>,
    url: Option<Scalar<'a>>,
    challenge_url: Option<Scalar<'a>>,
    hint: Option<Scalar<'a>>,
    error_description: Option<Scalar<'a>>,
    error: Option<Box<Object<'a>>>,
    /// `error` as a string: the OAuth error shape (`{"error":"too_many_requests"}`).
    oauth_error: Option<String>,
    data: Option<Box<Object<'a>>>,
    details: Vec<Object<'a>>,
    permission_violations: Vec<Object<'a>>,
    field_violations: Vec<Object<'a>>,
    helps: Vec<Object<'a>>,
}

/// The top level: an object, a string, or anything else.
enum Root<'a> {
    Object(Box<Object<'a>>),
    Str(String),
    Other,
}

/// The name of a key, from its bytes (every key the diagnosis reads, at any level).
pub(super) fn name_of(key: &[u8]) -> Name {
    match key {
        b"code" => Name::Code,
        b"msg" => Name::Msg,
        b"log_id" => Name::LogId,
        b"message" => Name::Message,
        b"troubleshooter" => Name::Troubleshooter,
        b"key" => Name::Key,
        b"value" => Name::Value,
        b"type" => Name::Type,
        b"subject" => Name::Subject,
        b"description" => Name::Description,
        b"field" => Name::Field,
        b"url" => Name::Url,
        b"challenge_url" => Name::ChallengeUrl,
        b"hint" => Name::Hint,
        b"error_description" => Name::ErrorDescription,
        b"data" => Name::Data,
        b"error" => Name::Error,
        b"details" => Name::Details,
        b"permission_violations" => Name::PermissionViolations,
        b"field_violations" => Name::FieldViolations,
        b"helps" => Name::Helps,
        _ => Name::Other,
    }
}

/// The key names read; every other key is skipped.
pub(super) enum Name {
    Code,
    Msg,
    LogId,
    Message,
    Troubleshooter,
    Key,
    Value,
    Type,
    Subject,
    Description,
    Field,
    Url,
    ChallengeUrl,
    Hint,
    ErrorDescription,
    Data,
    Error,
    Details,
    PermissionViolations,
    FieldViolations,
    Helps,
    Other,
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Name, E> {
                Ok(name_of(v.as_bytes()))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Root<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RootVisitor)
    }
}

struct RootVisitor;

impl<'de> Visitor<'de> for RootVisitor {
    type Value = Root<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut o = Object::default();
        while let Some(key) = map.next_key::<Name>()? {
            // A repeated key keeps its last value, as serde_json's own maps do.
            match key {
                Name::Code => o.code = Some(map.next_value()?),
                Name::Msg => o.msg = Some(map.next_value()?),
                Name::LogId => o.log_id = Some(map.next_value()?),
                Name::Message => o.message = Some(map.next_value()?),
                Name::Troubleshooter => o.troubleshooter = Some(map.next_value()?),
                Name::Key => o.key = Some(map.next_value()?),
                Name::Value => o.value = Some(map.next_value()?),
                Name::Type => o.kind = Some(map.next_value()?),
                Name::Subject => o.subject = Some(map.next_value()?),
                Name::Description => o.description = Some(map.next_value()?),
                Name::Field => o.field = Some(map.next_value()?),
                Name::Url => o.url = Some(map.next_value()?),
                Name::ChallengeUrl => o.challenge_url = Some(map.next_value()?),
                Name::Hint => o.hint = Some(map.next_value()?),
                Name::ErrorDescription => o.error_description = Some(map.next_value()?),
                Name::Data => {
                    o.data = match map.next_value::<Root<'de>>()? {
                        Root::Object(obj) => Some(obj),
                        Root::Str(_) | Root::Other => None,
                    }
                }
                Name::Error => {
                    (o.error, o.oauth_error) = match map.next_value::<Root<'de>>()? {
                        Root::Object(obj) => (Some(obj), None),
                        Root::Str(s) => (None, Some(s)),
                        Root::Other => (None, None),
                    }
                }
                Name::Details => o.details = map.next_value::<Objects<'de>>()?.0,
                Name::PermissionViolations => {
                    o.permission_violations = map.next_value::<Objects<'de>>()?.0
                }
                Name::FieldViolations => o.field_violations = map.next_value::<Objects<'de>>()?.0,
                Name::Helps => o.helps = map.next_value::<Objects<'de>>()?.0,
                Name::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Root::Object(Box::new(o)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Root::Other)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Root::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Root::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Root::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Root::Other)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Root::Str(crate::template::truncate(v, MAX_TEXT).to_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Root::Other)
    }
}

/// The most bytes of a bare string value kept (the OAuth `error` word is short).
const MAX_TEXT: usize = 256;

/// A list of objects; anything that is not a list is read as empty, and items that are
/// not objects are skipped.
struct Objects<'a>(Vec<Object<'a>>);

impl<'de> Deserialize<'de> for Objects<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Objects<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Root<'de>>()? {
                    if let Root::Object(obj) = item {
                        out.push(*obj);
                    }
                }
                Ok(Objects(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Objects(Vec::new()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Objects(Vec::new()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Objects(Vec::new()))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Objects(Vec::new()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Objects(Vec::new()))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Objects(Vec::new()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Objects(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_shapes_are_skipped_not_fatal() {
        let b = parse(
            br#"{"code":99991672,"msg":7,"data":{"x":[1,2]},"error":{"log_id":null,
               "permission_violations":[1,"x",{"subject":"im:message"},{"subject":{"a":1}}],
               "field_violations":{"field":"x"},"helps":[{"url":"https://h","description":"d"}],
               "details":[{"key":"k","value":["v"]}]}}"#,
        )
        .unwrap();
        assert_eq!(b.msg.as_deref(), Some("7"));
        assert_eq!(b.log_id, None);
        let subjects: Vec<_> = b.permission_violations.iter().map(|v| v.subject.clone()).collect();
        assert_eq!(subjects, [Some("im:message".to_owned()), None]);
        assert!(b.field_violations.is_empty());
        assert_eq!(b.helps[0].url, "https://h");
        assert_eq!(b.details, [Detail { key: Some("k".to_owned()), value: None }]);
    }

    #[test]
    fn every_documented_key_is_read() {
        let b = parse(
            br#"{"code":99992402,"msg":"field validation failed","error":{"message":"bad x",
               "field_violations":[{"field":"x","value":"1","description":"must be > 1"}]}}"#,
        )
        .unwrap();
        assert_eq!(b.error_message.as_deref(), Some("bad x"));
        assert_eq!(
            b.field_violations,
            [FieldViolation {
                field: "x".to_owned(),
                value: Some("1".to_owned()),
                description: Some("must be > 1".to_owned()),
            }]
        );
    }

    #[test]
    fn codes_in_every_spelling() {
        let code = |body: &str| parse(body.as_bytes()).map(|b| b.code);
        assert_eq!(code(r#"{"code":1500}"#), Ok(Some(1500)));
        assert_eq!(code(r#"{"code":" 1500 "}"#), Ok(Some(1500)));
        assert_eq!(code(r#"{"code":1500.0}"#), Ok(Some(1500)));
        assert_eq!(code(r#"{"code":-1}"#), Ok(Some(-1)));
        assert_eq!(code(r#"{"c\u006fde":1500}"#), Ok(Some(1500)));
        assert!(matches!(code(r#"{"code":1.5}"#), Err(BodyError::BadCode { .. })));
        assert!(matches!(code(r#"{"code":18446744073709551615}"#), Err(BodyError::BadCode { .. })));
        assert!(matches!(code(r#"{"code":{"a":1}}"#), Err(BodyError::BadCode { .. })));
        assert_eq!(code(r#"{"code":null}"#), Err(BodyError::NoCode));
        assert_eq!(code(r#"[]"#), Err(BodyError::NotObject));
        assert_eq!(code(" "), Err(BodyError::Empty));
        assert!(matches!(code(r#"{"code":1"#), Err(BodyError::NotJson { .. })));
        // A UTF-8 byte order mark before the JSON is not an error.
        assert_eq!(code("\u{FEFF}{\"code\":1500}"), Ok(Some(1500)));
        assert_eq!(code("\u{FEFF}"), Err(BodyError::Empty));
    }

    #[test]
    fn an_integral_float_is_a_code_only_below_9e15() {
        // Below 2^53 (about 9.007e15) every integer is an f64; the bound is 9e15.
        let code = |body: &str| parse(body.as_bytes()).map(|b| b.code);
        assert_eq!(code(r#"{"code":8.5e15}"#), Ok(Some(8_500_000_000_000_000)));
        assert_eq!(code(r#"{"code":-8.5e15}"#), Ok(Some(-8_500_000_000_000_000)));
        for at_or_above in ["9e15", "-9e15", "9000000000000001.0", "1e300"] {
            let body = format!(r#"{{"code":{at_or_above}}}"#);
            assert!(matches!(code(&body), Err(BodyError::BadCode { .. })), "{body}");
        }
    }

    #[test]
    fn a_bad_code_is_described_by_its_value_shortened_to_64_characters() {
        let text = |body: &str| match parse(body.as_bytes()) {
            Err(BodyError::BadCode { text }) => text,
            other => panic!("{body}: {other:?}"),
        };
        assert_eq!(text(r#"{"code":"abc"}"#), r#""abc""#);
        assert_eq!(text(r#"{"code":"a\"b"}"#), r#""a\"b""#);
        assert_eq!(text(r#"{"code":1.5}"#), "1.5");
        assert_eq!(text(r#"{"code":18446744073709551615}"#), (u64::MAX as f64).to_string());
        assert_eq!(text(r#"{"code":{"a":1}}"#), "an object or array");
        assert_eq!(text(r#"{"code":[1500]}"#), "an object or array");
        // Characters, not bytes: the Debug form of a long string, cut at 64.
        let long = "飞".repeat(100);
        let cut = text(&format!(r#"{{"code":"{long}"}}"#));
        assert_eq!(cut, format!("{long:?}").chars().take(64).collect::<String>());
        assert_eq!(cut.chars().count(), 64);
        assert_eq!(
            BodyError::BadCode { text: text(r#"{"code":1.5}"#) }.to_string(),
            "`code` is not an integer: 1.5"
        );
    }

    /// serde_json gives every visitor only the types it reads, so their `expecting`
    /// texts show only when another deserializer hands them something else (bytes).
    #[test]
    fn each_visitor_says_what_it_expects() {
        use serde::de::value::{BytesDeserializer, Error};
        fn expects<'de, T: Deserialize<'de>>() -> String {
            match T::deserialize(BytesDeserializer::<Error>::new(b"x")) {
                Ok(_) => panic!("bytes were accepted"),
                Err(e) => e.to_string(),
            }
        }
        assert_eq!(expects::<Scalar<'_>>(), "invalid type: byte array, expected any JSON value");
        assert_eq!(expects::<Root<'_>>(), "invalid type: byte array, expected any JSON value");
        assert_eq!(expects::<Objects<'_>>(), "invalid type: byte array, expected any JSON value");
        assert_eq!(expects::<Name>(), "invalid type: byte array, expected an object key");
    }

    #[test]
    fn details_challenges_and_the_oauth_shape() {
        let b = parse(
            br#"{"code":1,"data":{"challenge_url":"https://c","hint":"verify"},
               "error":{"details":[{"value":"only a value"},{"key":"k","value":"v"},{}]}}"#,
        )
        .unwrap();
        assert_eq!(b.challenge_url.as_deref(), Some("https://c"));
        assert_eq!(b.hint.as_deref(), Some("verify"));
        assert_eq!(
            b.details,
            [
                Detail { key: None, value: Some("only a value".to_owned()) },
                Detail { key: Some("k".to_owned()), value: Some("v".to_owned()) },
            ]
        );
        let (b, e) = read(br#"{"error":"too_many_requests","error_description":"slow down"}"#);
        assert_eq!(e, Some(BodyError::NoCode));
        assert_eq!(b.oauth_error.as_deref(), Some("too_many_requests"));
        assert_eq!(b.oauth_error_description.as_deref(), Some("slow down"));
        let (b, _) = read(br#"{"msg":"kept","data":"not an object"}"#);
        assert_eq!((b.msg.as_deref(), b.challenge_url), (Some("kept"), None));
    }
}
