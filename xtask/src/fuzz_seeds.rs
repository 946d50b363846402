//! `cargo xtask fuzz-seeds`: the seed corpora of the fuzz targets in `fuzz/`, made
//! from the repository's own data.
//!
//! Every seed comes from vendored or checked-in material: the pages in
//! `data/sources/` (whole, and cut into slices and pairs), the real responses of
//! `tests/fixtures/responses.jsonl` (as bodies, as `curl -i` and `curl -v` output, as log
//! lines, as the bytes of a file in other encodings), the catalog's entries (rendered
//! bodies, templates and their filled forms), the APIs of the vendored pages (requests to them) and
//! the mock server's documented configuration. The corpora are written to
//! `fuzz/corpus/<target>/seed-*`, which git ignores; the fuzzer adds its own findings
//! beside them.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use lark_errors::platform::{code, header, host};
use lark_errors_page::api;

/// Where the corpora go, relative to the workspace root.
pub const CORPUS_DIR: &str = "fuzz/corpus";

/// The vendored API reference pages used as seeds at most (the folder holds
/// hundreds; a few dozen of every shape are enough to start from).
const MAX_API_PAGES: usize = 40;
/// Larger pages are left out of the seeds: they would raise libFuzzer's input-size
/// limit, and with it the cost of every run, for little new structure.
const MAX_SEED_BYTES: usize = 96 * 1024;

/// One target's seeds: each a name and its bytes.
pub type Seeds = Vec<(String, Vec<u8>)>;

