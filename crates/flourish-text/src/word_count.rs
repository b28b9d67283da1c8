//! Word counting as AO3 counts: runs of letters, digits, apostrophes and hyphens are one
//! word (so `don't` and `well-known` are one each), and every Han, Hiragana, Katakana and
//! Thai character is a word of its own, since those scripts do not separate words by spaces.

/// Counts the words of plain text.
pub fn count_words(text: &str) -> u64 {
    let mut count = 0u64;
    let mut in_word = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII, nearly all of most stories, without decoding characters.
        if b.is_ascii() {
            if b.is_ascii_alphanumeric() {
                if !in_word {
                    count += 1;
                    in_word = true;
                }
            } else if !(in_word && (b == b'\'' || b == b'-')) {
                in_word = false;
            }
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().expect("a character starts here");
        i += c.len_utf8();
        if is_own_word(c) {
            count += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                count += 1;
                in_word = true;
            }
        } else if !(in_word && is_joiner(c)) {
            in_word = false;
        }
    }
    count
}

/// Counts the words of HTML, skipping tags and decoding the few entities that change a count.
pub fn count_words_in_html(html: &str) -> u64 {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        text.push(' ');
        match rest[start..].find('>') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    text.push_str(rest);
    count_words(&decode_entities(&text))
}

/// Decodes character references, so `don&rsquo;t` stays one word and `&quot;` is no word.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = name.strip_prefix('#') {
                num.parse().ok().and_then(char::from_u32)
            } else {
                Some(match name {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" | "rsquo" | "lsquo" => '\'',
                    "hellip" => '…',
                    "mdash" => '—',
                    "ndash" => '–',
                    _ => ' ',
                })
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '‐' | '‑')
}

fn is_own_word(c: char) -> bool {
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
