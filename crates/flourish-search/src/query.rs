//! The free-text query language readers type:
//!
//! ```text
//! dragon "leaky cauldron" title:owl creator:wren tag:"hurt/comfort"
//! words>1000 kudos>=10 updated<2 weeks  posted>2020-01-01
//! owl OR raven   NOT angst   -angst   (owl OR raven) tea
//! ```
//!
//! Terms are ANDed. Nothing a reader types is an error: what cannot be read as syntax is
//! searched as text, with a note saying so.

/// A parsed query.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// Words or a phrase, in one field or in all text fields.
    Text {
        field: Option<TextField>,
        text: String,
        phrase: bool,
    },
    /// A numeric or date comparison.
    Compare {
        field: NumField,
        op: Op,
        value: i64,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextField {
    Title,
    Creator,
    Tag,
    Summary,
    Notes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumField {
    Words,
    Chapters,
    Hits,
    Kudos,
    Comments,
    Bookmarks,
    /// Unix seconds.
    Updated,
    /// Unix seconds.
    Posted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

#[derive(Debug, Default, PartialEq)]
pub struct Parsed {
    pub node: Option<Node>,
    /// What could not be read as syntax, said so a reader can fix it.
    pub notes: Vec<String>,
}

/// Parses `input` at time `now` (Unix seconds; relative dates count back from it).
pub fn parse(input: &str, now: i64) -> Parsed {
    let mut parser = Parser { tokens: lex(input), at: 0, notes: vec![], now, depth: 0 };
    let mut parts = vec![];
    while parser.at < parser.tokens.len() {
        if let Some(node) = parser.or_expr() {
            parts.push(node);
        }
        // A stray `)` at the top level.
        if matches!(parser.peek(), Some(Token::Close)) {
            parser.notes.push("An unmatched “)” was ignored.".into());
            parser.at += 1;
        }
    }
    let mut notes = parser.notes;
    // Say each thing once, however often it happened.
    let mut seen = std::collections::HashSet::new();
    notes.retain(|n| seen.insert(n.clone()));
    if parser.tokens.iter().any(|t| matches!(t, Token::Phrase(_, false))) {
        notes.push("A quotation mark was not closed; the rest of the query was searched as a phrase.".into());
    }
    Parsed { node: and(parts), notes }
}

fn and(mut parts: Vec<Node>) -> Option<Node> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(Node::And(parts)),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    /// A quoted phrase, and whether its closing quote was found.
    Phrase(String, bool),
    /// `field:` directly followed by a quoted phrase.
    FieldPhrase(String, String),
    Open,
    Close,
}

fn lex(input: &str) -> Vec<Token> {
    let mut tokens = vec![];
    let mut chars = input.char_indices().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(word)));
        }
    };
    while let Some((_, c)) = chars.next() {
        match c {
            '"' | '“' | '”' => {
                let mut phrase = String::new();
                let mut closed = false;
                for (_, c) in chars.by_ref() {
                    if matches!(c, '"' | '“' | '”') {
                        closed = true;
                        break;
                    }
                    phrase.push(c);
                }
                if word.ends_with(':') {
                    let field = std::mem::take(&mut word);
                    tokens.push(Token::FieldPhrase(field.trim_end_matches(':').to_owned(), phrase));
                } else {
                    flush(&mut word, &mut tokens);
                    tokens.push(Token::Phrase(phrase, closed));
                }
            }
            '(' => {
                flush(&mut word, &mut tokens);
                tokens.push(Token::Open);
            }
            ')' => {
                flush(&mut word, &mut tokens);
                tokens.push(Token::Close);
            }
            c if c.is_whitespace() => flush(&mut word, &mut tokens),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    notes: Vec<String>,
    now: i64,
    depth: usize,
}

/// Deeper nesting than this is read as text: it is never meant, and recursion is bounded.
const MAX_DEPTH: usize = 20;

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w == word)
    }

    fn or_expr(&mut self) -> Option<Node> {
        let mut alternatives = vec![];
        if let Some(first) = self.and_expr() {
            alternatives.push(first);
        }
        while self.peek_word("OR") {
            self.at += 1;
            match self.and_expr() {
                Some(next) if !alternatives.is_empty() => alternatives.push(next),
                Some(next) => {
                    self.notes.push("“OR” needs something on both sides; it was ignored.".into());
                    alternatives.push(next);
                }
                None => self.notes.push("“OR” needs something on both sides; it was ignored.".into()),
            }
        }
        match alternatives.len() {
            0 => None,
            1 => alternatives.pop(),
            _ => Some(Node::Or(alternatives)),
        }
    }

    fn and_expr(&mut self) -> Option<Node> {
        let mut parts = vec![];
        while let Some(token) = self.peek() {
            if matches!(token, Token::Close) || self.peek_word("OR") {
                break;
            }
            if let Some(node) = self.unary() {
                parts.push(node);
            }
        }
        and(parts)
    }

    fn unary(&mut self) -> Option<Node> {
        // Negations are counted in a loop, not by recursion: `NOT NOT …` cannot run deep.
        let mut negations = 0;
        loop {
            if self.peek_word("NOT") {
                self.at += 1;
            } else if let Some(Token::Word(w)) = self.peek()
                && w.len() > 1
                && w.starts_with('-')
            {
                self.tokens[self.at] = Token::Word(w[1..].to_owned());
            } else {
                break;
            }
            negations += 1;
        }
        let node = self.primary();
        if negations > 0 && node.is_none() {
            self.notes.push("“NOT” needs something after it; it was ignored.".into());
        }
        node.map(|n| if negations % 2 == 1 { Node::Not(Box::new(n)) } else { n })
    }

    fn primary(&mut self) -> Option<Node> {
        let token = self.peek()?.clone();
        if token == Token::Close {
            return None;
        }
        self.at += 1;
        match token {
            Token::Open => {
                if self.depth >= MAX_DEPTH {
                    self.notes.push("Parentheses nested too deeply were ignored.".into());
                    return None;
                }
                self.depth += 1;
                let inner = self.or_expr();
                self.depth -= 1;
                if matches!(self.peek(), Some(Token::Close)) {
                    self.at += 1;
                } else {
                    self.notes.push("A “(” was not closed; it was closed at the end.".into());
                }
                inner
            }
            Token::Close => None,
            Token::Phrase(text, _) => text_node(None, &text, true),
            Token::FieldPhrase(field, text) => match text_field(&field) {
                Some(f) => text_node(Some(f), &text, true),
                None => {
                    self.notes.push(format!("There is no field “{field}:”; it was searched as text."));
                    text_node(None, &format!("{field} {text}"), true)
                }
            },
            Token::Word(word) => self.word(&word),
        }
    }

    fn word(&mut self, word: &str) -> Option<Node> {
        if let Some((name, op, value)) = split_comparison(word)
            && let Some(field) = num_field(name)
        {
            let value = if value.is_empty() {
                // `words> 1000`: the value is the next word.
                match self.peek() {
                    Some(Token::Word(next)) => {
                        let next = next.clone();
                        self.at += 1;
                        next
                    }
                    _ => String::new(),
                }
            } else {
                value.to_owned()
            };
            return match self.compare_value(field, op, &value) {
                Some((op, value)) => Some(Node::Compare { field, op, value }),
                None => {
                    self.notes.push(format!(
                        "“{word}” is not a number or date this search understands; it was searched as text."
                    ));
                    text_node(None, &format!("{name} {value}"), false)
                }
            };
        }
        if let Some((field, text)) = word.split_once(':')
            && !field.is_empty()
        {
            if let Some(f) = text_field(field) {
                return text_node(Some(f), text, false);
            }
            if !text.is_empty() && field.chars().all(|c| c.is_ascii_alphabetic()) {
                self.notes.push(format!("There is no field “{field}:”; it was searched as text."));
            }
        }
        text_node(None, word, false)
    }

    /// The comparison value as a number (dates as Unix seconds), and the operator to use
    /// on it: a relative date turns the comparison around (`updated<2 weeks` is "less than
    /// two weeks ago", so later than that moment).
    fn compare_value(&mut self, field: NumField, op: Op, value: &str) -> Option<(Op, i64)> {
        if matches!(field, NumField::Updated | NumField::Posted) {
            if let Ok(date) = time::Date::parse(value, time::macros::format_description!("[year]-[month]-[day]")) {
                return Some((op, date.midnight().assume_utc().unix_timestamp()));
            }
            let (amount, unit) = split_number(value);
            let amount: i64 = amount.parse().ok()?;
            let unit = if unit.is_empty() {
                match self.peek() {
                    Some(Token::Word(w)) if unit_seconds(w).is_some() => {
                        let w = w.clone();
                        self.at += 1;
                        w
                    }
                    _ => return None,
                }
            } else {
                unit.to_owned()
            };
            let seconds = amount.checked_mul(unit_seconds(&unit)?)?;
            let flipped = match op {
                Op::Lt => Op::Gt,
                Op::Le => Op::Ge,
                Op::Gt => Op::Lt,
                Op::Ge => Op::Le,
                Op::Eq => Op::Eq,
            };
            return Some((flipped, self.now.saturating_sub(seconds)));
        }
        let cleaned: String = value.chars().filter(|c| *c != ',' && *c != '_').collect();
        let (number, suffix) = split_number(&cleaned);
        let number: i64 = number.parse().ok()?;
        let factor = match suffix.to_ascii_lowercase().as_str() {
            "" => 1,
            "k" => 1_000,
            "m" => 1_000_000,
            _ => return None,
        };
        Some((op, number.checked_mul(factor)?))
    }
}

