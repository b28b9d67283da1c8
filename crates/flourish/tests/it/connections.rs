//! Hostile connections against the real binary (issue 18, part 7): slowloris (headers sent
//! a line at a time), headers too large or too many, and request-smuggling shapes (two
//! Content-Lengths, Content-Length beside chunked). Each is answered or cut off with the
//! right status, and the server goes on serving everyone else.

use crate::server::{Server, temp_dir};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The demo archive served with `settings` and no request limit (all load comes from one
/// address): its folder (kept for the server's life), the server and its `host:port`.
fn demo_with(settings: &str) -> (tempfile::TempDir, Server, String) {
    let dir = temp_dir();
    std::fs::write(dir.path().join("flourish.toml"), format!("{settings}[rate_limit]\nrequests = 0\n")).unwrap();
    let server = Server::start(dir.path(), &["--demo"]);
    let host = server.url.trim_start_matches("http://").to_owned();
    (dir, server, host)
}

/// Sends `request` as raw bytes and returns the status code of the answer, or `None` if
/// the server closed the connection without one.
fn raw(url: &str, request: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace().nth(1).and_then(|s| s.parse().ok())
}

#[test]
fn slow_and_oversized_requests_are_cut_off_and_everyone_else_is_served() {
    let (_dir, server, host) = demo_with("header_timeout_secs = 2\n");

    // Slowloris: fifty connections that send a header line every half second, forever.
    let slow: Vec<std::thread::JoinHandle<Duration>> = (0..50)
        .map(|_| {
            let host = host.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                let mut stream = TcpStream::connect(&host).unwrap();
                stream.write_all(format!("GET / HTTP/1.1\r\nHost: {host}\r\n").as_bytes()).unwrap();
                for i in 0.. {
                    std::thread::sleep(Duration::from_millis(500));
                    if stream.write_all(format!("X-Slow-{i}: still here\r\n").as_bytes()).is_err() {
                        break;
                    }
                    // A closed connection shows on the next read or write.
                    stream.set_nonblocking(true).unwrap();
                    let mut byte = [0u8; 1];
                    // End of stream, an answer (a 408) or an error: the server let go.
                    let closed =
                        !matches!(stream.read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
                    stream.set_nonblocking(false).unwrap();
                    if closed || started.elapsed() > Duration::from_secs(30) {
                        break;
                    }
                }
                started.elapsed()
            })
        })
        .collect();
    // Meanwhile everyone else is served.
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(server.get("/works").0, 200);
    eprintln!("a listing beside 50 slow connections: {:?}", started.elapsed());
    let held: Vec<Duration> = slow.into_iter().map(|h| h.join().unwrap()).collect();
    let longest = held.iter().max().unwrap();
    eprintln!("the longest a slow client held its connection: {longest:?} (header timeout 2 s)");
    // Cut off at the 2 s timeout, seen at the next half-second write: well before the 10 s
    // default, let alone the forever of no timeout at all.
    assert!(*longest < Duration::from_secs(6), "a slow client held its connection for {longest:?}");

    // Headers past 64 KiB, and more headers than any browser sends.
    let big = format!("GET / HTTP/1.1\r\nHost: {host}\r\nX-Big: {}\r\n\r\n", "a".repeat(100 << 10));
    assert_eq!(raw(&server.url, big.as_bytes()), Some(431));
    let many: String = (0..500).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many = format!("GET / HTTP/1.1\r\nHost: {host}\r\n{many}\r\n");
    assert_eq!(raw(&server.url, many.as_bytes()), Some(431));
    // Smuggling shapes: two lengths that disagree; a length beside chunked encoding.
    let two_lengths = format!(
        "POST /login HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5\r\nContent-Length: 40\r\nConnection: close\r\n\r\nhello"
    );
    assert_eq!(raw(&server.url, two_lengths.as_bytes()), Some(400));
    let both = format!(
        "POST /login HTTP/1.1\r\nHost: {host}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: {host}\r\n\r\n"
    );
    let answer = raw(&server.url, both.as_bytes());
    // Read as chunked (the length ignored) and refused for its missing CSRF token, or
    // refused outright; never a second request smuggled through.
    assert!(matches!(answer, Some(400 | 403)), "{answer:?}");
    // A header with a NUL in it.
    assert_eq!(raw(&server.url, format!("GET / HTTP/1.1\r\nHost: {host}\r\nX-A: a\0b\r\n\r\n").as_bytes()), Some(400));

    assert_eq!(server.get("/works").0, 200, "still serving");
}

