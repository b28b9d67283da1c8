//! A small filesystem of its own, to fill up: how tests see what a full disk does.

use std::path::Path;
use std::process::Command;
use tempfile::TempDir;

/// A tmpfs of a fixed size mounted on a temporary directory, unmounted when dropped.
/// Mounting needs root, which the test machines and CI have.
pub struct SmallDisk {
    dir: TempDir,
}

impl SmallDisk {
    /// Mounts a tmpfs of `mib` MiB, or returns `None` (after [`crate::require_or_skip`])
    /// where this process may not mount.
    pub fn mount(mib: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("temporary directory");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(dir.path())
            .status();
        if !status.is_ok_and(|s| s.success()) {
            crate::require_or_skip("cannot mount a small tmpfs (this test needs root)");
            return None;
        }
        Some(SmallDisk { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file of zeros until the disk refuses more; returns its path.
    pub fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let path = self.path().join("filler");
        let mut file = std::fs::File::create(&path).expect("create the filler");
        let block = vec![0u8; 64 * 1024];
        loop {
            if file.write_all(&block).and_then(|()| file.flush()).is_err() {
                break;
            }
        }
        // Whatever a block did not fit is filled a byte at a time.
        while file.write_all(&[0]).is_ok() {}
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // Lazily: a connection the test leaked must not keep the mount (and the test) alive.
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}
