//! The syntax of a CEL expression, as the API server's parser (cel-go) checks it before it
//! type-checks a rule: the grammar of cel-spec with the optional-value syntax Kubernetes
//! enables (`a.?b`, `a[?k]`, `[?x]`, `{?k: v}`) and without the backquoted field names it
//! does not, its literals and escapes, its reserved words, and the macro arguments cel-go
//! checks while parsing (`has(a.b)`, `l.all(x, …)`).
//!
//! A syntax check, not a type check: unknown fields, functions and type errors are still
//! found by the API server. The check is a recursive-descent parser that builds nothing; it
//! stops at the first error and says where (`line:column`) and what it expected.

/// How deeply expressions may nest (cel-go's default recursion limit).
const MAX_DEPTH: usize = 250;

/// Words cel-go reserves: no variable or function may have these names (a field may:
/// `self.if` is a field selection).
const RESERVED: &[&str] = &[
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
];

/// Parses `expression`; the error is `line:column: message`.
pub fn parse(expression: &str) -> Result<(), String> {
    let tokens = lex(expression)?;
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
        depth: 0,
    };
    parser.expr()?;
    match parser.peek() {
        Token::End => Ok(()),
        _ => Err(parser.unexpected("an operator or the end of the expression")),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    /// An int literal's magnitude: `-` may make i64::MAX + 1 valid.
    Int(u64),
    Literal,
    Punct(&'static str),
    End,
}

struct Lexed {
    token: Token,
    line: usize,
    column: usize,
}

/// Longest first, so that `<=` is not read as `<` then `=`.
const PUNCTUATION: &[&str] = &[
    "&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "?", ":", "+", "-", "*", "/", "%", ".", ",",
    "(", ")", "[", "]", "{", "}",
];

fn lex(source: &str) -> Result<Vec<Lexed>, String> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut line_start) = (0, 1, 0);
    let position = |i: usize, line: usize, line_start: usize| (line, i - line_start + 1);
    while i < chars.len() {
        let c = chars[i];
        let (l, col) = position(i, line, line_start);
        let error = |message: String| format!("{l}:{col}: {message}");
        let string_error = |(at, message): (usize, String)| {
            let (l, col) = position(at, line, line_start);
            format!("{l}:{col}: {message}")
        };
        let start = i;
        if c == '\n' {
            i += 1;
            line += 1;
            line_start = i;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        let token = if c.is_ascii_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let quote = chars.get(i).copied().filter(|q| *q == '"' || *q == '\'');
            match (word.as_str(), quote) {
                ("true" | "false" | "null", _) => Token::Literal,
                (prefix, Some(_))
                    if matches!(
                        prefix.to_ascii_lowercase().as_str(),
                        "r" | "b" | "rb" | "br"
                    ) =>
                {
                    let raw = word.to_ascii_lowercase().contains('r');
                    i = string(&chars, i, raw).map_err(string_error)?;
                    Token::Literal
                }
                _ => Token::Ident(word),
            }
        } else if c == '"' || c == '\'' {
            i = string(&chars, i, false).map_err(string_error)?;
            Token::Literal
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let (end, token) = number(&chars, i).map_err(error)?;
            i = end;
            token
        } else if c == '`' {
            // cel-spec's backquoted field names; the API server's parser does not take them.
            return Err(error("unsupported syntax: '`'".into()));
        } else if let Some(p) = PUNCTUATION
            .iter()
            .find(|p| chars[i..].iter().take(p.len()).copied().eq(p.chars()))
        {
            i += p.len();
            Token::Punct(p)
        } else {
            return Err(error(format!("unexpected character {c:?}")));
        };
        out.push(Lexed {
            token,
            line: l,
            column: col,
        });
        // A triple-quoted string may span lines.
        if let Some(last) = chars[start..i].iter().rposition(|c| *c == '\n') {
            line += chars[start..i].iter().filter(|c| **c == '\n').count();
            line_start = start + last + 1;
        }
    }
    let (line, column) = position(chars.len(), line, line_start);
    out.push(Lexed {
        token: Token::End,
        line,
        column,
    });
    Ok(out)
}

/// A string or bytes literal starting at the quote `chars[start]`; returns the index after it.
fn string(chars: &[char], start: usize, raw: bool) -> Result<usize, (usize, String)> {
    let quote = chars[start];
    let triple = chars.get(start + 1) == Some(&quote) && chars.get(start + 2) == Some(&quote);
    let mut i = start + if triple { 3 } else { 1 };
    loop {
        match chars.get(i) {
            None => return Err((start, "unterminated string literal".into())),
            Some('\n' | '\r') if !triple => {
                return Err((
                    start,
                    "a quoted string cannot span lines (use ''' or \"\"\")".into(),
                ));
            }
            Some(c) if *c == quote => {
                if !triple {
                    return Ok(i + 1);
                }
                if chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote) {
                    return Ok(i + 3);
                }
                i += 1;
            }
            Some('\\') if !raw => i = escape(chars, i)?,
            Some(_) => i += 1,
        }
    }
}

