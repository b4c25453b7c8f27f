//! The templates of every generated file, embedded from this package's `templates/`. A
//! template's path mirrors the path of the file it generates (`init/Makefile.jinja` →
//! `Makefile`, `api/src/controller/{kind_id}.rs.jinja` → `src/controller/guestbook.rs`).
//!
//! Filters for user text: `toml` writes a TOML basic string (quotes included), `rust` a Rust
//! string literal, so that `--owner 'A "B" Corp'` cannot break the file it lands in.

use anyhow::{Context as _, Result};
use include_dir::{Dir, include_dir};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;
use std::sync::OnceLock;

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

fn engine() -> &'static Environment<'static> {
    static ENGINE: OnceLock<Environment<'static>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut env = Environment::new();
        // A generated file ends as its template does (Jinja drops the last newline).
        env.set_syntax(
            SyntaxConfig::builder()
                .keep_trailing_newline(true)
                .build()
                .expect("the default delimiters are valid"),
        );
        // A variable the vars do not define is a bug in the CLI, not an empty string.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Generated files are source code and YAML, never HTML.
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.add_filter("toml", |text: &str| toml_string(text));
        env.add_filter("rust", |text: &str| rust_string(text));
        let mut files = Vec::new();
        collect(&TEMPLATES, &mut files);
        for file in files {
            let path = file.path().to_str().expect("template paths are UTF-8");
            let name = path.strip_suffix(".jinja").unwrap_or(path);
            let body = file.contents_utf8().expect("templates are UTF-8");
            env.add_template(name, body)
                .unwrap_or_else(|e| panic!("embedded template {name} parses: {e:#}"));
        }
        env
    })
}

fn collect(dir: &'static Dir<'static>, files: &mut Vec<&'static include_dir::File<'static>>) {
    files.extend(dir.files());
    for sub in dir.dirs() {
        collect(sub, files);
    }
}

/// Renders the template `name` (its path below `templates/`, without `.jinja`).
pub fn render(name: &str, vars: &impl Serialize) -> Result<String> {
    engine()
        .get_template(name)
        .and_then(|template| template.render(Value::from(Serde(vars))))
        .map_err(|e| anyhow::anyhow!("{e:#}"))
        .with_context(|| format!("rendering template {name}"))
}

/// The names of every template below `prefix/`, sorted.
pub fn names_under(prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = engine()
        .templates()
        .map(|(name, _)| name)
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
        assert!(engine().templates().count() > 10);
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
