//! The audit log, and the one step every change to a work takes afterwards.
//!
//! Forms and the API both call [`work_changed`] after a write that changed a work, so a
//! work edited through a script is audited like one edited on a page, and its cached
//! pages are forgotten the same way. Account-security events call [`record`].

use crate::auth::Visitor;
use crate::state::AppState;
use flourish_core::{Account, WorkId};
use flourish_store::AuditEntry;
use flourish_store::AuditStore;
use std::net::IpAddr;

/// Who did something, as the audit log names them.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The username, or `-` for a guest.
    name: String,
    address: IpAddr,
    /// Through a personal API token rather than a page.
    via_api: bool,
}

impl Actor {
    /// A visitor on a page (a guest or a logged-in account).
    pub fn of(visitor: &Visitor) -> Actor {
        Actor { name: visitor.actor(), address: visitor.address, via_api: false }
    }

    /// An account writing through the API with its token.
    pub fn api(account: &Account, address: IpAddr) -> Actor {
        Actor { name: account.username.clone(), address, via_api: true }
    }
}

/// Writes an entry to the audit log; a failure to write is logged, not shown.
pub async fn record(state: &AppState, actor: &Actor, action: &str, target: &str, detail: &str) {
    let detail = match (actor.via_api, detail.is_empty()) {
        (false, _) => detail.to_owned(),
        (true, true) => "through the API".to_owned(),
        (true, false) => format!("{detail} (through the API)"),
    };
    let entry = AuditEntry {
        actor: actor.name.clone(),
        action: action.to_owned(),
        target: target.to_owned(),
        detail,
        address: actor.address.to_string(),
        ..Default::default()
    };
    if let Err(e) = state.store.audit(&entry).await {
        tracing::error!(error = %e, action, "cannot write the audit log");
    }
}

/// [`record`] for a visitor on a page.
pub async fn by_visitor(state: &AppState, visitor: &Visitor, action: &str, target: &str, detail: &str) {
    record(state, &Actor::of(visitor), action, target, detail).await;
}

/// After a write that changed a work: this node forgets the work's cached pages at once
/// (other nodes follow the outbox within a poll), and the change is audited as
/// `action` on the work, with `detail`.
pub async fn work_changed(state: &AppState, actor: &Actor, work: WorkId, title: &str, action: &str, detail: &str) {
    state.page_cache.forget(work);
    record(state, actor, action, &format!("work {work}: {title}"), detail).await;
}