#[test]
fn past_its_bound_the_server_sheds_requests_with_503_and_recovers_by_itself() {
    let (_dir, server, host) = demo_with("requests_in_flight = 1\nrequests_queued = 1\n");
    assert_eq!(server.get("/works").0, 200);

    // Forty listings and forty API reads at the same moment, on a node that works on one
    // request and keeps one waiting: most are refused at once, none waits for long.
    let clients = 80;
    let start = std::sync::Arc::new(std::sync::Barrier::new(clients));
    let answers: Vec<String> = (0..clients)
        .map(|i| {
            let (host, start) = (host.clone(), start.clone());
            std::thread::spawn(move || {
                let path = if i % 2 == 0 { "/works" } else { "/api/v1/works" };
                let mut stream = TcpStream::connect(&host).unwrap();
                stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
                start.wait();
                stream
                    .write_all(format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes())
                    .unwrap();
                let mut answer = Vec::new();
                let _ = stream.read_to_end(&mut answer);
                format!("{path} {}", String::from_utf8_lossy(&answer))
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    let shed: Vec<&String> = answers.iter().filter(|a| a.contains(" HTTP/1.1 503")).collect();
    let served = answers.iter().filter(|a| a.contains(" HTTP/1.1 200")).count();
    eprintln!("{served} served, {} shed, of {clients}", shed.len());
    assert_eq!(served + shed.len(), clients, "every request was served or shed, nothing else");
    assert!(!shed.is_empty() && served >= 1, "{served} served, {} shed", shed.len());
    for answer in &shed {
        assert!(answer.to_ascii_lowercase().contains("retry-after: 2"), "{answer}");
        if answer.starts_with("/api/") {
            assert!(answer.contains("\"code\":\"unavailable\""), "the API says it in JSON: {answer}");
        } else {
            assert!(answer.contains("more visitors than it can answer"), "the styled page explains: {answer}");
        }
    }
    // A load balancer still sees the node alive, and once the burst is over everyone is
    // served again, without a restart.
    assert_eq!(server.get("/healthz").0, 200);
    for _ in 0..5 {
        assert_eq!(server.get("/works").0, 200);
    }
}

#[test]
fn a_client_that_stops_reading_holds_no_place_and_is_cut_off() {
    let (_dir, server, host) = demo_with("write_timeout_secs = 1\nrequests_in_flight = 1\nrequests_queued = 16\n");
    let page = server.get("/works").1.len().max(1);

    // Asks for the listing many times over on one connection (32 MiB of answers, more than
    // the sockets' buffers hold) and reads none of it.
    let count = (32 << 20) / page + 1;
    let request = format!("GET /works HTTP/1.1\r\nHost: {host}\r\n\r\n");
    let mut reader = TcpStream::connect(&host).unwrap();
    reader.write_all(request.repeat(count).as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(500));

    // With one place in all, everyone else is still served: the reader's requests take the
    // place one at a time, in turn with the others, and its unread answers wait on its own
    // connection, not in the place.
    for _ in 0..3 {
        assert_eq!(server.get("/works").0, 200);
    }

    // Past the write timeout the server lets go: reading now finds the end of the stream
    // (or a reset) long before every answer arrived.
    std::thread::sleep(Duration::from_secs(3));
    reader.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut received = Vec::new();
    let ended = match reader.read_to_end(&mut received) {
        Ok(_) => true,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    };
    let answers = String::from_utf8_lossy(&received).matches("HTTP/1.1 200").count();
    eprintln!("{answers} of {count} answers reached a client that stopped reading");
    assert!(ended, "the connection ended");
    assert!(answers < count, "the server cut the connection instead of waiting for the reader");
}