fn split_number(value: &str) -> (&str, &str) {
    let digits = value.find(|c: char| !c.is_ascii_digit()).unwrap_or(value.len());
    (&value[..digits], &value[digits..])
}

fn unit_seconds(unit: &str) -> Option<i64> {
    const DAY: i64 = 86_400;
    Some(match unit.to_ascii_lowercase().trim_end_matches('s') {
        "h" | "hour" => 3_600,
        "d" | "day" => DAY,
        "w" | "week" => 7 * DAY,
        "m" | "month" => 30 * DAY,
        "y" | "year" => 365 * DAY,
        _ => return None,
    })
}

/// `words>=1000` → (`words`, Ge, `1000`).
fn split_comparison(word: &str) -> Option<(&str, Op, &str)> {
    let at = word.find(['<', '>', '=', ':'])?;
    let (name, rest) = word.split_at(at);
    let (op, len) = if rest.starts_with(">=") {
        (Op::Ge, 2)
    } else if rest.starts_with("<=") {
        (Op::Le, 2)
    } else if rest.starts_with('>') {
        (Op::Gt, 1)
    } else if rest.starts_with('<') {
        (Op::Lt, 1)
    } else {
        (Op::Eq, 1)
    };
    Some((name, op, &rest[len..]))
}

fn num_field(name: &str) -> Option<NumField> {
    Some(match name.to_ascii_lowercase().as_str() {
        "words" | "word_count" => NumField::Words,
        "chapters" => NumField::Chapters,
        "hits" => NumField::Hits,
        "kudos" => NumField::Kudos,
        "comments" => NumField::Comments,
        "bookmarks" => NumField::Bookmarks,
        "updated" | "revised" => NumField::Updated,
        "posted" | "published" => NumField::Posted,
        _ => return None,
    })
}

