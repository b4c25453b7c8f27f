//! The regular-expression dialect of the API server: Go's `regexp` (RE2 syntax with Perl
//! extensions), which compiles every `pattern` of a CRD schema and refuses the CRD when one
//! does not compile. Rust's `regex` accepts things RE2 does not (`\<`, `[a&&b]`, counts above
//! 1000, `a**`) and refuses some RE2 accepts (`\Q…\E`, `\C`), so a pattern is checked here
//! against RE2's own grammar (Go's `regexp/syntax`, `Perl` flags).

/// Why Go's `regexp.Compile` refuses `pattern`, in its words, if it does.
pub fn check(pattern: &str) -> std::result::Result<(), String> {
    Parser {
        chars: pattern.chars().collect(),
        pos: 0,
        names: Vec::new(),
        depth: 0,
    }
    .alternation()
}

/// Go's limit on `{n,m}` counts.
const MAX_REPEAT: u32 = 1000;
/// Go's limit on nesting.
const MAX_DEPTH: usize = 1000;

const ASCII_CLASSES: &[&str] = &[
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// Unicode general categories and scripts Go's `unicode` tables know (`\p{…}`).
const UNICODE_CLASSES: &[&str] = &[
    "Any",
    "C",
    "Cc",
    "Cf",
    "Co",
    "Cs",
    "L",
    "Ll",
    "Lm",
    "Lo",
    "Lt",
    "Lu",
    "M",
    "Mc",
    "Me",
    "Mn",
    "N",
    "Nd",
    "Nl",
    "No",
    "P",
    "Pc",
    "Pd",
    "Pe",
    "Pf",
    "Pi",
    "Po",
    "Ps",
    "S",
    "Sc",
    "Sk",
    "Sm",
    "So",
    "Z",
    "Zl",
    "Zp",
    "Zs",
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cypro_Minoan",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kawi",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nag_Mundari",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Old_Uyghur",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];

struct Parser {
    chars: Vec<char>,
    pos: usize,
    names: Vec<String>,
    depth: usize,
}

type Result<T = ()> = std::result::Result<T, String>;

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn rest(&self) -> String {
        self.chars[self.pos..].iter().collect()
    }

    fn alternation(&mut self) -> Result {
        loop {
            self.concatenation()?;
            match self.peek() {
                Some('|') => self.pos += 1,
                Some(')') => {
                    if self.depth == 0 {
                        return Err("unexpected ): `".to_string() + &self.rest() + "`");
                    }
                    return Ok(());
                }
                None => return Ok(()),
                Some(other) => unreachable!("concatenation stops at | or ), not {other}"),
            }
        }
    }

    fn concatenation(&mut self) -> Result {
        // Whether the previous item can take a repetition operator, and whether it already
        // has one (Go refuses `a**`).
        let mut operand = false;
        let mut repeated = false;
        while let Some(c) = self.peek() {
            match c {
                '|' | ')' => return Ok(()),
                '*' | '+' | '?' => {
                    let start = self.pos;
                    self.pos += 1;
                    if self.peek() == Some('?') {
                        self.pos += 1;
                    }
                    let op: String = self.chars[start..self.pos].iter().collect();
                    self.repetition(&op, operand, repeated)?;
                    repeated = true;
                }
                '{' => {
                    let start = self.pos;
                    match self.repeat_braces()? {
                        Some(()) => {
                            let op: String = self.chars[start..self.pos].iter().collect();
                            self.repetition(&op, operand, repeated)?;
                            repeated = true;
                        }
                        None => {
                            // Not a repeat: a literal `{`.
                            self.pos = start + 1;
                            operand = true;
                            repeated = false;
                        }
                    }
                }
                '(' => {
                    self.group()?;
                    operand = true;
                    repeated = false;
                }
                '[' => {
                    self.class()?;
                    operand = true;
                    repeated = false;
                }
                '\\' => {
                    // `\Q…\E` is a run of literals; everything else one item.
                    operand = self.escape_outside_class()?;
                    repeated = false;
                }
                '^' | '$' => {
                    self.pos += 1;
                    operand = true;
                    repeated = false;
                }
                _ => {
                    self.pos += 1;
                    operand = true;
                    repeated = false;
                }
            }
        }
        Ok(())
    }

    fn repetition(&self, op: &str, operand: bool, repeated: bool) -> Result {
        if repeated {
            return Err(format!("invalid nested repetition operator: `{op}`"));
        }
        if !operand {
            return Err(format!("missing argument to repetition operator: `{op}`"));
        }
        Ok(())
    }

    /// `{n}`, `{n,}`, `{n,m}` at the cursor: consumed and checked, or `None` (a literal `{`).
    fn repeat_braces(&mut self) -> Result<Option<()>> {
        let start = self.pos;
        let mut i = self.pos + 1;
        let number = |i: &mut usize, chars: &[char]| -> Option<u64> {
            let begin = *i;
            while chars.get(*i).is_some_and(char::is_ascii_digit) {
                *i += 1;
            }
            if *i == begin {
                return None;
            }
            let digits: String = chars[begin..*i].iter().collect();
            // Go refuses leading zeros only by the count limit; keep the value.
            Some(digits.parse().unwrap_or(u64::MAX))
        };
        let Some(min) = number(&mut i, &self.chars) else {
            return Ok(None);
        };
        let max = if self.chars.get(i) == Some(&',') {
            i += 1;
            if self.chars.get(i) == Some(&'}') {
                None
            } else {
                match number(&mut i, &self.chars) {
                    Some(max) => Some(max),
                    None => return Ok(None),
                }
            }
        } else {
            Some(min)
        };
        if self.chars.get(i) != Some(&'}') {
            return Ok(None);
        }
        i += 1;
        if self.chars.get(i) == Some(&'?') {
            i += 1;
        }
        self.pos = i;
        let text: String = self.chars[start..i].iter().collect();
        if min > MAX_REPEAT as u64 || max.is_some_and(|m| m > MAX_REPEAT as u64 || m < min) {
            return Err(format!("invalid repeat count: `{text}`"));
        }
        Ok(Some(()))
    }

    fn group(&mut self) -> Result {
        let start = self.pos;
        self.pos += 1; // (
        if self.peek() == Some('?') {
            let rest = self.rest();
            if rest.starts_with("?P<") || rest.starts_with("?<") {
                if rest.starts_with("?<=") || rest.starts_with("?<!") {
                    return Err(format!(
                        "invalid or unsupported Perl syntax: `(?<{}`",
                        &rest[2..3]
                    ));
                }
                self.pos += if rest.starts_with("?P<") { 3 } else { 2 };
                let begin = self.pos;
                while self.peek().is_some_and(|c| c != '>') {
                    self.pos += 1;
                }
                if self.peek() != Some('>') {
                    let text: String = self.chars[start..].iter().collect();
                    return Err(format!("invalid named capture: `{text}`"));
                }
                let name: String = self.chars[begin..self.pos].iter().collect();
                self.pos += 1;
                let text: String = self.chars[start..self.pos].iter().collect();
                if name.is_empty() || !name.chars().all(|c| c == '_' || c.is_alphanumeric()) {
                    return Err(format!("invalid named capture: `{text}`"));
                }
                if self.names.contains(&name) {
                    return Err(format!("duplicate capture group name: `{name}`"));
                }
                self.names.push(name);
            } else if rest.starts_with("?P") {
                return Err(format!(
                    "invalid named capture: `({}`",
                    rest.chars().take(3).collect::<String>()
                ));
            } else {
                self.pos += 1; // ?
                // Flags: [imsU]*(-[imsU]+)? then `)` (set flags) or `:` (group).
                let mut negated = false;
                let mut saw_flag = false;
                loop {
                    match self.peek() {
                        Some('i' | 'm' | 's' | 'U') => {
                            saw_flag = true;
                            self.pos += 1;
                        }
                        Some('-') if !negated => {
                            negated = true;
                            saw_flag = false;
                            self.pos += 1;
                        }
                        // After `-`, at least one flag (Go refuses `(?-)` and `(?i-)`).
                        Some(c @ (':' | ')')) if !negated || saw_flag => {
                            self.pos += 1;
                            if c == ')' {
                                return Ok(());
                            }
                            break;
                        }
                        _ => {
                            let end = (self.pos + 1).min(self.chars.len());
                            let text: String = self.chars[start..end].iter().collect();
                            return Err(format!("invalid or unsupported Perl syntax: `{text}`"));
                        }
                    }
                }
            }
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("expression nests too deeply".into());
        }
        self.alternation()?;
        self.depth -= 1;
        if self.peek() != Some(')') {
            let text: String = self.chars.iter().collect();
            return Err(format!("missing closing ): `{text}`"));
        }
        self.pos += 1;
        Ok(())
    }

    /// An escape outside a class; `false` when it was an empty `\Q\E` (nothing to repeat).
    fn escape_outside_class(&mut self) -> Result<bool> {
        match self.peek_at(1) {
            Some('Q') => {
                self.pos += 2;
                let rest = self.rest();
                let literal = match rest.find("\\E") {
                    Some(end) => {
                        self.pos += rest[..end].chars().count() + 2;
                        end
                    }
                    None => {
                        self.pos = self.chars.len();
                        rest.len()
                    }
                };
                Ok(literal > 0)
            }
            Some('b' | 'B' | 'A' | 'z') => {
                self.pos += 2;
                Ok(true)
            }
            _ => {
                self.escape(false)?;
                Ok(true)
            }
        }
    }

    /// One escape (`\n`, `\x7f`, `\pL`, `\d`, `\.`), inside or outside a class.
    fn escape(&mut self, in_class: bool) -> Result {
        let start = self.pos;
        self.pos += 1; // backslash
        let Some(c) = self.peek() else {
            return Err("trailing backslash at end of expression".into());
        };
        self.pos += 1;
        let bad = |p: &Parser| -> String {
            let text: String = p.chars[start..p.pos.min(p.chars.len())].iter().collect();
            format!("invalid escape sequence: `{text}`")
        };
        match c {
            'a' | 'f' | 't' | 'n' | 'r' | 'v' | 'd' | 'D' | 's' | 'S' | 'w' | 'W' => Ok(()),
            '1'..='7' => {
                // A single non-zero digit would be a backreference, which RE2 has not.
                if !self.peek().is_some_and(|d| ('0'..='7').contains(&d)) {
                    return Err(bad(self));
                }
                self.octal_tail(1);
                Ok(())
            }
            '0' => {
                self.octal_tail(2);
                Ok(())
            }
            'x' => {
                if self.peek() == Some('{') {
                    self.pos += 1;
                    let begin = self.pos;
                    while self.peek().is_some_and(|d| d.is_ascii_hexdigit()) {
                        self.pos += 1;
                    }
                    let digits: String = self.chars[begin..self.pos].iter().collect();
                    if self.peek() != Some('}') || digits.is_empty() {
                        return Err(bad(self));
                    }
                    self.pos += 1;
                    match u32::from_str_radix(&digits, 16) {
                        Ok(v) if v <= 0x10FFFF => Ok(()),
                        _ => Err(bad(self)),
                    }
                } else {
                    for _ in 0..2 {
                        if !self.peek().is_some_and(|d| d.is_ascii_hexdigit()) {
                            return Err(bad(self));
                        }
                        self.pos += 1;
                    }
                    Ok(())
                }
            }
            'p' | 'P' => {
                let name = if self.peek() == Some('{') {
                    self.pos += 1;
                    let begin = self.pos;
                    while self.peek().is_some_and(|d| d != '}') {
                        self.pos += 1;
                    }
                    if self.peek() != Some('}') {
                        return Err(format!(
                            "invalid character class range: `{}`",
                            self.chars[start..].iter().collect::<String>()
                        ));
                    }
                    let name: String = self.chars[begin..self.pos].iter().collect();
                    self.pos += 1;
                    name
                } else {
                    match self.peek() {
                        Some(n) => {
                            self.pos += 1;
                            n.to_string()
                        }
                        None => return Err(bad(self)),
                    }
                };
                let name = name.strip_prefix('^').unwrap_or(&name);
                if UNICODE_CLASSES.contains(&name) {
                    Ok(())
                } else {
                    let text: String = self.chars[start..self.pos].iter().collect();
                    Err(format!("invalid character class range: `{text}`"))
                }
            }
            c if (c as u32) < 0x80 && !c.is_ascii_alphanumeric() => Ok(()),
            _ => {
                let _ = in_class;
                Err(bad(self))
            }
        }
    }

    fn octal_tail(&mut self, max: usize) {
        for _ in 0..max {
            if self.peek().is_some_and(|d| ('0'..='7').contains(&d)) {
                self.pos += 1;
            }
        }
    }

    /// `[...]`: ranges ordered, `[:name:]` known, closed.
    fn class(&mut self) -> Result {
        let start = self.pos;
        self.pos += 1; // [
        if self.peek() == Some('^') {
            self.pos += 1;
        }
        let missing = |p: &Parser| {
            format!(
                "missing closing ]: `{}`",
                p.chars[start..].iter().collect::<String>()
            )
        };
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(missing(self));
            };
            if c == ']' && !first {
                self.pos += 1;
                return Ok(());
            }
            first = false;
            if c == '[' && self.peek_at(1) == Some(':') {
                let rest = self.rest();
                if let Some(end) = rest[2..].find(":]") {
                    let name = &rest[2..2 + end];
                    let name = name.strip_prefix('^').unwrap_or(name);
                    if !ASCII_CLASSES.contains(&name) {
                        return Err(format!(
                            "invalid character class range: `{}`",
                            &rest[..end + 4]
                        ));
                    }
                    self.pos += rest[..end + 4].chars().count();
                    continue;
                }
            }
            let lo = self.class_char()?;
            if self.peek() == Some('-') && self.peek_at(1).is_some_and(|n| n != ']') {
                self.pos += 1;
                let range_start = self.pos;
                let hi = self.class_char()?;
                if let (Some(lo), Some(hi)) = (lo, hi)
                    && hi < lo
                {
                    let text: String = self.chars[range_start.saturating_sub(2)..self.pos]
                        .iter()
                        .collect();
                    return Err(format!(
                        "invalid character class range: `{}`",
                        text.trim_start_matches('[')
                    ));
                }
            }
        }
    }

    /// One character of a class (`None` for an escape that is a class itself, like `\d`).
    fn class_char(&mut self) -> Result<Option<char>> {
        match self.peek() {
            Some('\\') => {
                let before = self.pos;
                self.escape(true)?;
                let text: String = self.chars[before..self.pos].iter().collect();
                Ok(match text.as_str() {
                    "\\n" => Some('\n'),
                    "\\t" => Some('\t'),
                    "\\r" => Some('\r'),
                    "\\f" => Some('\u{c}'),
                    "\\v" => Some('\u{b}'),
                    "\\a" => Some('\u{7}'),
                    t if t.len() == 2 && !t[1..].chars().all(char::is_alphanumeric) => {
                        t.chars().nth(1)
                    }
                    _ => None,
                })
            }
            Some(c) => {
                self.pos += 1;
                Ok(Some(c))
            }
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn patterns_go_accepts() {
        for ok in [
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
            r"^\d{1,3}(\.\d{1,3}){3}$",
            r"(?i)^abc$",
            r"(?P<year>\d{4})-(?<month>\d{2})",
            r"\Qa.b\E+",
            r"[[:alpha:]_][[:alnum:]_]*",
            r"\p{Greek}\pL\P{^Lu}",
            r"a{2}b{3,}c{4,5}?",
            r"x{",
            r"{}",
            r"[]a]",
            r"[a-]",
            r"\x41\x{1F600}\101\0",
            r"^$|^(\*|\?)$",
            r"(?s:.)(?-i:a)(?U)",
            r"(?)a",
            r"[\d\-\.]+",
            // Accepted by Go as the literal `<` (Rust's regex reads a word boundary).
            r"\<word",
            r"[a&&b]",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn patterns_go_refuses() {
        for (bad, why) in [
            (r"a**", "invalid nested repetition operator"),
            (r"*a", "missing argument to repetition operator"),
            (r"a{1001}", "invalid repeat count"),
            (r"a{3,2}", "invalid repeat count"),
            (r"(?=a)", "invalid or unsupported Perl syntax"),
            (r"(?<=a)b", "invalid or unsupported Perl syntax"),
            (r"(a", "missing closing )"),
            (r"a)", "unexpected )"),
            (r"[a", "missing closing ]"),
            (r"[z-a]", "invalid character class range"),
            (r"\1", "invalid escape sequence"),
            (r"\u0041", "invalid escape sequence"),
            (r"(?x) a b", "invalid or unsupported Perl syntax"),
            (r"\p{Alphabetic}", "invalid character class range"),
            (r"\e", "invalid escape sequence"),
            (r"[[:word2:]]", "invalid character class range"),
            (r"\p{Klingon}", "invalid character class range"),
            (r"(?P<a>x)(?P<a>y)", "duplicate capture group name"),
            (r"(?<>x)", "invalid named capture"),
            (r"(?-)", "invalid or unsupported Perl syntax"),
            ("a\\", "trailing backslash"),
        ] {
            let error = check(bad).expect_err(bad);
            assert!(error.contains(why), "{bad}: {error}");
        }
    }
}
