//! The templates of every generated file, embedded from the repository's `templates/` folder.
//!
//! A template's name is its path below `templates/` without the `.tera` suffix; where the
//! generated file goes is decided by the command that renders it, not by the template.

use anyhow::{Context as _, Result};
use include_dir::{Dir, include_dir};
use std::sync::OnceLock;

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../templates");

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
        tera
    })
}

fn collect<'a>(dir: &'a Dir<'a>, files: &mut Vec<&'a include_dir::File<'a>>) {
    files.extend(dir.files());
    for sub in dir.dirs() {
        collect(sub, files);
    }
}

/// Render one template with the given context.
pub fn render(name: &str, context: &tera::Context) -> Result<String> {
    engine()
        .render(name, context)
        .with_context(|| format!("rendering template {name}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn all_templates_parse() {
        // Parsing happens when the engine is first built; a syntax error panics here.
        assert!(super::engine().get_template_names().count() > 10);
    }
}
