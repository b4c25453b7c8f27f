//! The templates of every generated file, embedded from this package's `templates/`. A
//! template's path mirrors the path of the file it generates (`init/Makefile.tera` →
//! `Makefile`, `api/src/controller/{kind_id}.rs.tera` → `src/controller/guestbook.rs`).
//!
//! Filters for user text: `toml` writes a TOML basic string (quotes included), `rust` a Rust
//! string literal, so that `--owner 'A "B" Corp'` cannot break the file it lands in.

use anyhow::{Context as _, Result};
use include_dir::{Dir, include_dir};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

fn engine() -> &'static tera::Tera {
    static ENGINE: OnceLock<tera::Tera> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut tera = tera::Tera::default();
        let mut files = Vec::new();
        collect(&TEMPLATES, &mut files);
        let templates = files.iter().map(|file| {
            let path = file.path().to_string_lossy();
            let name = path.strip_suffix(".tera").unwrap_or(&path).to_string();
            let body = file.contents_utf8().expect("templates are UTF-8");
            (name, body)
        });
        tera.add_raw_templates(templates)
            .expect("embedded templates parse");
        // Generated files are source code and YAML, never HTML.
        tera.autoescape_on(vec![]);
        tera.register_filter("toml", filter(toml_string));
        tera.register_filter("rust", filter(rust_string));
        tera
    })
}

fn filter(
    escape: fn(&str) -> String,
) -> impl Fn(&tera::Value, &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    move |value, _| match value.as_str() {
        Some(text) => Ok(tera::Value::String(escape(text))),
        None => Err(tera::Error::msg("this filter applies to strings")),
    }
}

fn collect<'a>(dir: &'a Dir<'a>, files: &mut Vec<&'a include_dir::File<'a>>) {
    files.extend(dir.files());
    for sub in dir.dirs() {
        collect(sub, files);
    }
}

/// Renders the template `name` (its path below `templates/`, without `.tera`).
pub fn render(name: &str, vars: &impl Serialize) -> Result<String> {
    let context = tera::Context::from_serialize(vars).context("template variables")?;
    engine()
        .render(name, &context)
        .with_context(|| format!("rendering template {name}"))
}

/// The names of every template below `prefix/`, sorted.
pub fn names_under(prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = engine()
        .get_template_names()
        .filter(|n| n.starts_with(&format!("{prefix}/")))
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

/// A TOML string (basic or literal, as needed), quotes included.
pub fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A Rust string literal, quotes included.
pub fn rust_string(text: &str) -> String {
    format!("{text:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_templates_parse() {
        assert!(engine().get_template_names().count() > 10);
    }

    #[test]
    fn user_text_is_escaped_where_it_is_written() {
        for text in [r#"A "B" Corp\"#, "it's", "'\"", "line\nbreak"] {
            let table: toml::Table = toml::from_str(&format!("a = {}", toml_string(text))).unwrap();
            assert_eq!(table["a"].as_str(), Some(text));
        }
        assert_eq!(rust_string("a\"b\n"), r#""a\"b\n""#);
    }
}
