//! The request log: one line per request, written by a thread of its own so that a slow
//! or stuck reader (a stderr pipe nobody reads) never holds up serving.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};

/// Lines waiting for the writer before new ones are dropped (and counted).
const QUEUE_LINES: usize = 1024;

/// Where the mock writes its request log, and whether in colour.
///
/// Lines go through a bounded queue to a writer thread; when the writer is behind (its
/// output is a pipe nobody reads), new lines are dropped and counted
/// ([`RequestLog::dropped`], also `log_lines_dropped` in the stats) instead of blocking
/// the server.
///
/// ```
/// let log = lark_errors_mock::RequestLog::to_writer(std::io::sink(), false);
/// assert_eq!(log.dropped(), 0);
/// ```
#[derive(Debug, Clone)]
pub struct RequestLog {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    tx: SyncSender<String>,
    dropped: AtomicU64,
    color: bool,
}

impl RequestLog {
    /// A log on standard error; `color` adds ANSI colours to the status.
    pub fn stderr(color: bool) -> RequestLog {
        RequestLog::to_writer(io::stderr(), color)
    }

    /// A log written to `out` by a thread of its own.
    pub fn to_writer<W: Write + Send + 'static>(mut out: W, color: bool) -> RequestLog {
        let (tx, rx) = mpsc::sync_channel::<String>(QUEUE_LINES);
        // The thread ends when the last `RequestLog` is dropped and the queue drained.
        std::thread::Builder::new()
            .name("lark-errors-mock-log".to_owned())
            .spawn(move || {
                for line in rx {
                    // A closed output is not the server's problem: keep draining.
                    let _ = out.write_all(line.as_bytes()).and_then(|()| out.flush());
                }
            })
            .map(drop)
            .unwrap_or(());
        RequestLog { inner: Arc::new(Inner { tx, dropped: AtomicU64::new(0), color }) }
    }

    /// Lines dropped so far because the writer was behind.
    pub fn dropped(&self) -> u64 {
        self.inner.dropped.load(Ordering::Relaxed)
    }

    /// Whether lines are coloured.
    pub fn color(&self) -> bool {
        self.inner.color
    }

    /// Queues one line (a newline is added); never waits.
    pub fn line(&self, text: impl Into<String>) {
        let mut text = text.into();
        text.push('\n');
        match self.inner.tx.try_send(text) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.inner.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// The line of one answered request: method, path, status, code and, for a rate
    /// limit, the reset told.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        status: u16,
        code: i64,
        reset: Option<u64>,
    ) {
        let mut line = String::with_capacity(64 + path.len());
        line.push_str(method);
        line.push(' ');
        // A path is whatever the client sent: no control characters reach a terminal.
        line.extend(path.chars().map(|c| if c.is_control() { '?' } else { c }));
        line.push(' ');
        let status_text = status.to_string();
        if self.inner.color {
            let color = match status {
                200..=299 => "32",
                400..=499 => "33",
                _ => "31",
            };
            line.push_str(&format!("\x1b[{color}m{status_text}\x1b[0m"));
        } else {
            line.push_str(&status_text);
        }
        line.push_str(&format!(" code={code}"));
        if let Some(reset) = reset {
            line.push_str(&format!(" reset={reset}"));
        }
        self.line(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn written(out: &Shared, lines: usize) -> String {
        // The writer thread is asynchronous: wait until it has written what was queued.
        for _ in 0..1000 {
            let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
            if text.lines().count() >= lines {
                return text;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        panic!("the log writer wrote nothing");
    }

    #[test]
    fn colour_only_when_asked_and_paths_are_escaped() {
        let out = Shared::default();
        let plain = RequestLog::to_writer(out.clone(), false);
        plain.request("GET", "/open-apis/x\x1b[2J", 400, 99991661, None);
        let text = written(&out, 1);
        assert_eq!(text, "GET /open-apis/x?[2J 400 code=99991661\n");
        let out = Shared::default();
        let colored = RequestLog::to_writer(out.clone(), true);
        colored.request("GET", "/open-apis/a", 429, 99991400, Some(2));
        assert_eq!(written(&out, 1), "GET /open-apis/a \x1b[33m429\x1b[0m code=99991400 reset=2\n");
    }

    #[test]
    fn a_stuck_writer_drops_and_counts_instead_of_blocking() {
        struct Stuck(mpsc::Receiver<()>);
        impl Write for Stuck {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                let _ = self.0.recv(); // blocks until the test ends
                Ok(0)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let (release, stuck) = mpsc::channel();
        let log = RequestLog::to_writer(Stuck(stuck), false);
        for i in 0..QUEUE_LINES * 3 {
            log.line(format!("line {i}"));
        }
        // At most the queue and the line in the writer's hands were kept.
        assert!(log.dropped() >= (QUEUE_LINES * 2 - 1) as u64, "{}", log.dropped());
        drop(release);
    }
}