fn text_field(name: &str) -> Option<TextField> {
    Some(match name.to_ascii_lowercase().as_str() {
        "title" => TextField::Title,
        "creator" | "creators" | "author" | "by" => TextField::Creator,
        "tag" | "tags" => TextField::Tag,
        "summary" => TextField::Summary,
        "notes" => TextField::Notes,
        _ => return None,
    })
}

fn text_node(field: Option<TextField>, text: &str, phrase: bool) -> Option<Node> {
    let text = text.trim();
    if text.is_empty() || !text.chars().any(char::is_alphanumeric) {
        return None;
    }
    Some(Node::Text { field, text: text.to_owned(), phrase })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn text(s: &str) -> Node {
        Node::Text { field: None, text: s.into(), phrase: false }
    }

    #[test]
    fn terms_are_anded_and_fields_phrases_and_comparisons_are_read() {
        let p = parse(r#"owl title:"the tower" words>1,000 kudos>=10"#, NOW);
        assert_eq!(p.notes, Vec::<String>::new());
        assert_eq!(
            p.node,
            Some(Node::And(vec![
                text("owl"),
                Node::Text { field: Some(TextField::Title), text: "the tower".into(), phrase: true },
                Node::Compare { field: NumField::Words, op: Op::Gt, value: 1000 },
                Node::Compare { field: NumField::Kudos, op: Op::Ge, value: 10 },
            ]))
        );
    }

    #[test]
    fn relative_dates_count_back_from_now_and_turn_the_comparison() {
        let p = parse("updated<2 weeks", NOW);
        assert_eq!(p.node, Some(Node::Compare { field: NumField::Updated, op: Op::Gt, value: NOW - 14 * 86_400 }));
        let p = parse("posted>2020-01-01", NOW);
        assert_eq!(p.node, Some(Node::Compare { field: NumField::Posted, op: Op::Gt, value: 1_577_836_800 }));
    }

    #[test]
    fn or_not_minus_and_parentheses() {
        let p = parse("(owl OR raven) NOT angst -fluff", NOW);
        assert_eq!(
            p.node,
            Some(Node::And(vec![
                Node::Or(vec![text("owl"), text("raven")]),
                Node::Not(Box::new(text("angst"))),
                Node::Not(Box::new(text("fluff"))),
            ]))
        );
    }

    #[test]
    fn malformed_syntax_is_searched_as_text_with_a_note() {
        let p = parse("words>lots", NOW);
        assert_eq!(p.node, Some(text("words lots")));
        assert_eq!(p.notes.len(), 1, "{:?}", p.notes);
        let p = parse("\"unclosed phrase", NOW);
        assert_eq!(p.node, Some(Node::Text { field: None, text: "unclosed phrase".into(), phrase: true }));
        assert!(p.notes[0].contains("quotation mark"));
        let p = parse("owl OR", NOW);
        assert_eq!(p.node, Some(text("owl")));
        assert!(p.notes[0].contains("OR"));
        let p = parse("owl) ((raven", NOW);
        assert_eq!(p.node, Some(Node::And(vec![text("owl"), text("raven")])));
        assert_eq!(p.notes.len(), 2, "each note once: {:?}", p.notes);
        let p = parse("colour:blue", NOW);
        assert_eq!(p.node, Some(text("colour:blue")));
        assert!(p.notes[0].contains("colour"));
    }

    #[test]
    fn deep_nesting_and_huge_inputs_end() {
        let deep = "(".repeat(10_000) + "owl" + &")".repeat(10_000);
        let p = parse(&deep, NOW);
        assert!(!p.notes.is_empty());
        let p = parse(&"NOT ".repeat(5_000), NOW);
        assert_eq!(p.node, None);
    }
}
