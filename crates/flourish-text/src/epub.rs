//! EPUB to a [`Document`]: the package's metadata (title, creators, description, subjects,
//! language, series) and its spine's XHTML, read through the HTML reader. AO3's EPUBs keep
//! the preface and afterword of its HTML downloads; FanFicFare's and calibre's title and
//! contents pages are skipped.
//!
//! An EPUB is a zip file, so reading one is bounded: entry count, each entry's real size
//! (read through a limit, whatever its header claims) and the total.

use crate::blocks::HtmlBlock;
use crate::document::{Document, Format};
use crate::error::ImportError;
use quick_xml::events::Event;
use std::io::Read;

const MAX_ENTRIES: usize = 10_000;
const MAX_ENTRY_BYTES: u64 = 50 << 20;
const MAX_TOTAL_BYTES: u64 = 200 << 20;

fn err(message: impl Into<String>) -> ImportError {
    ImportError::Epub(message.into())
}

struct Package {
    title: Option<String>,
    creators: Vec<String>,
    description: Option<String>,
    subjects: Vec<String>,
    language: Option<String>,
    series: Option<String>,
    /// Who published the book, its rights and where it came from (`dc:publisher`,
    /// `dc:rights`, `dc:source`): what tells a published book from a story.
    publication: Vec<(String, String)>,
    /// Spine documents, as paths inside the zip.
    spine: Vec<String>,
}

pub fn parse_epub(bytes: &[u8]) -> Result<Document, ImportError> {
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| err(format!("not a zip file ({e})")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(err(format!("it has {} files; at most {MAX_ENTRIES} are read", zip.len())));
    }
    let mut budget = MAX_TOTAL_BYTES;
    let container = read_entry(&mut zip, "META-INF/container.xml", &mut budget)?;
    let opf_path = attribute_of(&container, "rootfile", "full-path")
        .ok_or_else(|| err("META-INF/container.xml names no package"))?;
    let opf = read_entry(&mut zip, &opf_path, &mut budget)?;
    let base = opf_path.rsplit_once('/').map_or(String::new(), |(dir, _)| format!("{dir}/"));
    let package = parse_opf(&opf, &base)?;

    let mut blocks: Vec<HtmlBlock> = Vec::new();
    // "Key: value" lines of a title page that is not a preface (FanFicFare's, calibre's).
    let mut title_fields: Vec<(String, String)> = Vec::new();
    for path in &package.spine {
        let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        if ["toc", "nav", "cover", "contents"].iter().any(|skip| name.starts_with(skip)) {
            continue;
        }
        let xhtml = read_entry(&mut zip, path, &mut budget)?;
        let (mut file_blocks, _) = crate::html::blocks(&xhtml);
        for b in &mut file_blocks {
            b.line = 0; // an EPUB has no lines a reader could look up
        }
        // A title page is metadata, not story; one laid out as AO3's (and Flourish's)
        // preface is read as such, with its summary and notes.
        let title_page = name.starts_with("title") || name.contains("title_page");
        if title_page && !file_blocks.iter().any(|b| b.within("preface")) {
            title_fields.extend(fields_of(&file_blocks));
            continue;
        }
        blocks.extend(file_blocks);
    }
    let mut doc = crate::blocks::parse_blocks(blocks, Format::Epub);
    for (key, value) in title_fields {
        if doc.header_field(&key).is_none() {
            doc.header.push((key, value));
        }
    }
    doc.encoding = "utf-8".into();
    if let Some(t) = package.title {
        doc.title = Some(t);
    }
    if !package.creators.is_empty() {
        doc.authors = package.creators;
    }
    if let Some(d) = package.description.filter(|d| !d.trim().is_empty()) {
        doc.summary = Some(crate::html::blocks(&d).0.iter().map(|b| b.text.clone()).collect::<Vec<_>>().join("\n\n"))
            .filter(|s| !s.is_empty())
            .or(Some(d));
    }
    if !package.subjects.is_empty() && doc.header_field("tags").is_none() {
        doc.header.push(("tags".into(), package.subjects.join(", ")));
    }
    if let Some(l) = package.language {
        doc.header.push(("language".into(), l));
    }
    if let Some(s) = package.series {
        doc.header.push(("series".into(), s));
    }
    for (key, value) in package.publication {
        if doc.header_field(&key).is_none() {
            doc.header.push((key, value));
        }
    }
    doc.boilerplate.clear(); // spans of lines mean nothing without lines
    Ok(doc)
}