/// The seeds of every target: `(target, seeds)`.
pub type Corpora = Vec<(&'static str, Seeds)>;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// One real response of `tests/fixtures/responses.jsonl`.
struct Response {
    status: Option<u16>,
    headers: Vec<(String, String)>,
    body: String,
}

/// Builds every target's seeds from the data under `root`.
pub fn corpora(root: &Path) -> Result<Corpora> {
    let pages = error_code_pages(root)?;
    let responses = responses(root)?;
    let api_pages = api_pages(root)?;
    let requests = requests(&api_pages);
    Ok(vec![
        ("page_doc", page_doc(&pages)),
        ("page_api_diff", page_api_diff(&api_pages)),
        ("page_api", named("api", api_pages)),
        ("page_diff", page_diff(&pages)),
        ("template", template(&responses)),
        ("diagnose_body", diagnose_body(&responses)),
        ("diagnose_entry", diagnose_entry()),
        ("extract_stream", extract_stream(root, &responses)?),
        ("http_raw", http_raw(&responses)),
        ("mock_config", mock_config(root)?),
        ("request_curl", request_curl(&responses, &requests)),
        ("request_log", request_log(&responses, &requests)),
        ("request_api", request_api(&requests)),
        ("input_text", input_text(&responses)),
    ])
}

/// Writes the corpora under `root/fuzz/corpus/`; returns how many seeds each target got.
pub fn write(root: &Path) -> Result<Vec<(&'static str, usize)>> {
    let mut counts = Vec::new();
    for (target, seeds) in corpora(root)? {
        let dir = root.join(CORPUS_DIR).join(target);
        fs::create_dir_all(&dir)?;
        for (name, bytes) in &seeds {
            fs::write(dir.join(format!("seed-{name}")), bytes)?;
        }
        counts.push((target, seeds.len()));
    }
    Ok(counts)
}

fn named(prefix: &str, items: Vec<Vec<u8>>) -> Seeds {
    items.into_iter().enumerate().map(|(i, b)| (format!("{prefix}-{i:03}"), b)).collect()
}

/// The error-code pages (and any other page) directly in `data/sources/`.
fn error_code_pages(root: &Path) -> Result<Vec<String>> {
    let mut files: Vec<PathBuf> = fs::read_dir(root.join("data/sources"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "md"))
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files.iter().map(|p| Ok(fs::read_to_string(p)?)).collect()
}

/// Every `MAX_API_PAGES`-th share of the API pages, in path order, small enough.
fn api_pages(root: &Path) -> Result<Vec<Vec<u8>>> {
    let mut files = Vec::new();
    let mut dirs = vec![root.join("data/sources")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if dir != root.join("data/sources")
                && path.extension().is_some_and(|e| e == "md")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut pages: Vec<Vec<u8>> = Vec::new();
    let mut with_subcodes = 0;
    let step = (files.len() / MAX_API_PAGES).max(1);
    for (i, path) in files.iter().enumerate() {
        let bytes = fs::read(path)?;
        if bytes.len() > MAX_SEED_BYTES {
            continue;
        }
        // Every page with sub-code sections (rare), and an even spread of the rest.
        let subcodes = String::from_utf8_lossy(&bytes).contains("子错误码") && with_subcodes < 4;
        if subcodes || i % step == 0 {
            with_subcodes += usize::from(subcodes);
            pages.push(bytes);
        }
    }
    Ok(pages)
}

/// The page's lines up to and including the table's separator row, and its rows.
fn split_table(page: &str) -> (Vec<&str>, Vec<&str>) {
    let lines: Vec<&str> = page.lines().collect();
    let sep = lines
        .iter()
        .position(|l| l.contains("---") && l.contains('|') && !l.starts_with("---"))
        .unwrap_or(0);
    let rows = lines[sep + 1..]
        .iter()
        .copied()
        .filter(|l| {
            l.trim_start_matches('|').trim_start().starts_with(|c: char| c.is_ascii_digit())
        })
        .collect();
    (lines[..=sep].to_vec(), rows)
}

fn page_of(head: &[&str], rows: &[&str]) -> String {
    let mut out = head.join("\n");
    for row in rows {
        out.push('\n');
        out.push_str(row);
    }
    out.push('\n');
    out
}

fn page_doc(pages: &[String]) -> Seeds {
    let mut seeds = Vec::new();
    for page in pages {
        if page.len() <= MAX_SEED_BYTES {
            seeds.push(page.as_bytes().to_vec());
        }
        let (head, rows) = split_table(page);
        for start in [0, rows.len() / 3, rows.len() * 2 / 3] {
            let slice = &rows[start.min(rows.len())..(start + 25).min(rows.len())];
            seeds.push(page_of(&head, slice).into_bytes());
        }
        // The same slice with CRLF line ends, and cut in the middle of a row.
        let slice = page_of(&head, &rows[..rows.len().min(10)]);
        seeds.push(slice.replace('\n', "\r\n").into_bytes());
        seeds.push(slice.as_bytes()[..slice.len() * 2 / 3].to_vec());
    }
    seeds.push(b"---\ntitle: x\nupdated: 1646296632000\n".to_vec());
    seeds.push(b"| a | b | c |\n| --- | --- | --- |\n| 12 | only two |\n| x1 | m | a |\n".to_vec());
    named("page", seeds)
}

fn page_diff(pages: &[String]) -> Seeds {
    let mut seeds = Vec::new();
    let heads: Vec<String> = pages
        .iter()
        .map(|p| {
            let (head, rows) = split_table(p);
            page_of(&head, &rows[..rows.len().min(40)])
        })
        .collect();
    for page in pages {
        let (head, rows) = split_table(page);
        let old = page_of(&head, &rows[..rows.len().min(40)]);
        // Codes added and removed.
        let new = page_of(&head, &rows[rows.len().min(5)..rows.len().min(45)]);
        seeds.push(format!("{old}\0{new}").into_bytes());
        // Cosmetic changes: case and trailing punctuation of messages, docs host.
        let cosmetic: Vec<String> = rows[..rows.len().min(40)]
            .iter()
            .map(|r| r.to_uppercase().replace("open.feishu.cn", "open.larksuite.com"))
            .collect();
        let cosmetic: Vec<&str> = cosmetic.iter().map(String::as_str).collect();
        seeds.push(format!("{old}\0{}", page_of(&head, &cosmetic)).into_bytes());
        // A duplicated code gained.
        let mut dup: Vec<&str> = rows[..rows.len().min(40)].to_vec();
        if let Some(first) = dup.first().copied() {
            dup.push(first);
        }
        seeds.push(format!("{old}\0{}", page_of(&head, &dup)).into_bytes());
    }
    // Across languages.
    for pair in heads.windows(2) {
        seeds.push(format!("{}\0{}", pair[0], pair[1]).into_bytes());
    }
    named("pair", seeds)
}

/// Folders of API pages for `page_api_diff`: `old \0 new`, pages separated by `\x1e`.
/// Neighbouring vendored pages make small folders; the new folder moves them (pairing
/// by API), drops a page (an API removed), cuts a page's last error row (a code
/// removed) and upper-cases one (cosmetic and changed messages). Only pages of at most
/// a sixth of `MAX_SEED_BYTES`, so that a seed (two folders of three) stays within it.
fn page_api_diff(pages: &[Vec<u8>]) -> Seeds {
    let pages: Vec<String> = pages
        .iter()
        .filter(|p| p.len() <= MAX_SEED_BYTES / 6)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let mut seeds = Vec::new();
    for w in pages.windows(3).step_by(2) {
        let (a, b, c) = (w[0].as_str(), w[1].as_str(), w[2].as_str());
        let old = [a, b, c].join("\x1e");
        // Moved: the same pages in another order.
        seeds.push(format!("{old}\0{}", [c, a, b].join("\x1e")));
        // One page removed, one with its last error row cut.
        let cut: Vec<&str> = b.lines().collect();
        let last_row = cut.iter().rposition(|l| l.contains(" | ")).unwrap_or(cut.len());
        let cut = [&cut[..last_row], &cut[(last_row + 1).min(cut.len())..]].concat().join("\n");
        seeds.push(format!("{old}\0{}", [a, cut.as_str()].join("\x1e")));
        // Messages and advice upper-cased.
        seeds.push(format!("{old}\0{}", [a.to_uppercase().as_str(), b, c].join("\x1e")));
    }
    named("folders", seeds.into_iter().map(String::into_bytes).collect())
}

fn responses(root: &Path) -> Result<Vec<Response>> {
    let text = fs::read_to_string(root.join("tests/fixtures/responses.jsonl"))?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let headers = v["headers"]
            .as_object()
            .map(|h| {
                h.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let body = match &v["body"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let status = v["http_status"].as_u64().and_then(|s| u16::try_from(s).ok());
        out.push(Response { status, headers, body });
    }
    Ok(out)
}

/// The `msg` of a response body, if it has one.
fn msg_of(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    Some(v["msg"].as_str()?.to_owned())
}

fn code_of(body: &str) -> Option<u32> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    u32::try_from(v["code"].as_u64()?).ok()
}

fn template(responses: &[Response]) -> Seeds {
    let mut seeds = Vec::new();
    for entry in lark_errors::entries().iter().filter(|e| !e.placeholders().is_empty()) {
        let values: Vec<String> =
            (0..entry.placeholders().len()).map(|i| format!("value{i}")).collect();
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        seeds.push(format!("{}\0{}", entry.message(), entry.render_message(&values)).into_bytes());
    }
    // Live messages against their code's documented ones.
    for r in responses {
        let (Some(code), Some(msg)) = (code_of(&r.body), msg_of(&r.body)) else { continue };
        for entry in lark_errors::lookup(code) {
            seeds.push(format!("{}\0{msg}", entry.message()).into_bytes());
        }
    }
    named("msg", seeds)
}

fn diagnose_body(responses: &[Response]) -> Seeds {
    let mut seeds: Vec<Vec<u8>> = responses.iter().map(|r| r.body.clone().into_bytes()).collect();
    for entry in lark_errors::entries().iter().step_by(16) {
        seeds.push(entry.render_body(&["x1"]).into_bytes());
    }
    for r in responses.iter().take(3) {
        // Pretty-printed, and with the code as a string.
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&r.body) {
            seeds.push(serde_json::to_string_pretty(&v).unwrap_or_default().into_bytes());
            if let Some(code) = v["code"].as_i64() {
                seeds.push(
                    r.body.replacen(&code.to_string(), &format!("\"{code}\""), 1).into_bytes(),
                );
            }
        }
    }
    for text in ["404 page not found", "<html><body>502 Bad Gateway</body></html>", ""] {
        seeds.push(text.as_bytes().to_vec());
    }
    named("body", seeds)
}

fn diagnose_entry() -> Seeds {
    let n = lark_errors::entries().len();
    let seeds = (0..16)
        .map(|i| {
            let index = i * n / 16;
            let mut seed = vec![(index >> 8) as u8, index as u8, i as u8];
            // An undocumented envelope code (230001, little-endian), then values.
            seed.extend_from_slice(&230_001u32.to_le_bytes());
            seed.extend_from_slice(b"ou_123 10.0.0.1 docx");
            seed
        })
        .collect();
    named("entry", seeds)
}

fn extract_stream(root: &Path, responses: &[Response]) -> Result<Seeds> {
    let fixtures = fs::read(root.join("tests/fixtures/responses.jsonl"))?;
    let mut logs: Vec<Vec<u8>> = Vec::new();
    let mut shapes = String::new();
    for (i, r) in responses.iter().enumerate() {
        let code = code_of(&r.body).unwrap_or(0);
        let msg = msg_of(&r.body).unwrap_or_default();
        let escaped = serde_json::to_string(&r.body).unwrap_or_default();
        let _ = writeln!(shapes, "2025-03-01T08:00:{i:02}Z ERROR body={}", r.body);
        let _ = writeln!(shapes, "2025-03-01 16:00:{i:02}+08:00 {{\"log\":{escaped}}}");
        let _ =
            writeln!(shapes, "time=2025/03/01 08:00:{i:02} level=error code={code} msg=\"{msg}\"");
        let _ = writeln!(shapes, "failed: {{Code:{code} Msg:{msg}}}");
        let _ = writeln!(shapes, "err: msg:{msg},code:{code}");
        let _ = writeln!(shapes, "{{\n  \"code\": {code},\n  \"msg\": \"{msg}\"\n}}");
    }
    for (control, text) in [
        ([0u8, 0, 0, 1], fixtures.clone()),
        ([0, 0, 0, 2], shapes.clone().into_bytes()),
        ([1, 3, 5, 7], shapes.clone().into_bytes()),
        // One line with no newline: repeated, a line far longer than 64 KiB.
        ([1, 40, 0, 9], shapes.replace('\n', " ").into_bytes()),
        ([1, 0, 200, 3], format!("{shapes}\0code={}", code::FREQUENCY_LIMIT).into_bytes()),
    ] {
        let mut seed = control.to_vec();
        seed.extend_from_slice(&text);
        logs.push(seed);
    }
    Ok(named("log", logs))
}

fn http_raw(responses: &[Response]) -> Seeds {
    let mut seeds = Vec::new();
    for r in responses {
        let status = r.status.unwrap_or(400);
        let mut head = format!("HTTP/1.1 {status} Status\r\ncontent-type: application/json\r\n");
        for (k, v) in &r.headers {
            let _ = write!(head, "{k}: {v}\r\n");
        }
        seeds.push(format!("{head}\r\n{}", r.body).into_bytes());
        seeds.push(format!("{head}\r\n{}", r.body).replace("\r\n", "\n").into_bytes());
        // Behind a proxy, after `Expect: 100-continue`.
        let interim = "HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n";
        let head = head.replacen("HTTP/1.1", "HTTP/2", 1);
        seeds.push(format!("{interim}{head}\r\n{}", r.body).into_bytes());
    }
    named("raw", seeds)
}

/// The APIs of the seed API pages (a spread of the vendored ones), each as its method
/// and a concrete URL path (every `:param` of its template filled in): the requests of
/// the request seeds. (xtask builds the library without its API tables: it generates
/// them.)
fn requests(api_pages: &[Vec<u8>]) -> Vec<(String, String)> {
    api_pages
        .iter()
        .enumerate()
        .filter_map(|(i, page)| {
            let page = api::parse_api_page(&format!("{i}.md"), &String::from_utf8_lossy(page));
            let id = page.api()?;
            let path: Vec<String> = id
                .path
                .split('/')
                .map(|seg| match seg.strip_prefix(':') {
                    Some(param) => format!("{param}_7f3a"),
                    None => seg.to_owned(),
                })
                .collect();
            Some((id.method, path.join("/")))
        })
        .collect()
}

/// `curl -v` transcripts (`2>&1`) of the fixtures' responses to a spread of APIs: with
/// LF and CRLF line ends, after a redirect, through a proxy, and with a body curl
/// printed in two pieces.
fn request_curl(responses: &[Response], requests: &[(String, String)]) -> Seeds {
    let host = host::FEISHU.trim_start_matches("https://");
    let mut seeds = Vec::new();
    for (r, (method, path)) in responses.iter().zip(requests.iter().step_by(3)) {
        let status = r.status.unwrap_or(400);
        let mut t = String::from("*   Trying 10.0.0.1:443...\n* Connected to open.feishu.cn\n");
        let _ = write!(t, "> {method} {path}?user_id_type=open_id HTTP/1.1\n> Host: {host}\n");
        t.push_str("> User-Agent: curl/8.5.0\n> Accept: */*\n>\n");
        let _ = write!(t, "< HTTP/1.1 {status} Status\n< content-type: application/json\n");
        let _ = writeln!(t, "< {}: 20250301080000AB", header::LOG_ID);
        for (k, v) in &r.headers {
            let _ = writeln!(t, "< {k}: {v}");
        }
        let _ = write!(
            t,
            "<\n{{ [{} bytes data]\n{}\n* Connection #0 left intact\n",
            r.body.len(),
            r.body
        );
        seeds.push(t.replace('\n', "\r\n"));
        // A redirect first: the last exchange is the one that failed.
        let redirect = format!(
            "> GET /open-apis/ HTTP/1.1\n> Host: {host}\n>\n< HTTP/1.1 302 Found\n< Location: {}{path}\n<\n",
            host::FEISHU
        );
        seeds.push(format!("{redirect}{t}"));
        // Through a proxy, HTTP/2, the body pretty-printed in two pieces.
        let pretty = serde_json::from_str::<serde_json::Value>(&r.body)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| r.body.clone());
        let mut mid = pretty.len() / 2;
        while !pretty.is_char_boundary(mid) {
            mid += 1;
        }
        let (a, b) = pretty.split_at(mid);
        seeds.push(format!(
            "* Uses proxy env variable https_proxy\n> CONNECT {host}:443 HTTP/1.1\n< HTTP/1.1 200 Connection established\n\
             > {} {path} HTTP/2\n> host: {host}\n>\n}} [20 bytes data]\n< HTTP/2 {status}\n< {}: L1\n<\n\
             {{ [10 bytes data]\n{a}\n{{ [10 bytes data]\n{b}\n",
            method,
            header::LOG_ID
        ));
    }
    named("curl", seeds.into_iter().map(String::into_bytes).collect())
}

/// Log lines of the fixtures' responses to a spread of APIs: JSON records (flat, with
/// the body as an object or a string, nested under `request` and `response`) and the
/// text lines SDKs write.
fn request_log(responses: &[Response], requests: &[(String, String)]) -> Seeds {
    let mut seeds = Vec::new();
    for (r, (method, path)) in responses.iter().zip(requests.iter().skip(1).step_by(3)) {
        let status = r.status.unwrap_or(400);
        let body: serde_json::Value =
            serde_json::from_str(&r.body).unwrap_or_else(|_| r.body.clone().into());
        let url = format!("{}{path}", host::FEISHU);
        seeds.push(
            serde_json::json!({"level": "error", "method": method, "path": path, "status": status, "body": body})
                .to_string(),
        );
        seeds.push(
            serde_json::json!({"ts": "2025-03-01T08:00:00Z", "request": {"method": method.to_lowercase(), "url": url},
                "response": {"status_code": status.to_string(), "body": r.body}})
            .to_string(),
        );
        seeds.push(format!(
            "2025/03/01 08:00:00 [Error] [{method}] \"{url}?user_id_type=open_id\" status_code={status} resp={} trailing",
            r.body
        ));
        seeds.push(format!("[Error] {method} {url}, status {status}, {}", r.body));
        seeds.push(format!(
            "ERROR request failed: {method} {path} HTTP/1.1 {status} body={}",
            r.body
        ));
    }
    named("line", seeds.into_iter().map(String::into_bytes).collect())
}

/// `--api` arguments: the seed pages' APIs by full URL with a query, by lower-case
/// method and the other host, without a method; and a method the path lacks, a word that is
/// no method.
fn request_api(requests: &[(String, String)]) -> Seeds {
    let mut seeds = Vec::new();
    for (m, path) in requests {
        seeds.push(format!("{m} {}{path}?user_id_type=open_id", host::FEISHU));
        seeds.push(format!("{} {}{path}", m.to_lowercase(), host::LARK));
        seeds.push(path.clone());
    }
    seeds.push(format!("PUT {}/open-apis/im/v1/messages", host::FEISHU));
    seeds.push("FETCH /open-apis/im/v1/messages".to_owned());
    seeds.push("GET".to_owned());
    named("arg", seeds.into_iter().map(String::into_bytes).collect())
}

/// A command's input as the bytes of a file: the fixtures' bodies as they are, behind a
/// UTF-8 byte-order mark, as UTF-16 (both orders, with and without their mark), with a
/// NUL, cut inside a character, and blank.
fn input_text(responses: &[Response]) -> Seeds {
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for r in responses.iter().take(4) {
        let body = r.body.as_bytes();
        seeds.push(body.to_vec());
        seeds.push(["\u{feff}".as_bytes(), body].concat());
        let le: Vec<u8> = r.body.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = r.body.encode_utf16().flat_map(u16::to_be_bytes).collect();
        seeds.push([&[0xFF, 0xFE][..], &le].concat());
        seeds.push(le);
        seeds.push(be);
        seeds.push([body, b"\0"].concat());
    }
    let cjk = "{\"code\":1,\"msg\":\"频率限制\"}".as_bytes();
    seeds.push(cjk[..cjk.len() - 5].to_vec());
    seeds.push(b" \r\n\t\n".to_vec());
    seeds.push(b"\xef\xbb\xbf\n".to_vec());
    named("input", seeds)
}

/// The ```toml blocks of the mock server's README and module docs, and each as JSON.
fn mock_config(root: &Path) -> Result<Seeds> {
    let mut blocks = Vec::new();
    for file in ["crates/lark-errors-mock/README.md", "crates/lark-errors-mock/src/config.rs"] {
        let text = fs::read_to_string(root.join(file))?;
        let mut block: Option<String> = None;
        for line in text.lines() {
            let line =
                line.strip_prefix("//! ").or_else(|| line.strip_prefix("//!")).unwrap_or(line);
            match &mut block {
                None if line.trim_start().starts_with("```toml") => block = Some(String::new()),
                Some(b) if line.trim_start().starts_with("```") => {
                    blocks.push(std::mem::take(b));
                    block = None;
                }
                Some(b) => {
                    b.push_str(line);
                    b.push('\n');
                }
                None => {}
            }
        }
    }
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for block in &blocks {
        seeds.push(block.clone().into_bytes());
        if let Ok(value) = toml::from_str::<toml::Value>(block) {
            seeds.push(serde_json::to_string_pretty(&value)?.into_bytes());
        }
    }
    seeds.push(
        br#"{"tokens": {"ttl_secs": 1}, "faults": [{"path": "*", "code": 1500, "nth": 2}]}"#
            .to_vec(),
    );
    Ok(named("config", seeds))
}
