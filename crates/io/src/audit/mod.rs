//! The audit file: created with mode 0600 (and its directory with 0700), opened for append,
//! each record written as one `write` of one complete line and then fsynced, so a crash or a
//! kill leaves whole lines only. Reading tolerates a torn last line from another writer and
//! says where it is.

pub mod who;

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use watchdeck_core::runbook::audit::AuditRecord;

/// The default audit file: `$XDG_STATE_HOME/watchdeck/audit.jsonl`
/// (`~/.local/state/watchdeck/audit.jsonl`).
pub fn default_path() -> Option<PathBuf> {
    watchdeck_core::config::state_dir().map(|d| d.join("audit.jsonl"))
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(
        "cannot open the audit file {path}: {source}; set [runbooks] audit_file in the config or fix the directory's permissions"
    )]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write to the audit file {path}: {source}; nothing was executed after this")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read the audit file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// An open audit file.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    file: File,
}

impl AuditLog {
    /// Opens (creating with mode 0600) the file for appending.
    pub fn open(path: &Path) -> Result<Self, AuditError> {
        let open_error = |source| AuditError::Open {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(open_error)?;
        }
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path).map_err(open_error)?;
        Ok(AuditLog {
            path: path.to_owned(),
            file,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record as one line and flushes it to disk before returning.
    pub fn append(&mut self, record: &AuditRecord) -> Result<(), AuditError> {
        let write_error = |source| AuditError::Write {
            path: self.path.clone(),
            source,
        };
        let mut line = serde_json::to_vec(record)
            .map_err(|e| write_error(std::io::Error::other(e.to_string())))?;
        line.push(b'\n');
        // One write call with O_APPEND: the line lands whole at the end of the file.
        self.file.write_all(&line).map_err(write_error)?;
        self.file.sync_data().map_err(write_error)
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// One line of the file as read back.
#[derive(Debug, Clone, PartialEq)]
pub enum AuditLine {
    Record(Box<AuditRecord>),
    /// A line that is not a record (torn by a crash of another writer, or edited by hand).
    Damaged {
        line: usize,
        reason: String,
    },
}

/// Reads every line; a missing file reads as empty.
pub fn read_all(path: &Path) -> Result<Vec<AuditLine>, AuditError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(AuditError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    let mut lines = Vec::new();
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| AuditError::Read {
            path: path.to_owned(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        lines.push(match serde_json::from_str::<AuditRecord>(&line) {
            Ok(record) => AuditLine::Record(Box::new(record)),
            Err(e) => AuditLine::Damaged {
                line: index + 1,
                reason: e.to_string(),
            },
        });
    }
    Ok(lines)
}
