//! Keeping the data file safe: the start-up check that refuses a damaged file without
//! touching it, rotating backups, and `stagehand restore`.
//!
//! A backup is a copy of the file taken on the engine thread between two group commits
//! (the engine is the only writer), so it is the state after a durable commit — what a
//! power cut at that moment would leave — and opens like one (redb repairs its allocator on
//! first open; no committed data is involved).

use super::{Loaded, Store, StoreError, StoreReader};
use redb::{Database, DatabaseError, ReadOnlyDatabase, ReadableDatabase};
use std::path::{Path, PathBuf};

pub const FILE: &str = "stagehand.redb";
const BACKUP_DIR: &str = "backups";

/// Why the data file cannot be used; the file itself is left exactly as it was.
#[derive(Debug, thiserror::Error)]
pub enum Damaged {
    #[error(
        "the data file {path} cannot be read ({reason}). It was left untouched. \
         Restore the newest backup with:\n    stagehand restore {hint}"
    )]
    Unreadable {
        path: String,
        reason: String,
        hint: String,
    },
}

/// Before anything opens `dir/stagehand.redb` for writing: if it exists, it must read back
/// whole, so a damaged file is refused before a single byte of it is written.
pub fn check(dir: &Path) -> Result<(), Damaged> {
    let path = dir.join(FILE);
    if !path.exists() {
        return Ok(());
    }
    let damaged = |reason: String| Damaged::Unreadable {
        path: path.display().to_string(),
        reason,
        hint: newest(dir).map_or_else(
            || {
                format!(
                    "<backup file>   (no backups in {})",
                    dir.join(BACKUP_DIR).display()
                )
            },
            |p| p.display().to_string(),
        ),
    };
    // redb may panic on some damage (an index out of range in a garbled page) instead of
    // returning an error: that is a refusal too, and must not print a backtrace at the user.
    let opened = match quietly(|| ReadOnlyDatabase::open(&path).map(|db| read_all(&db).map(drop))) {
        Some(o) => o,
        None => return Err(damaged("its pages are garbled".into())),
    };
    match opened {
        Ok(read) => read.map_err(|e| damaged(e.to_string())),
        // Not shut down cleanly (SIGKILL, power cut): redb repairs on open, which writes.
        // Repair a copy first; only a file whose copy repairs and reads back whole is opened.
        Err(DatabaseError::RepairAborted) => {
            let trial = dir.join(format!(".{FILE}.checking"));
            std::fs::copy(&path, &trial)
                .map_err(|e| damaged(format!("cannot check a copy of it: {e}")))?;
            let checked = quietly(|| {
                Database::create(&trial)
                    .map_err(|e| e.to_string())
                    .and_then(|db| read_all(&db).map(drop).map_err(|e| e.to_string()))
            })
            .unwrap_or_else(|| Err("its pages are garbled".into()));
            let _ = std::fs::remove_file(&trial);
            checked.map_err(damaged)
        }
        // Another stagehand has it open: opening for writing reports that clearly.
        Err(DatabaseError::DatabaseAlreadyOpen) => Ok(()),
        Err(e) => Err(damaged(e.to_string())),
    }
}

/// Runs `f`, turning a panic into None without printing it. Only for start-up and restore,
/// before other threads run (the panic hook is process-wide).
fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    std::panic::set_hook(hook);
    r
}

fn read_all(db: &impl ReadableDatabase) -> Result<Loaded, StoreError> {
    let txn = db.begin_read().map_err(redb::Error::from)?;
    StoreReader::new(txn).load()
}

/// Backups of `dir`, newest first (names sort by time).
pub fn list(dir: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir.join(BACKUP_DIR))
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("stagehand-") && n.ends_with(".redb"))
                })
                .collect()
        })
        .unwrap_or_default();
    all.sort();
    all.reverse();
    all
}

fn newest(dir: &Path) -> Option<PathBuf> {
    list(dir).into_iter().next()
}

