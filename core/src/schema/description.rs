//! Shortening descriptions, as controller-gen's `crd:maxDescLen=N` does: a CRD that embeds a
//! `PodTemplateSpec` carries hundreds of kilobytes of Kubernetes documentation, enough to
//! break client-side `kubectl apply` (its annotation is limited to 256 KiB).

use serde_json::Value;

use super::{Object, subschemas_mut};

/// Every description below `node` (schema nodes only, never data) cut to at most `max` bytes:
/// `0` removes them; a longer one ends at its last sentence end within the limit, or else at
/// its last whitespace followed by `...`, or else hard at the limit followed by `...` (the
/// same cuts as controller-gen, so both tools give a project the same CRD).
pub fn truncate(node: &mut Object, max: usize) {
    if max == 0 {
        node.remove("description");
    } else if let Some(Value::String(text)) = node.get_mut("description") {
        *text = truncated(text, max);
    }
    for child in subschemas_mut(node) {
        if let Value::Object(child) = child {
            truncate(child, max);
        }
    }
}

fn truncated(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    // controller-gen counts bytes; a cut inside a UTF-8 sequence moves back to its start.
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    if let Some((at, c)) = head.char_indices().rev().find(|(_, c)| is_sentence_end(*c))
        && at > 0
    {
        return head[..at + c.len_utf8()].to_string();
    }
    if let Some((at, _)) = head.char_indices().rev().find(|(_, c)| c.is_whitespace())
        && at > 0
    {
        return format!("{}...", &head[..at]);
    }
    format!("{head}...")
}

/// Unicode's sentence terminals (`STerm`) that occur in API documentation.
fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | '‼'
            | '‽'
            | '⁇'
            | '⁈'
            | '⁉'
            | '。'
            | '．'
            | '！'
            | '？'
            | '｡'
            | '։'
            | '۔'
            | '।'
            | '॥'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn descriptions_are_cut_like_controller_gen_cuts_them() {
        assert_eq!(truncated("One. Two three.", 9), "One.");
        assert_eq!(truncated("One two three", 9), "One two...");
        assert_eq!(truncated("Onetwothree", 5), "Onetw...");
        assert_eq!(truncated("short", 9), "short");
        assert_eq!(truncated("ééé", 3), "é...");
    }

    #[test]
    fn only_schema_descriptions_are_touched() {
        let mut node = json!({"description": "Top. More.", "type": "object", "properties": {
            "description": {"type": "string", "description": "A property named description.",
                            "default": "kept"}}});
        truncate(node.as_object_mut().unwrap(), 0);
        assert_eq!(
            node,
            json!({"type": "object", "properties": {
                "description": {"type": "string", "default": "kept"}}})
        );
    }
}
