//! The properties the targets check: markup that cannot run script, and an EPUB's
//! structure as epubcheck reads it first. Written here, apart from the code they judge.

use flourish_testkit::links::is_unsafe_url;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, TagKind, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer};
use std::cell::RefCell;
use std::io::Read;

/// Elements that run script, load other documents or restyle the page.
const DANGEROUS_TAGS: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "noscript",
    "template",
    "base",
    "meta",
    "link",
    "form",
    "input",
    "button",
    "svg",
    "math",
    "textarea",
    "select",
    "xmp",
    "plaintext",
    "noembed",
    "noframes",
];

struct Sink(RefCell<Vec<String>>);

impl TokenSink for Sink {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let TagToken(tag) = token
            && tag.kind == TagKind::StartTag
        {
            let name = tag.name.to_string().to_ascii_lowercase();
            if DANGEROUS_TAGS.contains(&name.as_str()) {
                self.0.borrow_mut().push(format!("<{name}>"));
            }
            for attr in &tag.attrs {
                let attr_name = attr.name.local.to_string().to_ascii_lowercase();
                if attr_name.starts_with("on") || attr_name == "style" || attr_name == "srcdoc" {
                    self.0.borrow_mut().push(format!("<{name} {attr_name}>"));
                }
                if matches!(attr_name.as_str(), "href" | "src" | "action" | "formaction" | "xlink:href" | "data")
                    && is_unsafe_url(&attr.value)
                {
                    self.0.borrow_mut().push(format!("<{name} {attr_name}={:?}>", &*attr.value));
                }
            }
        }
        TokenSinkResult::Continue
    }
}

/// What in `html`, read by a browser's tokenizer, could run script.
pub fn script_in(html: &str) -> Vec<String> {
    let tokenizer = Tokenizer::new(Sink(RefCell::default()), Default::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

pub fn assert_clean(html: &str) {
    let found = script_in(html);
    assert!(found.is_empty(), "script survived: {found:?} in {html:?}");
}

/// `html` parsed and written out again, as the EPUB writer does (its XHTML), for the
/// second parse.
pub fn reserialize(html: &str) -> String {
    flourish_export::xhtml::to_xhtml(html)
}

/// The checks epubcheck makes before any other: the container and every XML file.
pub fn assert_epub_structure(bytes: &[u8]) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an EPUB is a zip");
    {
        let mut first = zip.by_index(0).expect("a first entry");
        assert_eq!(first.name(), "mimetype", "the mimetype comes first");
        assert_eq!(first.compression(), zip::CompressionMethod::Stored, "the mimetype is stored");
        let mut mimetype = String::new();
        first.read_to_string(&mut mimetype).unwrap();
        assert_eq!(mimetype, "application/epub+zip");
    }
    let container = read(&mut zip, "META-INF/container.xml");
    assert_well_formed("META-INF/container.xml", &container);
    let at = container.find("full-path=\"").expect("the container names the package file") + "full-path=\"".len();
    let package = &container[at..at + container[at..].find('"').expect("a closing quote")];
    assert!(zip.by_name(package).is_ok(), "the package file {package} is missing");
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    for name in names.iter().filter(|n| [".xhtml", ".opf", ".ncx", ".xml"].iter().any(|e| n.ends_with(e))) {
        let text = read(&mut zip, name);
        assert_well_formed(name, &text);
    }
}

fn read(zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str) -> String {
    let mut file = zip.by_name(name).unwrap_or_else(|_| panic!("{name} is missing"));
    let mut text = String::new();
    file.read_to_string(&mut text).unwrap_or_else(|e| panic!("{name} is not UTF-8: {e}"));
    text
}

/// Well-formed XML: every element closed in order, every attribute and reference legal.
fn assert_well_formed(name: &str, xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(e)) => {
                depth += 1;
                for attr in e.attributes() {
                    attr.unwrap_or_else(|err| panic!("{name}: a bad attribute: {err}"));
                }
            }
            Ok(quick_xml::events::Event::Empty(e)) => {
                for attr in e.attributes() {
                    attr.unwrap_or_else(|err| panic!("{name}: a bad attribute: {err}"));
                }
            }
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Text(t)) => {
                t.decode().unwrap_or_else(|err| panic!("{name}: bad text: {err}"));
            }
            Ok(_) => {}
            Err(err) => panic!("{name} is not well-formed XML at {}: {err}", reader.buffer_position()),
        }
    }
    assert_eq!(depth, 0, "{name}: elements left open");
}
