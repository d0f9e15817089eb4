//! Small text helpers shared by validation messages and logs.

/// Quotes a user-supplied value for a message: control characters become spaces and long values
/// are cut (characters, not bytes) so one bad field cannot swamp the message.
pub fn quote(value: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(value.len().min(max_chars * 4) + 2);
    out.push('\'');
    for (i, c) in value.chars().enumerate() {
        if i == max_chars {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out.push('\'');
    out
}

/// Cuts `text` to at most `max_chars` characters, ending with `…` when it had to cut.
pub fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars.saturating_sub(1)) {
        Some((idx, _)) if text.chars().count() > max_chars => format!("{}…", &text[..idx]),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_cuts_by_characters_and_strips_controls() {
        assert_eq!(quote("ab\ncd", 10), "'ab cd'");
        assert_eq!(quote("ééééé", 3), "'ééé…'");
    }

    #[test]
    fn truncate_keeps_short_text_and_marks_cuts() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("ééééé", 5), "ééééé");
        let cut = truncate("ééééé", 3);
        assert_eq!(cut, "éé…");
        assert_eq!(cut.chars().count(), 3);
    }
}
