//! Scaffold markers: the comment lines where `create api` inserts code into existing files.
//!
//! Like kubebuilder's `// +kubebuilder:scaffold:*`, a marker is a whole line holding
//! `+cargo-operator:scaffold:<name>` in a comment. New text goes just above it with the
//! marker's indentation, so repeated inserts stay in creation order. A missing marker is an
//! error naming the marker to restore — never a silent skip or a guess.

use anyhow::{Result, bail};

pub const PREFIX: &str = "+cargo-operator:scaffold:";

#[derive(Debug, Clone)]
pub struct Insertion {
    /// The marker's name, e.g. `controllers` for `// +cargo-operator:scaffold:controllers`.
    pub marker: String,
    /// Lines to insert (without the marker's indentation).
    pub text: String,
    /// Keep the block of code lines right above the marker sorted, instead of appending.
    /// Used for `mod` declarations, which rustfmt would otherwise reorder.
    pub sorted: bool,
}

/// Apply insertions in order; text already present right above the marker is not repeated,
/// which keeps re-runs idempotent.
pub fn insert_all(content: &str, insertions: &[Insertion]) -> Result<String> {
    let mut content = content.to_string();
    for insertion in insertions {
        content = insert(&content, insertion)?;
    }
    Ok(content)
}

fn insert(content: &str, insertion: &Insertion) -> Result<String> {
    let needle = format!("{PREFIX}{}", insertion.marker);
    let lines: Vec<&str> = content.split_inclusive('\n').collect();
    let Some(index) = lines.iter().position(|line| is_marker_line(line, &needle)) else {
        bail!(
            "the scaffold marker `{needle}` is missing; restore a comment line holding it \
             where new entries should go, then re-run"
        );
    };
    let indent: String = lines[index]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let block: String = insertion
        .text
        .lines()
        .map(|line| {
            if line.is_empty() {
                "\n".to_string()
            } else {
                format!("{indent}{line}\n")
            }
        })
        .collect();
    if content.contains(&block) {
        return Ok(content.to_string());
    }
    let at = if insertion.sorted {
        sorted_position(&lines, index, &block)
    } else {
        index
    };
    Ok(format!(
        "{}{block}{}",
        lines[..at].concat(),
        lines[at..].concat()
    ))
}

/// Where `block` goes among the code lines directly above the marker at `marker`, keeping
/// them in the order rustfmt would put them.
fn sorted_position(lines: &[&str], marker: usize, block: &str) -> usize {
    let mut start = marker;
    while start > 0 {
        let line = lines[start - 1].trim();
        if line.is_empty() || line.starts_with("//") || line.starts_with('#') {
            break;
        }
        start -= 1;
    }
    (start..marker)
        .find(|&i| lines[i].trim() > block.trim())
        .unwrap_or(marker)
}

fn is_marker_line(line: &str, needle: &str) -> bool {
    let trimmed = line.trim();
    (trimmed.starts_with("//") || trimmed.starts_with('#'))
        && trimmed.trim_start_matches(['/', '#', ' ']).trim_end() == needle
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insertion(marker: &str, text: &str) -> Insertion {
        Insertion {
            marker: marker.into(),
            text: text.into(),
            sorted: false,
        }
    }

    #[test]
    fn sorted_insertions_keep_module_declarations_in_rustfmt_order() {
        let source = "//! doc\n\npub mod webapp;\n// +cargo-operator:scaffold:groups\n";
        let sorted = |text: &str| Insertion {
            marker: "groups".into(),
            text: text.into(),
            sorted: true,
        };
        let out = insert_all(source, &[sorted("pub mod infra;"), sorted("pub mod zoo;")]).unwrap();
        assert_eq!(
            out,
            "//! doc\n\npub mod infra;\npub mod webapp;\npub mod zoo;\n// +cargo-operator:scaffold:groups\n"
        );
    }

    #[test]
    fn inserts_above_marker_with_its_indentation_and_is_idempotent() {
        let source = "fn main() {\n    // +cargo-operator:scaffold:controllers\n}\n";
        let once = insert_all(source, &[insertion("controllers", "a();")]).unwrap();
        assert_eq!(
            once,
            "fn main() {\n    a();\n    // +cargo-operator:scaffold:controllers\n}\n"
        );
        let twice = insert_all(&once, &[insertion("controllers", "a();")]).unwrap();
        assert_eq!(twice, once);
        let more = insert_all(&once, &[insertion("controllers", "b();")]).unwrap();
        assert!(more.contains("    a();\n    b();\n    // +cargo"), "{more}");
    }

    #[test]
    fn yaml_markers_work_too() {
        let source = "resources:\n- a.yaml\n# +cargo-operator:scaffold:crdkustomizeresource\n";
        let out = insert_all(source, &[insertion("crdkustomizeresource", "- b.yaml")]).unwrap();
        assert_eq!(
            out,
            "resources:\n- a.yaml\n- b.yaml\n# +cargo-operator:scaffold:crdkustomizeresource\n"
        );
    }

    #[test]
    fn missing_marker_names_it() {
        let error = insert_all("fn main() {}\n", &[insertion("controllers", "a();")]).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("+cargo-operator:scaffold:controllers"),
            "{error}"
        );
    }
}
