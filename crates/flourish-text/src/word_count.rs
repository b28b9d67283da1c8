//! Word counting as AO3 counts: runs of letters, digits, apostrophes and hyphens are one
//! word (so `don't` and `well-known` are one each), and every Han, Hiragana, Katakana and
//! Thai character is a word of its own, since those scripts do not separate words by spaces.

/// The word-counting state: fed characters one at a time, in one pass.
#[derive(Default)]
struct Counter {
    count: u64,
    in_word: bool,
}

impl Counter {
    #[inline]
    fn ascii(&mut self, b: u8) {
        if b.is_ascii_alphanumeric() {
            self.count += u64::from(!self.in_word);
            self.in_word = true;
        } else if !(self.in_word && (b == b'\'' || b == b'-')) {
            self.in_word = false;
        }
    }

    fn char(&mut self, c: char) {
        if c.is_ascii() {
            self.ascii(c as u8);
        } else if is_own_word(c) {
            self.count += 1;
            self.in_word = false;
        } else if c.is_alphanumeric() {
            self.count += u64::from(!self.in_word);
            self.in_word = true;
        } else if !(self.in_word && is_joiner(c)) {
            self.in_word = false;
        }
    }

    /// Feeds text, taking ASCII a byte at a time through a class table, without decoding
    /// characters.
    fn text(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                match ASCII_CLASS[b as usize] {
                    WORD => {
                        self.count += u64::from(!self.in_word);
                        self.in_word = true;
                    }
                    JOINER => {} // keeps a word going, starts none
                    _ => self.in_word = false,
                }
                i += 1;
            } else {
                let c = text[i..].chars().next().expect("a character starts here");
                self.char(c);
                i += c.len_utf8();
            }
        }
    }
}

const SEPARATOR: u8 = 0;
const WORD: u8 = 1;
const JOINER: u8 = 2;

/// What each ASCII byte is to a word.
static ASCII_CLASS: [u8; 128] = {
    let mut table = [SEPARATOR; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            table[b] = WORD;
        } else if c == b'\'' || c == b'-' {
            table[b] = JOINER;
        }
        b += 1;
    }
    table
};

/// Counts the words of plain text.
pub fn count_words(text: &str) -> u64 {
    let mut counter = Counter::default();
    counter.text(text);
    counter.count
}

/// Counts the words of HTML in one pass: tags separate words, character references count
/// as the characters they stand for (so `don&rsquo;t` stays one word and `&quot;` is none).
pub fn count_words_in_html(html: &str) -> u64 {
    let mut counter = Counter::default();
    let bytes = html.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                counter.text(&html[start..i]);
                counter.ascii(b' ');
                i = bytes[i..].iter().position(|&b| b == b'>').map_or(bytes.len(), |end| i + end + 1);
                start = i;
            }
            b'&' => {
                counter.text(&html[start..i]);
                match entity(&html[i + 1..]) {
                    Some((c, len)) => {
                        counter.char(c);
                        i += len + 2;
                    }
                    None => {
                        counter.ascii(b'&');
                        i += 1;
                    }
                }
                start = i;
            }
            _ => i += 1,
        }
    }
    counter.text(&html[start..]);
    counter.count
}

/// The character a reference after `&` stands for, and the length of its name (without
/// `&` and `;`); unknown names read as a space.
fn entity(after: &str) -> Option<(char, usize)> {
    let end = after.as_bytes().iter().take(11).position(|&b| b == b';')?;
    let name = &after[..end];
    let c = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        u32::from_str_radix(num, 16).ok().and_then(char::from_u32)?
    } else if let Some(num) = name.strip_prefix('#') {
        num.parse().ok().and_then(char::from_u32)?
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" | "rsquo" | "lsquo" => '\'',
            "hellip" => '…',
            "mdash" => '—',
            "ndash" => '–',
            _ => ' ',
        }
    };
    Some((c, end))
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '‐' | '‑')
}

/// A character AO3 counts as a word of its own: Chinese, Japanese, Thai — scripts
/// written without spaces between words.
pub(crate) fn is_own_word(c: char) -> bool {
    // The katakana middle dot and double hyphen are punctuation, not words.
    !matches!(c, '・' | '゠')
        && matches!(c as u32,
            0x3040..=0x309F   // Hiragana
            | 0x30A0..=0x30FF // Katakana
            | 0x31F0..=0x31FF // Katakana phonetic extensions
            | 0x3400..=0x4DBF // CJK extension A
            | 0x4E00..=0x9FFF // CJK unified ideographs
            | 0xF900..=0xFAFF // CJK compatibility ideographs
            | 0x20000..=0x2FA1F // CJK extensions B and later
            | 0x0E00..=0x0E7F // Thai
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apostrophes_and_hyphens_do_not_split_words() {
        assert_eq!(count_words("Don't go, Man-Who-Conquered — it’s late."), 5);
        assert_eq!(count_words("  "), 0);
        assert_eq!(count_words("'quoted' -dash- words"), 3);
    }

    #[test]
    fn each_cjk_and_thai_character_is_a_word() {
        assert_eq!(count_words("ハリー・ポッター"), 7);
        assert_eq!(count_words("我爱你 and you"), 5);
        assert_eq!(count_words("สวัสดี"), 6);
    }

    #[test]
    fn html_tags_are_not_words() {
        assert_eq!(count_words_in_html("<p>Hello <em>there</em>,<br/>friend&nbsp;mine</p>"), 4);
        assert_eq!(count_words_in_html("<p>&quot;Don&rsquo;t,&quot; she said &amp; left&#8230;</p>"), 4);
    }
}
