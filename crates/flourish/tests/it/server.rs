//! Starting the real binary on a free port.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_flourish");

/// A `flourish serve` process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    /// Log lines written before the server listened.
    pub startup: Vec<String>,
    /// Every later log line the server writes is sent here.
    pub logs: mpsc::Receiver<String>,
    /// What the server prints on standard output (the setup link).
    pub stdout: mpsc::Receiver<String>,
    reader: Option<std::thread::JoinHandle<()>>,
}

/// A command for the binary, run in `dir` with no configuration from the environment.
pub fn flourish(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("FLOURISH_")) {
        cmd.env_remove(k);
    }
    cmd.env("FLOURISH_LOG", "info");
    cmd
}

impl Server {
    /// Starts `flourish serve --listen 127.0.0.1:0 ARGS…` in `dir` and waits until it listens.
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        let mut child = flourish(dir)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start flourish");
        let stderr = child.stderr.take().expect("stderr");
        let out = child.stdout.take().expect("stdout");
        let (out_tx, stdout) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if out_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (tx, logs) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let mut startup = Vec::new();
        loop {
            let Ok(line) = logs.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now())) else {
                let _ = child.kill();
                let _ = child.wait();
                panic!("flourish did not start listening within 30 s; it said:\n{}", startup.join("\n"));
            };
            if let Some(at) = line.find("listening on http://") {
                let url = line[at + "listening on ".len()..].split_whitespace().next().unwrap().to_owned();
                return Server { child, url, startup, logs, stdout, reader: Some(reader) };
            }
            startup.push(line);
        }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        http_get(&format!("{}{path}", self.url))
    }

    /// Sends SIGTERM and waits for the exit status and the remaining log lines.
    pub fn terminate(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
        let status = self.child.wait().expect("wait");
        // The reader thread ends at the pipe's end of file, after the last line.
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        let mut lines = std::mem::take(&mut self.startup);
        lines.extend(self.logs.try_iter());
        (status, lines)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 GET over a raw socket, so these tests need no HTTP client crate.
pub fn http_get(url: &str) -> (u16, String) {
    let (status, _, body) = http_get_with_head(url);
    (status, body)
}

/// [`http_get`] with the response's head (status line and headers) as well.
pub fn http_get_with_head(url: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read response");
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status line");
    let (head, body) = text.split_once("\r\n\r\n").map(|(h, b)| (h.to_owned(), b.to_owned())).unwrap_or_default();
    (status, head, body)
}

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

pub fn data_file(dir: &Path) -> PathBuf {
    dir.join("data").join("flourish.db")
}

/// The full path of a program on PATH.
pub fn which(name: &str) -> String {
    let out = Command::new("sh").args(["-c", &format!("command -v {name}")]).output().expect("sh");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// One HTTP/1.1 request; `None` when no complete answer arrived (the server died first).
pub fn request(url: &str, method: &str, path: &str, token: &str, body: Option<&str>) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let host = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let body = body.unwrap_or("");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    // A body cut short by the kill is no answer.
    let length: Option<usize> = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().ok()))
        .flatten();
    if length.is_some_and(|n| body.len() < n) {
        return None;
    }
    Some((status, body.to_owned()))
}
