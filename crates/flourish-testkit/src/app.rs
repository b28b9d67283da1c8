//! The web router driven in-process.