/// The escape sequence at `chars[at]` (a backslash); returns the index after it.
fn escape(chars: &[char], at: usize) -> Result<usize, (usize, String)> {
    let digits = |n: usize, radix: u32| {
        (1..=n).all(|k| chars.get(at + 1 + k).is_some_and(|c| c.is_digit(radix)))
    };
    let len = match chars.get(at + 1) {
        Some('a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\\' | '\'' | '"' | '`' | '?') => 2,
        Some('x' | 'X') if digits(2, 16) => 4,
        Some('u') if digits(4, 16) => 6,
        Some('U') if digits(8, 16) => 10,
        Some('0'..='3')
            if (1..=2).all(|k| {
                chars
                    .get(at + 1 + k)
                    .is_some_and(|c| ('0'..='7').contains(c))
            }) =>
        {
            4
        }
        _ => return Err((at, "invalid escape sequence in a string literal".into())),
    };
    Ok(at + len)
}

/// A number starting at `chars[start]`: an int (decimal or hex, at most i64's magnitude,
/// whose sign the parser checks), a uint (`u` suffix, at most u64) or a double.
fn number(chars: &[char], start: usize) -> Result<(usize, Token), String> {
    let mut i = start;
    let hex = chars[i] == '0' && matches!(chars.get(i + 1), Some('x' | 'X'));
    if hex {
        i += 2;
        let digits = i;
        while chars.get(i).is_some_and(char::is_ascii_hexdigit) {
            i += 1;
        }
        if i == digits {
            return Err("a hexadecimal literal needs digits after 0x".into());
        }
    } else {
        while chars.get(i).is_some_and(char::is_ascii_digit) {
            i += 1;
        }
    }
    let mut float = false;
    if !hex && chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
        float = true;
        i += 1;
        while chars.get(i).is_some_and(char::is_ascii_digit) {
            i += 1;
        }
    }
    if !hex && matches!(chars.get(i), Some('e' | 'E')) {
        let mut j = i + 1;
        if matches!(chars.get(j), Some('+' | '-')) {
            j += 1;
        }
        if chars.get(j).is_some_and(char::is_ascii_digit) {
            float = true;
            i = j;
            while chars.get(i).is_some_and(char::is_ascii_digit) {
                i += 1;
            }
        }
    }
    let text: String = chars[start..i].iter().collect();
    if float {
        return Ok((i, Token::Literal));
    }
    let (digits, radix) = if hex {
        (&text[2..], 16)
    } else {
        (&text[..], 10)
    };
    if matches!(chars.get(i), Some('u' | 'U')) {
        u64::from_str_radix(digits, radix)
            .map_err(|_| format!("invalid uint literal {text}u: out of range"))?;
        return Ok((i + 1, Token::Literal));
    }
    // One more than i64::MAX passes here: it is i64::MIN if the parser finds a `-` before it.
    match u64::from_str_radix(digits, radix) {
        Ok(n) if n <= i64::MAX as u64 + 1 => Ok((i, Token::Int(n))),
        _ => Err(format!("invalid int literal {text}: out of range")),
    }
}

struct Parser<'t> {
    tokens: &'t [Lexed],
    at: usize,
    depth: usize,
}

/// What a member expression is so far: macros and message construction care.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// `a`: a simple name.
    Ident,
    /// `a.b.c`: a qualified name (also a field selection).
    Name,
    /// `e.b` where `e` is any other expression: a field selection.
    Select,
    Other,
}

