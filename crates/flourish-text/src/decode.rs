//! Bytes to text: the encoding (UTF-8 with or without BOM, UTF-16 either way round,
//! Windows-1252), refusing binary files, and repairing mojibake — UTF-8 that was once read as
//! Windows-1252 and saved again, which turns `’` into `â€™`.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Decoded text and the encoding it was read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// `utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be` or `windows-1252`.
    pub encoding: &'static str,
    /// How many mojibake sequences were repaired.
    pub repaired: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("this looks like a binary file, not text")]
    Binary,
}

/// Decodes a text file's bytes.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (decode_with(UTF_8, rest), "utf-8-bom")
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (decode_with(UTF_16LE, rest), "utf-16le")
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (decode_with(UTF_16BE, rest), "utf-16be")
    } else if let Some(utf16) = utf16_without_bom(bytes) {
        (decode_with(utf16, bytes), if utf16 == UTF_16LE { "utf-16le" } else { "utf-16be" })
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_owned(), "utf-8")
    } else {
        (decode_with(WINDOWS_1252, bytes), "windows-1252")
    };
    if looks_binary(&text) {
        return Err(DecodeError::Binary);
    }
    let (text, repaired) = repair_mojibake(&text);
    Ok(Decoded { text, encoding, repaired })
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> String {
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// UTF-16 text without a byte-order mark: ASCII-range text has a zero in every other byte.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let pairs = sample.len() / 2;
    let zeros_at = |offset: usize| sample.chunks_exact(2).filter(|p| p[offset] == 0).count();
    let (even, odd) = (zeros_at(0), zeros_at(1));
    if odd * 10 >= pairs * 7 && even * 10 <= pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd * 10 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Text with NULs or many control characters is not a story. Only C0 controls count: C1
/// ones (U+0080–U+009F) appear in mojibake, which is repaired, not refused.
fn looks_binary(text: &str) -> bool {
    let sample: Vec<char> = text.chars().take(8192).collect();
    let control = sample.iter().filter(|&&c| c < ' ' && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')).count();
    sample.contains(&'\0') || control * 100 > sample.len().max(1)
}

/// Repairs UTF-8 read as Windows-1252: every run of characters that encodes back to
/// Windows-1252 bytes forming valid multi-byte UTF-8 is replaced by what those bytes mean.
/// Only runs that start with the lead characters such text produces (`Â`, `Ã`, `â`, …)
/// are tried, so ordinary accented text is left alone.
pub fn repair_mojibake(text: &str) -> (String, usize) {
    // Lead bytes 0xC2–0xF4 read as Windows-1252.
    fn is_lead(c: char) -> bool {
        ('\u{c2}'..='\u{f4}').contains(&c)
    }
    // Every lead character (U+00C2–U+00F4) is encoded starting with the byte 0xC3.
    if !text.as_bytes().contains(&0xC3) {
        return (text.to_owned(), 0);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut repaired = 0;
    let mut i = 0;
    while i < chars.len() {
        if is_lead(chars[i])
            && let Some((decoded, used)) = try_repair(&chars[i..])
        {
            out.push(decoded);
            repaired += 1;
            i += used;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    (out, repaired)
}

/// Tries to read one UTF-8 character from the Windows-1252 bytes of `chars`' first 2–4
/// characters; succeeds only for a non-ASCII character.
fn try_repair(chars: &[char]) -> Option<(char, usize)> {
    let lead = win1252_byte(chars[0])?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    if chars.len() < len {
        return None;
    }
    let mut bytes = vec![lead];
    for &c in &chars[1..len] {
        let b = win1252_byte(c)?;
        if !(0x80..=0xBF).contains(&b) {
            return None;
        }
        bytes.push(b);
    }
    let s = std::str::from_utf8(&bytes).ok()?;
    let c = s.chars().next()?;
    (!c.is_ascii()).then_some((c, len))
}

/// The Windows-1252 byte a character came from, if any.
fn win1252_byte(c: char) -> Option<u8> {
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = WINDOWS_1252.encode(c.encode_utf8(&mut buf));
    (!unmappable && bytes.len() == 1).then(|| bytes[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_recognised() {
        assert_eq!(decode("Draco’s".as_bytes()).unwrap().encoding, "utf-8");
        assert_eq!(
            decode(b"\xEF\xBB\xBFHi").unwrap(),
            Decoded { text: "Hi".into(), encoding: "utf-8-bom", repaired: 0 }
        );
        let le: Vec<u8> = "Draco’s wand".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode(&le).unwrap().text, "Draco’s wand");
        assert_eq!(decode(&le).unwrap().encoding, "utf-16le");
        let be: Vec<u8> =
            [0xFE, 0xFF].into_iter().chain("Oh Merlin".encode_utf16().flat_map(|u| u.to_be_bytes())).collect();
        assert_eq!(decode(&be).unwrap().text, "Oh Merlin");
        let cp1252 = b"It\x92s \x93quoted\x94 \x96 caf\xe9";
        let d = decode(cp1252).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("It’s “quoted” – café", "windows-1252"));
    }

    #[test]
    fn mojibake_is_repaired_and_real_accents_are_not() {
        let d = decode("Harryâ€™s â€œwandâ€\u{9d} â€” cafÃ©".as_bytes()).unwrap();
        assert_eq!(d.text, "Harry’s “wand” — café");
        assert_eq!(d.repaired, 5);
        let clean = "Señor Ängström visited the château";
        assert_eq!(repair_mojibake(clean), (clean.to_owned(), 0));
    }

    #[test]
    fn empty_and_binary_files_are_refused() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b" \n\r\n"), Err(DecodeError::Empty));
        assert_eq!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0"), Err(DecodeError::Binary));
        assert_eq!(decode(&[0u8, 1, 2, 3, 4, 5, 6, 7, 0, 0, 255, 254, 3]), Err(DecodeError::Binary));
    }
}
