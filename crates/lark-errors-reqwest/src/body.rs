//! Bounded reads of response bodies: read at most a limit, within a deadline, and hand
//! back whatever was not needed intact.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body::Frame;
use reqwest::{Response, ResponseBuilderExt};

/// The platform's error bodies are a few hundred bytes; 64 KiB leaves room for long
/// `permission_violations` lists and still bounds what one response can cost.
pub(crate) const DEFAULT_LIMIT: usize = 64 * 1024;

/// What reading the start of a body gave.
pub(crate) enum Prefix {
    /// The body ended within the limit: all of it.
    Whole(Bytes),
    /// Reading stopped before the end: what was read, and why it stopped.
    Partial(Bytes, Stop),
}

/// Why a bounded read stopped before the end of the body.
pub(crate) enum Stop {
    /// The body is longer than the limit.
    TooLarge,
    /// The body did not end within the deadline.
    Deadline,
    /// Reading failed (the connection broke, the client's own timeout passed).
    Failed(reqwest::Error),
}

/// Reads `response`'s body until it ends, more than `limit` bytes have arrived, or
/// `timeout` has passed since the read first had to wait, whichever comes first.
/// Memory: at most `limit` plus one chunk.
///
/// The timer is only started when a chunk is not there at once: a body that has
/// arrived whole by the time it is read (a small answer on one connection) costs no
/// timer at all.
pub(crate) async fn read_prefix(
    response: &mut Response,
    limit: usize,
    timeout: Option<Duration>,
) -> Prefix {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Prefix::Partial(Bytes::new(), Stop::TooLarge);
    }
    let mut timer = None;
    let mut first: Option<Bytes> = None;
    let mut more: Option<BytesMut> = None;
    let read = |first: Option<Bytes>, more: Option<BytesMut>| match more {
        Some(buf) => buf.freeze(),
        None => first.unwrap_or_default(),
    };
    loop {
        let Some(chunk) = next_chunk(response, timeout, &mut timer).await else {
            return Prefix::Partial(read(first, more), Stop::Deadline);
        };
        let chunk = match chunk {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Prefix::Whole(read(first, more)),
            Err(e) => return Prefix::Partial(read(first, more), Stop::Failed(e)),
        };
        // One chunk (the usual case) is kept as it came; more are copied together.
        match (&first, &mut more) {
            (None, _) => first = Some(chunk),
            (Some(f), None) => {
                let mut buf = BytesMut::with_capacity(f.len() + chunk.len());
                buf.extend_from_slice(f);
                buf.extend_from_slice(&chunk);
                more = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&chunk),
        }
        let len = more.as_ref().map_or_else(|| first.as_ref().map_or(0, Bytes::len), |b| b.len());
        if len > limit {
            return Prefix::Partial(read(first, more), Stop::TooLarge);
        }
        // The body counts down what its `Content-Length` has left to give: at zero it
        // has ended, and asking again only to hear so is a poll of every layer for
        // nothing (a body of unknown length, or a decoded one, says `None`).
        if response.content_length() == Some(0) {
            return Prefix::Whole(read(first, more));
        }
    }
}

/// The next chunk of `response`'s body, or `None` once `timeout` has passed since the
/// first time a chunk was not ready (`timer`, started then and kept across calls).
///
/// Each poll asks the body afresh (`Response::chunk` holds no state between polls: it
/// polls the body for its next frame), so the timer exists only for a read that waits.
async fn next_chunk(
    response: &mut Response,
    timeout: Option<Duration>,
    timer: &mut Option<Pin<Box<tokio::time::Sleep>>>,
) -> Option<reqwest::Result<Option<Bytes>>> {
    std::future::poll_fn(|cx| {
        if let Poll::Ready(chunk) = std::pin::pin!(response.chunk()).poll(cx) {
            return Poll::Ready(Some(chunk));
        }
        let Some(timeout) = timeout else { return Poll::Pending };
        let timer = timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        timer.as_mut().poll(cx).map(|()| None)
    })
    .await
}

