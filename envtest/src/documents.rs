//! Reading Kubernetes objects from YAML or JSON files and directories, as `kubectl apply -f`
//! reads them.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Why the objects could not be read: a file could not be read, or what it holds is not
/// objects (or the path does not exist).
pub(crate) enum ReadError {
    Io(String, std::io::Error),
    Invalid(String),
}

impl ReadError {
    /// The crate's error, with `invalid` as the variant for what is not I/O.
    pub(crate) fn into_error(self, invalid: fn(String) -> crate::Error) -> crate::Error {
        match self {
            ReadError::Io(what, e) => crate::Error::Io(what, e),
            ReadError::Invalid(why) => invalid(why),
        }
    }
}

/// Every document in a YAML/JSON file (multi-document), or in the `.yaml`, `.yml` and `.json`
/// files directly inside a directory (sorted by name).
pub(crate) fn read(path: &Path) -> Result<Vec<Value>, ReadError> {
    let files = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| ReadError::Io(format!("reading {}", path.display()), e))?
            .flatten()
            .map(|entry| entry.path())
            .filter(|p| {
                p.is_file()
                    && matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("yaml" | "yml" | "json")
                    )
            })
            .collect();
        files.sort();
        files
    } else if path.is_file() {
        vec![path.to_path_buf()]
    } else {
        return Err(ReadError::Invalid(format!(
            "{} does not exist",
            path.display()
        )));
    };
    let mut documents = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| ReadError::Io(format!("reading {}", file.display()), e))?;
        let values: Vec<Value> = serde_saphyr::from_multiple(&text)
            .map_err(|e| ReadError::Invalid(format!("{}: {e}", file.display())))?;
        documents.extend(values.into_iter().filter(|v| !v.is_null()));
    }
    Ok(documents)
}

/// Adds `value` to `out` if it is of one of `kinds`, or the items of a `List` that are.
pub(crate) fn collect(value: Value, kinds: &[&str], out: &mut Vec<Value>) {
    match value.get("kind").and_then(Value::as_str) {
        Some(kind) if kinds.contains(&kind) => out.push(value),
        Some("List") => {
            if let Some(items) = value.get("items").and_then(Value::as_array) {
                for item in items.clone() {
                    collect(item, kinds, out);
                }
            }
        }
        _ => {}
    }
}