impl Store {
    /// Copies the data file to `dir/backups/stagehand-<UTC time>.redb` and keeps the newest
    /// `keep`. Call only between commits (the engine does), never beside a write.
    pub fn backup(&self, keep: usize) -> std::io::Result<PathBuf> {
        let dir = self.dir.join(BACKUP_DIR);
        std::fs::create_dir_all(&dir)?;
        let name = format!("stagehand-{}.redb", utc_stamp());
        let target = dir.join(&name);
        let partial = dir.join(format!(".{name}.partial"));
        std::fs::copy(self.dir.join(FILE), &partial)?;
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, &target)?;
        for old in list(&self.dir).into_iter().skip(keep.max(1)) {
            if let Err(e) = std::fs::remove_file(&old) {
                tracing::warn!(file = %old.display(), error = %e, "cannot prune an old backup");
            }
        }
        Ok(target)
    }
}

/// Why a restore was refused.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("{0} does not exist")]
    Missing(String),
    #[error("stagehand is running on {0}: stop it first, then restore")]
    InUse(String),
    #[error("{file} is not a usable stagehand data file: {reason}")]
    Invalid { file: String, reason: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Replaces `dir/stagehand.redb` with `from` after checking that `from` opens and reads back
/// whole. The file it replaces is kept beside it (`stagehand.redb.replaced-<time>`), never
/// deleted. Returns the path of that kept file, if there was one.
pub fn restore(dir: &Path, from: &Path) -> Result<Option<PathBuf>, RestoreError> {
    if !from.exists() {
        return Err(RestoreError::Missing(from.display().to_string()));
    }
    std::fs::create_dir_all(dir)?;
    let current = dir.join(FILE);
    if current.exists()
        && let Some(Err(DatabaseError::DatabaseAlreadyOpen)) =
            quietly(|| ReadOnlyDatabase::open(&current).map(drop))
    {
        return Err(RestoreError::InUse(current.display().to_string()));
    }
    // Check a copy, so neither the backup nor the current file is written by the check.
    let staged = dir.join(format!(".{FILE}.restoring"));
    std::fs::copy(from, &staged)?;
    let invalid = |reason: String| RestoreError::Invalid {
        file: from.display().to_string(),
        reason,
    };
    let checked = quietly(|| {
        Database::create(&staged)
            .map_err(|e| invalid(e.to_string()))
            .and_then(|db| read_all(&db).map(drop).map_err(|e| invalid(e.to_string())))
    })
    .unwrap_or_else(|| Err(invalid("its pages are garbled".into())));
    if let Err(e) = checked {
        let _ = std::fs::remove_file(&staged);
        return Err(e);
    }
    let kept = if current.exists() {
        let keep = dir.join(format!("{FILE}.replaced-{}", utc_stamp()));
        std::fs::rename(&current, &keep)?;
        Some(keep)
    } else {
        None
    };
    std::fs::rename(&staged, &current)?;
    Ok(kept)
}

/// `20261202T225301Z`-style UTC time with milliseconds, for sortable file names.
fn utc_stamp() -> String {
    let ms = crate::model::now_ms();
    let secs = (ms / 1000) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_sort_by_time() {
        let s = utc_stamp();
        assert_eq!(s.len(), "20261202T225301.123Z".len(), "{s}");
        assert!(s.starts_with("20"), "{s}");
    }

    #[test]
    fn backup_restore_round_trip_and_rotation() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut last = PathBuf::new();
        for _ in 0..4 {
            last = store.backup(2).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        assert_eq!(list(dir.path()).len(), 2, "only the newest are kept");
        assert_eq!(list(dir.path())[0], last);
        // The running store's file is locked: a restore beside it is refused.
        assert!(matches!(
            restore(dir.path(), &last),
            Err(RestoreError::InUse(_))
        ));
        drop(store);
        let kept = restore(dir.path(), &last).unwrap().expect("old file kept");
        assert!(kept.exists());
        Store::open(dir.path()).unwrap().load().unwrap();
        // Garbage is refused and changes nothing.
        let junk = dir.path().join("junk.redb");
        std::fs::write(&junk, b"not a database").unwrap();
        let before = std::fs::read(dir.path().join(FILE)).unwrap();
        assert!(matches!(
            restore(dir.path(), &junk),
            Err(RestoreError::Invalid { .. })
        ));
        assert_eq!(std::fs::read(dir.path().join(FILE)).unwrap(), before);
    }
}
