//! Degraded, not down: a node whose PostgreSQL goes away keeps serving the pages it has
//! cached, answers everything else quickly with a styled 503 and `Retry-After`, and serves
//! again by itself when the database is back.
//!
//! The database is taken away with a TCP proxy between the node and the machine's
//! PostgreSQL, which the test cuts (every connection closed, new ones refused) and restores:
//! stopping the real server would take it from every other test running beside this one.

use crate::server::{Server, http_get_with_head, temp_dir};
use flourish_store::WorkStore;
use flourish_testkit::fixtures;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A TCP proxy to `target` that can be cut and restored on the same port.
struct Proxy {
    addr: SocketAddr,
    target: SocketAddr,
    open: Arc<AtomicBool>,
    /// Both ends of every connection made so far, to close them when cut.
    streams: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let proxy = Proxy {
            addr: listener.local_addr().unwrap(),
            target,
            open: Arc::new(AtomicBool::new(true)),
            streams: Default::default(),
        };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let (open, streams, target) = (self.open.clone(), self.streams.clone(), self.target);
        std::thread::spawn(move || {
            for client in listener.incoming() {
                // Cut: drop the listener, so the port refuses connections as a stopped
                // server's does. The connection that woke us is dropped unanswered.
                if !open.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(target) else { continue };
                let mut all = streams.lock().unwrap();
                all.push(client.try_clone().unwrap());
                all.push(server.try_clone().unwrap());
                for (mut from, mut to) in [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)]
                {
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16 * 1024];
                        while let Ok(n) = from.read(&mut buf) {
                            if n == 0 || to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
            }
        });
    }

    /// Every connection closed, new ones refused: the database is gone.
    fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag and drops the listener.
        let _ = TcpStream::connect(self.addr);
        for stream in self.streams.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.open.store(true, Ordering::SeqCst);
        // The accept loop may take a moment to let go of the port.
        let deadline = Instant::now() + Duration::from_secs(10);
        let listener = loop {
            match TcpListener::bind(self.addr) {
                Ok(listener) => break listener,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => panic!("cannot listen on {} again: {e}", self.addr),
            }
        };
        self.serve(listener);
    }
}

/// GET `path`, with the time it took.
fn timed(server: &Server, path: &str) -> (u16, String, String, Duration) {
    let started = Instant::now();
    let (status, head, body) = http_get_with_head(&format!("{}{path}", server.url));
    (status, head, body, started.elapsed())
}

/// The pool would wait this long for a connection (its acquire timeout) before the node
/// gave up on its own; every answer during the outage must come well before it.
const POOL_WAIT: Duration = Duration::from_secs(10);

#[test]
fn a_node_whose_postgresql_goes_away_serves_cached_pages_answers_503_quickly_and_recovers() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let Some(db) = runtime.block_on(flourish_testkit::TestDb::postgres()) else {
        return;
    };
    let work = runtime.block_on(async {
        let pseud = fixtures::writer(&db.store, "neville").await;
        db.store.create_work(&fixtures::work("The Mandrake Letters", &pseud)).await.unwrap()
    });

    // postgres://USER@HOST:PORT/DATABASE, with HOST an address.
    let (head, rest) = db.url.split_once('@').expect("a user in the test database URL");
    let (host_port, database) = rest.split_once('/').expect("a database in the test database URL");
    let target: SocketAddr = host_port.parse().expect("an address and port in the test database URL");
    let proxy = Proxy::start(target);
    let url = format!("{head}@{}/{database}", proxy.addr);
    let dir = temp_dir();
    let server = Server::start(dir.path(), &["--database-url", &url]);

    let work_page = format!("/works/{work}");
    for _ in 0..2 {
        // The second time from the guest cache.
        let (status, _, body, _) = timed(&server, &work_page);
        assert_eq!(status, 200);
        assert!(body.contains("The Mandrake Letters"));
    }
    assert_eq!(timed(&server, "/healthz").0, 200);
    assert_eq!(timed(&server, "/works").0, 200);

    proxy.cut();
    // Asked at once, before the node can have noticed: it must not wait out the pool.
    let (status, head, _, took) = timed(&server, "/users/neville/pseuds/neville");
    eprintln!("a page asked as the database went away: {status} in {took:?}");
    assert_eq!(status, 503, "{head}");
    assert!(took < POOL_WAIT / 2, "the first page after the cut took {took:?}");

    let (status, _, body, took) = timed(&server, &work_page);
    eprintln!("the cached work page during the outage: {status} in {took:?}");
    assert_eq!(status, 200, "a cached page is served without the database");
    assert!(body.contains("The Mandrake Letters"));

    // Listings come from the search index and may be served without the database; every
    // other page needs it. Either way the answer comes at once, and a refusal is the
    // archive's own page saying what is wrong.
    for (path, needs_database) in [
        ("/works?page=3", false),
        ("/works/search?q=mandrake", false),
        ("/tags/Post-War/works", false),
        ("/", false),
        ("/users/neville/pseuds/neville", true),
        ("/works/999", true),
    ] {
        let (status, head, body, took) = timed(&server, path);
        eprintln!("{path} during the outage: {status} in {took:?}");
        assert!(took < POOL_WAIT / 2, "{path} took {took:?}");
        assert!(status == 503 || (status == 200 && !needs_database), "{path}: {head}");
        if status == 503 {
            assert!(head.to_ascii_lowercase().contains("retry-after: "), "{path}: {head}");
            assert!(body.contains("<html") && body.contains("stylesheet"), "{path}: {body}");
            assert!(body.contains("not answering right now"), "{path}: {body}");
        }
    }
    let (status, head, body, took) = timed(&server, "/api/v1/works");
    eprintln!("the API during the outage: {status} in {took:?}");
    assert_eq!(status, 503, "{head}");
    assert!(body.contains(r#""code":"unavailable""#), "{body}");
    let (status, _, _, took) = timed(&server, "/healthz");
    eprintln!("/healthz during the outage: {status} in {took:?}");
    assert_eq!(status, 503);
    assert!(took < POOL_WAIT / 2, "/healthz took {took:?}");

    proxy.restore();
    let started = Instant::now();
    while timed(&server, "/healthz").0 != 200 || timed(&server, "/users/neville/pseuds/neville").0 != 200 {
        if started.elapsed() > Duration::from_secs(30) {
            let logs: Vec<String> = server.logs.try_iter().collect();
            panic!("the node did not recover within 30 s; it said:\n{}", logs.join("\n"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("serving again {:?} after the database came back", started.elapsed());
    let (status, _, body, _) = timed(&server, "/users/neville/pseuds/neville");
    assert_eq!(status, 200);
    assert!(body.contains("The Mandrake Letters"));
}