type Parsed<T = ()> = Result<T, String>;

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.at].token
    }

    fn is(&self, punct: &str) -> bool {
        matches!(self.peek(), Token::Punct(p) if *p == punct)
    }

    fn eat(&mut self, punct: &str) -> bool {
        let found = self.is(punct);
        if found {
            self.at += 1;
        }
        found
    }

    fn expect(&mut self, punct: &str) -> Parsed {
        if self.eat(punct) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{punct}'")))
        }
    }

    fn unexpected(&self, expected: &str) -> String {
        let Lexed {
            token,
            line,
            column,
        } = &self.tokens[self.at];
        let found = match token {
            Token::Ident(name) => format!("'{name}'"),
            Token::Int(_) | Token::Literal => "a literal".into(),
            Token::Punct(p) => format!("'{p}'"),
            Token::End => "the end of the expression".into(),
        };
        format!("{line}:{column}: syntax error: expected {expected}, found {found}")
    }

    fn error_here(&self, message: &str) -> String {
        self.error_at(self.at, message)
    }

    fn error_at(&self, at: usize, message: &str) -> String {
        let Lexed { line, column, .. } = &self.tokens[at];
        format!("{line}:{column}: {message}")
    }

    /// An identifier where it names a variable or function: not a reserved word.
    fn ident(&mut self) -> Parsed<String> {
        match self.peek() {
            Token::Ident(name) if RESERVED.contains(&name.as_str()) => {
                Err(self.error_here(&format!("reserved identifier: {name}")))
            }
            _ => self.field(),
        }
    }

    /// An identifier where it names a field (after `.`, in a message literal): reserved
    /// words are field names too (`self.if`), but `in` is an operator.
    fn field(&mut self) -> Parsed<String> {
        match self.peek().clone() {
            Token::Ident(name) if name != "in" => {
                self.at += 1;
                Ok(name)
            }
            _ => Err(self.unexpected("an identifier")),
        }
    }

    fn expr(&mut self) -> Parsed<Shape> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(
                self.error_here(&format!("expression recursion limit exceeded: {MAX_DEPTH}"))
            );
        }
        let mut shape = self.binary(0)?;
        if self.eat("?") {
            self.binary(0)?;
            self.expect(":")?;
            self.expr()?;
            shape = Shape::Other;
        }
        self.depth -= 1;
        Ok(shape)
    }

    /// Binary operators by precedence, loosest first; all associate left.
    fn binary(&mut self, level: usize) -> Parsed<Shape> {
        const LEVELS: &[&[&str]] = &[
            &["||"],
            &["&&"],
            &["<", "<=", ">", ">=", "==", "!=", "in"],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        let Some(ops) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut shape = self.binary(level + 1)?;
        loop {
            let is_op = match self.peek() {
                Token::Punct(p) => ops.contains(p),
                Token::Ident(word) => word == "in" && ops.contains(&"in"),
                _ => false,
            };
            if !is_op {
                return Ok(shape);
            }
            self.at += 1;
            self.binary(level + 1)?;
            shape = Shape::Other;
        }
    }

    fn unary(&mut self) -> Parsed<Shape> {
        if self.eat("!") {
            while self.eat("!") {}
        } else if self.eat("-") {
            while self.eat("-") {}
            // The one int literal only a `-` makes valid: i64::MIN.
            if let Token::Int(_) = self.peek() {
                self.at += 1;
                return self.member_tail(Shape::Other).map(|_| Shape::Other);
            }
        } else {
            return self.member();
        }
        self.member().map(|_| Shape::Other)
    }

    fn member(&mut self) -> Parsed<Shape> {
        let shape = self.primary()?;
        self.member_tail(shape)
    }

    fn member_tail(&mut self, mut shape: Shape) -> Parsed<Shape> {
        loop {
            if self.eat(".") {
                let optional = self.eat("?");
                let name = self.field()?;
                if !optional && self.is("(") {
                    let at = self.at;
                    self.at += 1;
                    let args = self.args()?;
                    check_macro(&name, true, &args).map_err(|m| self.error_at(at, &m))?;
                    shape = Shape::Other;
                } else {
                    shape = match shape {
                        Shape::Ident | Shape::Name if !optional => Shape::Name,
                        _ => Shape::Select,
                    };
                }
            } else if self.eat("[") {
                self.eat("?");
                self.expr()?;
                self.expect("]")?;
                shape = Shape::Other;
            } else if matches!(shape, Shape::Ident | Shape::Name) && self.eat("{") {
                self.inits("}", Init::Field)?;
                shape = Shape::Other;
            } else {
                return Ok(shape);
            }
        }
    }

    fn primary(&mut self) -> Parsed<Shape> {
        let leading_dot = self.eat(".");
        match self.peek().clone() {
            Token::Ident(_) => {
                let name = self.ident()?;
                if self.is("(") {
                    let at = self.at;
                    self.at += 1;
                    let args = self.args()?;
                    if !leading_dot {
                        check_macro(&name, false, &args).map_err(|m| self.error_at(at, &m))?;
                    }
                    return Ok(Shape::Other);
                }
                Ok(if leading_dot {
                    Shape::Name
                } else {
                    Shape::Ident
                })
            }
            _ if leading_dot => Err(self.unexpected("an identifier")),
            Token::Int(n) if n > i64::MAX as u64 => {
                Err(self.error_here("invalid int literal: out of range"))
            }
            Token::Int(_) | Token::Literal => {
                self.at += 1;
                Ok(Shape::Other)
            }
            Token::Punct("(") => {
                self.at += 1;
                self.expr()?;
                self.expect(")")?;
                Ok(Shape::Other)
            }
            Token::Punct("[") => {
                self.at += 1;
                self.inits("]", Init::List)?;
                Ok(Shape::Other)
            }
            Token::Punct("{") => {
                self.at += 1;
                self.inits("}", Init::Map)?;
                Ok(Shape::Other)
            }
            _ => Err(self.unexpected("an expression")),
        }
    }

    /// Call arguments up to `)`, and the shape of each (for the macro checks).
    fn args(&mut self) -> Parsed<Vec<Shape>> {
        let mut shapes = Vec::new();
        if self.eat(")") {
            return Ok(shapes);
        }
        loop {
            shapes.push(self.expr()?);
            if self.eat(")") {
                return Ok(shapes);
            }
            if !self.eat(",") {
                return Err(self.unexpected("',' or ')'"));
            }
        }
    }

    /// The elements of a list, map or message literal up to `close`; a trailing comma is
    /// allowed, and each element may be optional (`?`).
    fn inits(&mut self, close: &str, kind: Init) -> Parsed {
        if self.eat(close) {
            return Ok(());
        }
        loop {
            self.eat("?");
            match kind {
                Init::List => drop(self.expr()?),
                Init::Map => {
                    self.expr()?;
                    self.expect(":")?;
                    self.expr()?;
                }
                Init::Field => {
                    self.field()?;
                    self.expect(":")?;
                    self.expr()?;
                }
            }
            if self.eat(close) {
                return Ok(());
            }
            if !self.eat(",") {
                return Err(self.unexpected(&format!("',' or '{close}'")));
            }
            if self.eat(close) {
                return Ok(());
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Init {
    List,
    Map,
    Field,
}

/// The argument checks cel-go makes while it expands the standard macros (and the optional
/// library's `optMap`/`optFlatMap`).
fn check_macro(name: &str, receiver: bool, args: &[Shape]) -> Result<(), String> {
    let binds_a_variable = receiver
        && match name {
            "all" | "exists" | "exists_one" | "filter" | "optMap" | "optFlatMap" => args.len() == 2,
            "map" => matches!(args.len(), 2 | 3),
            _ => false,
        };
    if binds_a_variable && args[0] != Shape::Ident {
        return Err(format!(
            "argument to {name}() must be a simple name, e.g. {name}(x, ...)"
        ));
    }
    if name == "has"
        && !receiver
        && args.len() == 1
        && !matches!(args[0], Shape::Name | Shape::Select)
    {
        return Err(
            "invalid argument to has() macro: it takes a field selection, e.g. has(self.a)".into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The API server is the judge of this parser: `tests/envtest_cel.rs`. These are the
    // cases worth seeing fail fast.
    #[test]
    fn well_formed_expressions_parse() {
        for ok in [
            "self.size() <= 10",
            "has(self.a.b) ? self.a.b.all(x, x > 0) : true",
            "self.?a.orValue(1) == 1 && [?self.?b].size() < 2",
            "a.b.C{f: 1, ?g: 2}.f == 1",
            "-9223372036854775808 < 0 && 18446744073709551615u > 0u",
            "'''multi\nline''' != r'\\d' // comment",
            "self.if == self.let_",
        ] {
            assert_eq!(parse(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn errors_say_where_and_what() {
        for (bad, error) in [
            (
                "self >",
                "1:7: syntax error: expected an expression, found the end of the expression",
            ),
            (
                "a &&\n  (b",
                "2:5: syntax error: expected ')', found the end of the expression",
            ),
            (
                "'''a\nb''' +\n  )",
                "3:3: syntax error: expected an expression, found ')'",
            ),
            (
                "self.startsWith('a'",
                "1:20: syntax error: expected ',' or ')', found the end of the expression",
            ),
            ("'\\q'", "1:2: invalid escape sequence in a string literal"),
            (
                "has(self)",
                "1:4: invalid argument to has() macro: it takes a field selection, e.g. has(self.a)",
            ),
            (
                "l.all(x.y, true)",
                "1:6: argument to all() must be a simple name, e.g. all(x, ...)",
            ),
            ("let == 1", "1:1: reserved identifier: let"),
            (
                "9223372036854775808 > 1",
                "1:1: invalid int literal: out of range",
            ),
            ("self.`a`", "1:6: unsupported syntax: '`'"),
        ] {
            assert_eq!(parse(bad), Err(error.to_string()), "{bad}");
        }
        let deep = format!("{}1{}", "(".repeat(300), ")".repeat(300));
        assert!(parse(&deep).unwrap_err().contains("recursion limit"));
    }
}
