//! One upload streamed to a temporary file in the media folder: hashed and size-checked
//! chunk by chunk, so a 100 MB file never sits in memory and an oversized one stops at the
//! limit. Dropping an unfinished upload removes its partial file.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than the {limit_mb} MB upload limit (storage.max_upload_mb)")]
    TooLarge { limit_mb: u64 },
    #[error("could not write the upload: {0}")]
    Io(#[from] std::io::Error),
}

pub struct Incoming {
    path: PathBuf,
    file: Option<tokio::fs::File>,
    hasher: Sha256,
    size: u64,
    limit: u64,
    head: Vec<u8>,
    kept: bool,
}

/// A finished upload, still under its temporary name.
#[derive(Debug)]
pub struct Received {
    pub temp: PathBuf,
    pub sha256: String,
    pub size: u64,
    /// The first bytes, for sniffing.
    pub head: Vec<u8>,
}

static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Incoming {
    /// Starts a temporary file `.upload-<pid>-<n>.part` in `dir` (created if missing).
    pub async fn create(dir: &Path, limit: u64) -> Result<Incoming, UploadError> {
        tokio::fs::create_dir_all(dir).await?;
        let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = dir.join(format!(".upload-{}-{n}.part", std::process::id()));
        let file = tokio::fs::File::create(&path).await?;
        Ok(Incoming {
            path,
            file: Some(file),
            hasher: Sha256::new(),
            size: 0,
            limit,
            head: Vec::new(),
            kept: false,
        })
    }

    pub async fn push(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(UploadError::TooLarge {
                limit_mb: self.limit / (1024 * 1024),
            });
        }
        if self.head.len() < super::sniff::HEAD {
            let take = (super::sniff::HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        if let Some(f) = self.file.as_mut() {
            f.write_all(chunk).await?;
        }
        Ok(())
    }

    /// Flushes the file to disk; the caller renames or removes `temp`.
    pub async fn finish(mut self) -> Result<Received, UploadError> {
        if let Some(mut f) = self.file.take() {
            f.flush().await?;
            f.sync_all().await?;
        }
        self.kept = true;
        Ok(Received {
            temp: self.path.clone(),
            sha256: hex::encode(std::mem::take(&mut self.hasher).finalize()),
            size: self.size,
            head: std::mem::take(&mut self.head),
        })
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        if !self.kept {
            self.file.take();
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Removes temporary files an interrupted earlier run left behind.
pub fn sweep_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".upload-") && name.ends_with(".part") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