/// `response` with its body replaced by `body`: status, version, headers, extensions
/// and URL kept.
///
/// reqwest has no way to put a body back into a `Response`, so this builds a new one:
/// the headers and extensions are moved over (not copied), the URL attached the one
/// public way reqwest reads it back (`ResponseBuilderExt::url`), and the old response
/// (its unread rest of a body) dropped.
pub(crate) fn with_body(mut response: Response, body: reqwest::Body) -> Response {
    let mut builder = http::Response::builder();
    // The old extensions first, so that the URL joins their map rather than a new one.
    if let Some(extensions) = builder.extensions_mut() {
        *extensions = std::mem::take(response.extensions_mut());
    }
    match builder.url(response.url().clone()).body(()) {
        Ok(fresh) => {
            let (mut parts, ()) = fresh.into_parts();
            parts.status = response.status();
            parts.version = response.version();
            parts.headers = std::mem::take(response.headers_mut());
            Response::from(http::Response::from_parts(parts, body))
        }
        // Not reached: a builder given only extensions does not fail.
        Err(_) => rebuild(response, |_| body),
    }
}

/// `response` with its body mapped by `body`, everything else kept.
fn rebuild(response: Response, body: impl FnOnce(reqwest::Body) -> reqwest::Body) -> Response {
    let url = response.url().clone();
    let (mut parts, old) = http::Response::<reqwest::Body>::from(response).into_parts();
    // `ResponseBuilderExt::url` is the public way to attach the URL reqwest reads back.
    if let Ok(carrier) = http::Response::builder().url(url).body(()) {
        parts.extensions.extend(carrier.into_parts().0.extensions);
    }
    Response::from(http::Response::from_parts(parts, body(old)))
}

/// `response` whose first bytes (`read`) were taken by [`read_prefix`], made whole
/// again: its body yields `read`, then the failure that stopped the read if there was
/// one, else the rest of the original body as it arrives.
pub(crate) fn restore(response: Response, read: Bytes, stop: Stop) -> Response {
    rebuild(response, |rest| {
        let (failure, rest) = match stop {
            Stop::Failed(e) => (Some(e), None),
            Stop::TooLarge | Stop::Deadline => (None, Some(rest)),
        };
        reqwest::Body::wrap(Prefixed { read: Some(read), failure, rest })
    })
}

/// A body that yields bytes already read, then a stored failure or the rest.
struct Prefixed {
    read: Option<Bytes>,
    failure: Option<reqwest::Error>,
    rest: Option<reqwest::Body>,
}

impl http_body::Body for Prefixed {
    type Data = Bytes;
    type Error = reqwest::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, reqwest::Error>>> {
        let this = &mut *self;
        if let Some(read) = this.read.take().filter(|r| !r.is_empty()) {
            return Poll::Ready(Some(Ok(Frame::data(read))));
        }
        if let Some(failure) = this.failure.take() {
            return Poll::Ready(Some(Err(failure)));
        }
        match this.rest.as_mut() {
            Some(rest) => Pin::new(rest).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.read.as_ref().is_none_or(Bytes::is_empty)
            && self.failure.is_none()
            && self.rest.as_ref().is_none_or(http_body::Body::is_end_stream)
    }

    fn size_hint(&self) -> http_body::SizeHint {
        let read = self.read.as_ref().map_or(0, |r| r.len() as u64);
        match (&self.failure, &self.rest) {
            (None, Some(rest)) => {
                let hint = rest.size_hint();
                let mut sum = http_body::SizeHint::new();
                sum.set_lower(hint.lower().saturating_add(read));
                if let Some(upper) = hint.upper() {
                    sum.set_upper(upper.saturating_add(read));
                }
                sum
            }
            _ => http_body::SizeHint::with_exact(read),
        }
    }
}