/// `Key: value` pairs of a title page: its `dt`/`dd` pairs and its lines that read as a
/// header field ("Rating: T", "Characters: Harry P., Draco M.").
fn fields_of(blocks: &[HtmlBlock]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut pending_dt: Option<String> = None;
    for b in blocks {
        match b.tag.as_str() {
            "dt" => pending_dt = Some(b.text.trim().trim_end_matches(':').trim().to_lowercase()),
            "dd" => {
                if let Some(key) = pending_dt.take() {
                    out.push((key, b.text.trim().to_owned()));
                }
            }
            _ => {
                for line in &b.lines {
                    if let crate::patterns::LineKind::Field(key, value) = crate::patterns::classify(line) {
                        out.push((key, value));
                    }
                }
            }
        }
    }
    out
}

/// Reads one entry as text, through the size limits.
fn read_entry(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
) -> Result<String, ImportError> {
    let name = percent_decode(name);
    let entry = zip.by_name(&name).map_err(|_| err(format!("{name} is missing")))?;
    let limit = MAX_ENTRY_BYTES.min(*budget);
    let mut bytes = Vec::new();
    entry.take(limit + 1).read_to_end(&mut bytes).map_err(|e| err(format!("{name} cannot be read ({e})")))?;
    if bytes.len() as u64 > limit {
        return Err(err(format!("{name} unpacks to more than {limit} bytes; this looks like a zip bomb")));
    }
    *budget -= bytes.len() as u64;
    Ok(crate::decode::decode(&bytes).map(|d| d.text).unwrap_or_default())
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first `attr` of the first `element` (local names) in an XML document.
fn attribute_of(xml: &str, element: &str, attr: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == element.as_bytes() => {
                return e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == attr.as_bytes())
                    .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()));
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

fn parse_opf(xml: &str, base: &str) -> Result<Package, ImportError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut package = Package {
        title: None,
        creators: vec![],
        description: None,
        subjects: vec![],
        language: None,
        series: None,
        publication: vec![],
        spine: vec![],
    };
    let mut manifest: Vec<(String, String, String)> = Vec::new(); // id, href, properties
    let mut spine_ids: Vec<String> = Vec::new();
    let mut field: Option<String> = None;
    let mut text = String::new();
    let attr = |e: &quick_xml::events::BytesStart, name: &str| -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.local_name().as_ref() == name.as_bytes())
            .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
    };
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if matches!(
                    local.as_str(),
                    "title" | "creator" | "description" | "subject" | "language" | "publisher" | "rights" | "source"
                ) {
                    field = Some(local);
                    text.clear();
                }
            }
            Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"item" => {
                    if let (Some(id), Some(href)) = (attr(&e, "id"), attr(&e, "href")) {
                        manifest.push((id, href, attr(&e, "properties").unwrap_or_default()));
                    }
                }
                b"itemref" => spine_ids.extend(attr(&e, "idref")),
                b"meta" if attr(&e, "name").as_deref() == Some("calibre:series") => {
                    package.series = attr(&e, "content")
                }
                _ => {}
            },
            Ok(Event::Text(t)) if field.is_some() => text.push_str(&t.decode().unwrap_or_default()),
            Ok(Event::CData(t)) if field.is_some() => text.push_str(&String::from_utf8_lossy(&t)),
            Ok(Event::GeneralRef(r)) if field.is_some() => {
                let name = String::from_utf8_lossy(&r).into_owned();
                text.push_str(match name.as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                });
                if let Some(n) = name.strip_prefix('#') {
                    let c = n.strip_prefix('x').map_or_else(|| n.parse().ok(), |h| u32::from_str_radix(h, 16).ok());
                    text.extend(c.and_then(char::from_u32));
                }
            }
            Ok(Event::End(e)) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if field.as_deref() == Some(local.as_str()) {
                    let value = text.trim().to_owned();
                    match local.as_str() {
                        "title" if package.title.is_none() => package.title = Some(value),
                        "creator" if !value.is_empty() => package.creators.push(value),
                        "description" => package.description = Some(value),
                        "subject" if !value.is_empty() => package.subjects.push(value),
                        "language" => package.language = Some(value),
                        "publisher" | "rights" | "source" if !value.is_empty() => {
                            package.publication.push((local.clone(), value))
                        }
                        _ => {}
                    }
                    field = None;
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(err(format!("the package document is not valid XML ({e})"))),
            _ => {}
        }
    }
    for id in spine_ids {
        if let Some((_, href, properties)) = manifest.iter().find(|(i, _, _)| *i == id)
            && !properties.split_whitespace().any(|p| p == "nav")
        {
            package.spine.push(format!("{base}{}", href.split('#').next().unwrap_or(href)));
        }
    }
    if package.spine.is_empty() {
        return Err(err("its spine lists no documents"));
    }
    Ok(package)
}
