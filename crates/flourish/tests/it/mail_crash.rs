//! The mail worker under kill -9: the real binary is killed again and again while it works
//! through queued mail, at random moments and at the one moment that matters most (right
//! after the mail server accepted a message, before the worker recorded it). Every queued
//! message must arrive; a message may arrive twice only if a kill fell in that window, and
//! then with the same `Message-ID`.

use crate::server::{Server, data_file, temp_dir};
use flourish_core::{CommentPolicy, Commenter, NewComment, TextFormat};
use flourish_store::conversation::jobs::MAIL_NOTIFICATION;
use flourish_store::{AccountStore, CommentStore, JobStore, NewAccount, Store, WorkStore};
use flourish_testkit::fixtures;
use flourish_testkit::smtp::{SmtpEvent, message_id, smtp_server_then};
use rand::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Commenters, and comments each (a new account may leave three in 15 minutes).
const COMMENTERS: usize = 12;
const COMMENTS_EACH: usize = 3;
/// Acceptances after which the SMTP server kills the archive at once: in the window.
const KILL_AFTER_ACCEPTING: [usize; 3] = [2, 11, 23];

/// What the mail server and the test saw, in order.
#[derive(Clone, Debug)]
enum Event {
    /// An SMTP session opened.
    Connected(usize),
    /// A message accepted on a session.
    Accepted(usize, String),
    Killed {
        in_window: bool,
    },
}

/// The messages a kill caught between the end of their sending and the worker's record:
/// the last one accepted before a kill, and any accepted after a kill on a session the
/// killed process had opened (its final dot was on the wire when it died, so the mail
/// server accepted it, but the worker never heard).
fn caught_in_the_window(events: &[Event]) -> Vec<String> {
    let mut caught = Vec::new();
    let (mut live, mut dead) = (Vec::new(), Vec::new());
    let mut last_accepted: Option<&String> = None;
    for event in events {
        match event {
            Event::Connected(session) => live.push(*session),
            Event::Accepted(session, id) => {
                if dead.contains(session) {
                    caught.push(id.clone());
                }
                last_accepted = Some(id);
            }
            Event::Killed { .. } => {
                caught.extend(last_accepted.take().cloned());
                dead.append(&mut live);
            }
        }
    }
    caught
}

/// Queues one mail per comment: the creator hears of each comment by email at once.
async fn queue_mail(dir: &std::path::Path) -> usize {
    let store = Store::connect(&format!("sqlite://{}", data_file(dir).display())).await.unwrap();
    store.migrate().await.unwrap();
    let (creator, pseud) = store
        .register(&NewAccount {
            username: "neville",
            email: "neville@example.org",
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            confirmed: true,
            is_admin: false,
            invitation: None,
        })
        .await
        .unwrap();
    assert!(creator.email.is_some());
    let mut draft = fixtures::work("The Mandrake Letters", &pseud);
    draft.comment_policy = CommentPolicy::Members;
    let work = store.create_work(&draft).await.unwrap();
    for n in 0..COMMENTERS {
        let (_, reader) = store.create_user(&format!("reader{n}")).await.unwrap();
        for k in 0..COMMENTS_EACH {
            let new = NewComment {
                work,
                chapter: None,
                parent: None,
                content: format!("Comment {k} from reader {n}: the greenhouse scene stayed with me."),
                format: TextFormat::Plain,
                by: Commenter::Member { user: reader.user_id, pseud: Some(reader.id) },
            };
            store.add_comment(&new).await.unwrap();
        }
    }
    store.close().await;
    COMMENTERS * COMMENTS_EACH
}

/// The mail jobs' states, read beside the running server (SQLite's WAL lets both in).
async fn job_states(dir: &std::path::Path) -> BTreeMap<i64, String> {
    let store = Store::connect(&format!("sqlite://{}", data_file(dir).display())).await.unwrap();
    let jobs = store.jobs(None, 10_000).await.unwrap();
    store.close().await;
    jobs.into_iter().filter(|j| j.kind == MAIL_NOTIFICATION).map(|j| (j.id, j.state)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_mail_survives_kill_9_and_repeats_only_after_acceptance() {
    let dir = temp_dir();
    let queued = queue_mail(dir.path()).await;

    // The mail server kills the archive right after its 2nd, 11th and 23rd acceptance. Every
    // acceptance and every kill is logged with its moment, to tell afterwards which kills
    // fell in the window: after a message's acceptance, before the worker moved on.
    let pid = Arc::new(AtomicI32::new(0));
    let accepted = Arc::new(AtomicUsize::new(0));
    let planned = Arc::new(AtomicUsize::new(0));
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let kill = |pid: i32| {
        if let Some(pid) = rustix::process::Pid::from_raw(pid) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
        }
    };
    let on_event = {
        let (pid, accepted, events, planned) = (pid.clone(), accepted.clone(), events.clone(), planned.clone());
        Arc::new(move |event: SmtpEvent<'_>| {
            let (session, message) = match event {
                SmtpEvent::Connected { session } => {
                    events.lock().unwrap().push(Event::Connected(session));
                    return;
                }
                SmtpEvent::Accepted { session, message } => (session, message),
            };
            let id = message_id(message).unwrap_or_default().to_owned();
            events.lock().unwrap().push(Event::Accepted(session, id));
            // The next planned kill, at the first acceptance from a live process at or past it.
            let n = accepted.fetch_add(1, Ordering::SeqCst) + 1;
            let target = pid.load(Ordering::SeqCst);
            let next = planned.load(Ordering::SeqCst);
            if KILL_AFTER_ACCEPTING.get(next).is_some_and(|k| n >= *k) && target > 0 {
                planned.fetch_add(1, Ordering::SeqCst);
                events.lock().unwrap().push(Event::Killed { in_window: true });
                kill(target);
            }
        })
    };
    let (port, received) = smtp_server_then(on_event).await;
    std::fs::write(
        dir.path().join("flourish.toml"),
        format!(
            "public_url = \"http://archive.example.org\"\n[mail]\nsmtp_url = \"smtp://127.0.0.1:{port}\"\n\
             from = \"Flourish <noreply@archive.example.org>\"\nlease_secs = 1\n"
        ),
    )
    .unwrap();

    // Start, let it work for a random moment, kill -9; again, until every job is done.
    let mut rng = rand::rng();
    let mut random_kills = 0;
    let started = Instant::now();
    loop {
        assert!(started.elapsed() < Duration::from_secs(240), "the queue never drained");
        let server = Server::start(dir.path(), &[]);
        pid.store(server.child.id() as i32, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(rng.random_range(20..500))).await;
        let states = job_states(dir.path()).await;
        let done = states.values().filter(|s| *s == "done").count();
        if done == queued {
            drop(server);
            break;
        }
        pid.store(0, Ordering::SeqCst);
        events.lock().unwrap().push(Event::Killed { in_window: false });
        kill(server.child.id() as i32); // whatever the worker was doing
        drop(server);
        random_kills += 1;
    }

    let messages = received.lock().unwrap().clone();
    let mut by_id: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for m in &messages {
        let id = message_id(m).expect("every message has a Message-ID").to_owned();
        by_id.entry(id).or_default().push(m);
    }
    // Every queued message arrived, under the Message-ID its job gives it.
    let expected: BTreeSet<String> =
        job_states(dir.path()).await.keys().map(|job| format!("<flourish.job.{job}@archive.example.org>")).collect();
    assert_eq!(expected.len(), queued);
    assert_eq!(by_id.keys().cloned().collect::<BTreeSet<_>>(), expected, "every queued message, and nothing else");
    // A repeat only where a kill fell between acceptance and record (see
    // `caught_in_the_window`). The worker sends one message at a time and records it before
    // the next, so a later acceptance proves the record was made.
    let events = events.lock().unwrap().clone();
    let in_window = caught_in_the_window(&events);
    let repeated: Vec<&String> = by_id.iter().filter(|(_, copies)| copies.len() > 1).map(|(id, _)| id).collect();
    for id in &repeated {
        assert!(in_window.contains(id), "{id} was sent twice with no kill right after its acceptance: {events:?}");
        let copies = &by_id[*id];
        assert!(copies.len() <= 1 + in_window.iter().filter(|k| *k == *id).count());
        let body = |m: &str| m.split_once("\n\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
        assert!(copies.iter().all(|c| body(c) == body(copies[0])), "a repeat is the same message");
    }
    let planned = events.iter().filter(|e| matches!(e, Event::Killed { in_window: true })).count();
    eprintln!(
        "{queued} messages delivered through {random_kills} random kills and {planned} kills right after \
         acceptance; {} messages were caught in the window, {} repeated, {} received in all",
        in_window.len(),
        repeated.len(),
        messages.len()
    );
    assert_eq!(planned, KILL_AFTER_ACCEPTING.len(), "the mail server killed the worker in the window");
}
