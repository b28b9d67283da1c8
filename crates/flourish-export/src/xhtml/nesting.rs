//! Writes elements so that each sits where EPUB's XHTML schema (HTML 5's content models)
//! allows it. HTML's parser keeps much that the schema refuses, and the sanitizer keeps
//! what the parser kept: a paragraph inside `<em>`, a list item with no list, a table row
//! with no table, a caption after the table's rows. epubcheck refuses every one of them
//! (found by the `epub` fuzz target), so this writer rearranges them without losing text:
//!
//! - a block inside inline elements closes them and opens them again inside the block and
//!   after it, so `<em><p>a</p></em>` becomes `<p><em>a</em></p>`;
//! - a block inside a paragraph or heading ends it;
//! - a list item, definition or table part outside its element gets one, written by this
//!   writer (an *implicit* element, closed by whatever does not fit in it);
//! - text or inline markup straight inside a list or table goes into an implicit item or
//!   cell;
//! - what is out of order in a table, or a `summary` or `figcaption` out of place, becomes
//!   the element that fits there.

use super::escape_into;

/// How an element's content fits the schema.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// Phrasing content holding phrasing content: `em`, `span`, `a`, `br`…
    Inline,
    /// A block holding only phrasing content: `p`, headings, `pre`, `dt`, `summary`.
    TextBlock,
    /// A block holding flow content: `div`, `blockquote`, `li`, `td`…
    Flow,
    /// A block holding only particular children: lists, tables and the parts of tables.
    Frame,
}

fn kind(tag: &str) -> Kind {
    match tag {
        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "pre" | "dt" | "summary" => Kind::TextBlock,
        "div" | "blockquote" | "li" | "dd" | "td" | "th" | "section" | "details" | "figure" | "figcaption"
        | "address" | "caption" | "hr" => Kind::Flow,
        "ul" | "ol" | "dl" | "table" | "thead" | "tbody" | "tr" => Kind::Frame,
        _ => Kind::Inline,
    }
}

/// The elements that may only sit directly in particular others, and the one supplied when
/// they do not.
fn required_parent(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "li" => "ul",
        "dt" | "dd" => "dl",
        "tr" | "thead" | "tbody" | "caption" => "table",
        "td" | "th" => "tr",
        _ => return None,
    })
}

/// The child supplied when something else arrives straight inside a frame.
fn implicit_child(frame: &str) -> &'static str {
    match frame {
        "ul" | "ol" => "li",
        "dl" => "dd",
        "table" => "tbody",
        "thead" | "tbody" => "tr",
        _ => "td",
    }
}

/// An element written and not yet closed.
struct Open {
    /// The name its end tag has in the source; `None` for elements this writer supplied.
    source: Option<String>,
    /// What was written.
    tag: String,
    /// Its attributes as written, without an `id` (ids may appear only once), for writing
    /// it again when a block carries it.
    attrs: String,
    /// Which source element this is a copy of: copies carried through blocks share it.
    logical: u32,
    /// Where its start tag begins in the output.
    start: usize,
    /// The first and the last of its child elements and runs of text (whitespace apart):
    /// `#text` for text.
    first_child: Option<String>,
    last_child: Option<String>,
    /// Whether it may go if nothing is written in it: inline copies a block carried, and
    /// inline elements with no `id`, which show nothing when empty.
    droppable_if_empty: bool,
    /// Inline elements this block ended to be allowed here, to open again after it.
    carried: Vec<Carried>,
}

impl Open {
    fn new(source: Option<String>, tag: &str, attrs: &str, logical: u32, start: usize) -> Self {
        Open {
            source,
            tag: tag.to_owned(),
            attrs: attrs.to_owned(),
            logical,
            start,
            first_child: None,
            last_child: None,
            droppable_if_empty: false,
            carried: Vec::new(),
        }
    }
}

#[derive(Clone)]
struct Carried {
    source: String,
    tag: String,
    attrs: String,
    logical: u32,
}

/// A `ruby` being written: where its start tag begins in the output, and whether it has
/// had base text and an annotation (`rt`) yet.
struct Ruby {
    start: usize,
    base: bool,
    annotated: bool,
    /// Base text after the last annotation, which the schema refuses (a ruby ends with
    /// an annotation), and where that annotation ended in the output.
    trailing: bool,
    annotation_end: usize,
}

#[derive(Default)]
pub(super) struct Writer {
    out: String,
    open: Vec<Open>,
    rubies: Vec<Ruby>,
    next_logical: u32,
}

impl Writer {
    pub fn with_capacity(n: usize) -> Self {
        Writer { out: String::with_capacity(n), ..Default::default() }
    }

    /// Whether a link is open, in which another may not be.
    pub fn in_link(&self) -> bool {
        self.open.iter().any(|o| o.tag == "a")
    }

    fn top(&self) -> Option<&str> {
        self.open.last().map(|o| o.tag.as_str())
    }

    fn top_is_implicit(&self) -> bool {
        self.open.last().is_some_and(|o| o.source.is_none())
    }

    /// Opens `tag` for the source element `source`. `attrs_first` are its attributes as
    /// ` name="value"` pairs; `attrs` the same without an `id`, for copies.
    pub fn start(&mut self, source: &str, tag: &str, attrs_first: &str, attrs: &str) {
        let tag = match tag {
            // Neither carries anything the sanitizer allows (no `span`), and the schema
            // wants them in an order HTML does not keep.
            "colgroup" | "col" => return,
            "tfoot" => "tbody",
            other => other,
        };
        let carried = if kind(tag) == Kind::Inline { Vec::new() } else { self.make_room_for_block() };
        let tag = self.fit(tag);
        let tag = match tag {
            "dfn" if self.open.iter().any(|o| o.tag == tag) => "span",
            "rt" | "rp" if self.top() != Some("ruby") => "span",
            other => other,
        };
        self.note_ruby(tag);
        self.count_child(tag);
        let logical = self.new_logical();
        if matches!(tag, "hr" | "br" | "wbr") {
            self.write_start(tag, attrs_first, true);
            self.reopen(&carried);
            return;
        }
        let start = self.out.len();
        self.write_start(tag, attrs_first, false);
        let mut element = Open::new(Some(source.to_owned()), tag, attrs, logical, start);
        element.droppable_if_empty =
            kind(tag) == Kind::Inline && attrs == attrs_first && !matches!(tag, "ruby" | "rt" | "rp");
        element.carried = carried;
        let carried = element.carried.clone();
        self.open.push(element);
        // Inline elements the block ended go on inside it, where they may.
        if matches!(kind(tag), Kind::TextBlock | Kind::Flow) && !matches!(tag, "details" | "figure") {
            self.reopen(&carried);
        }
    }

    /// Closes the innermost open element whose source name is `name`, and whatever is open
    /// inside it; an end tag with nothing to close ends a carried element, or is dropped.
    pub fn end(&mut self, name: &str) {
        let Some(at) = self.open.iter().rposition(|o| o.source.as_deref() == Some(name)) else {
            for o in self.open.iter_mut().rev() {
                if let Some(i) = o.carried.iter().rposition(|c| c.source == name) {
                    o.carried.remove(i);
                    return;
                }
            }
            return;
        };
        // What is open inside it ends with it, and is not carried on: it was inside.
        while self.open.len() > at + 1 {
            self.close_top();
        }
        let target = self.close_top();
        // The element has ended: blocks that would open it again after them must not.
        for o in &mut self.open {
            o.carried.retain(|c| c.logical != target.logical);
        }
        self.reopen(&target.carried);
    }

    /// Writes text, which needs a place that holds phrasing content.
    pub fn text(&mut self, text: &str) {
        if !text.trim().is_empty() {
            self.fit(TEXT);
            self.count_child(TEXT);
            self.note_base();
        }
        escape_into(&mut self.out, text);
    }

    /// Phrasing markup from the writer itself (an image's alt text), escaped already.
    pub fn markup(&mut self, markup: &str) {
        self.fit(TEXT);
        self.count_child(TEXT);
        self.note_base();
        self.out.push_str(markup);
    }

    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close_top();
        }
        self.out
    }

    fn new_logical(&mut self) -> u32 {
        self.next_logical += 1;
        self.next_logical
    }

    fn count_child(&mut self, tag: &str) {
        if let Some(o) = self.open.last_mut() {
            if o.first_child.is_none() {
                o.first_child = Some(tag.to_owned());
            }
            o.last_child = Some(tag.to_owned());
        }
    }

    /// Ends the inline elements and the paragraph a block cannot sit in; returns the inline
    /// ones, outermost first, to open again inside the block and after it.
    fn make_room_for_block(&mut self) -> Vec<Carried> {
        let mut carried = Vec::new();
        while let Some(top) = self.open.last() {
            match kind(&top.tag) {
                Kind::Inline => {
                    // A ruby's parts mean nothing apart from it; they end here.
                    let carry = (!matches!(top.tag.as_str(), "ruby" | "rt" | "rp")).then(|| Carried {
                        source: top.source.clone().unwrap_or_default(),
                        tag: top.tag.clone(),
                        attrs: top.attrs.clone(),
                        logical: top.logical,
                    });
                    self.close_top();
                    carried.extend(carry);
                }
                Kind::TextBlock => {
                    self.close_top();
                }
                Kind::Flow | Kind::Frame => break,
            }
        }
        carried.reverse();
        carried
    }

    /// Makes the current place one where `tag` may sit, and returns what `tag` becomes
    /// there: closes implicit elements it does not fit in, or supplies the parent or the
    /// child of a frame it needs. Implicit elements are closed only before any is opened,
    /// so this ends.
    fn fit<'a>(&mut self, mut tag: &'a str) -> &'a str {
        let mut opened = false;
        loop {
            let (top, last_child) =
                self.open.last().map_or((None, None), |o| (Some(o.tag.clone()), o.last_child.clone()));
            let (top, last_child) = (top.as_deref(), last_child.as_deref());
            let empty = last_child.is_none();
            // What is out of place becomes what fits. A table's parts come in order:
            // caption, head, bodies; a head after that is one more body.
            tag = match (tag, top) {
                ("summary", Some("details")) | ("figcaption", Some("figure")) if empty => tag,
                ("summary", _) => "p",
                ("figcaption", _) => "div",
                ("caption", Some("table")) if !empty => "td",
                ("thead", Some("table")) if !matches!(last_child, None | Some("caption")) => "tbody",
                _ => tag,
            };
            let fits = match top.map(|t| (t, kind(t))) {
                None | Some((_, Kind::Flow)) => required_parent(tag).is_none(),
                Some((_, Kind::Inline | Kind::TextBlock)) => kind(tag) == Kind::Inline,
                Some((frame, Kind::Frame)) => matches!(
                    (frame, tag),
                    ("ul" | "ol", "li")
                        | ("dl", "dt" | "dd")
                        | ("table", "caption" | "thead" | "tbody")
                        | ("thead" | "tbody", "tr")
                        | ("tr", "td" | "th")
                ),
            };
            if fits {
                // A definition list begins with a term.
                if tag == "dd" && top == Some("dl") && empty {
                    self.open_implicit("dt");
                    self.close_top();
                }
                return tag;
            }
            if !opened && self.top_is_implicit() {
                self.close_top();
                continue;
            }
            opened = true;
            if let Some(frame) = top.filter(|t| kind(t) == Kind::Frame) {
                self.open_implicit(implicit_child(frame));
            } else if let Some(parent) = required_parent(tag) {
                self.open_implicit(parent);
            } else {
                // Only an inline or paragraph parent is left, and only blocks fail to fit
                // in one; `make_room_for_block` has closed those already.
                return tag;
            }
        }
    }

    fn open_implicit(&mut self, tag: &'static str) {
        let tag = self.fit(tag);
        self.count_child(tag);
        let logical = self.new_logical();
        let start = self.out.len();
        self.write_start(tag, "", false);
        self.open.push(Open::new(None, tag, "", logical, start));
    }

    fn write_start(&mut self, tag: &str, attrs: &str, void: bool) {
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push_str(attrs);
        self.out.push_str(if void { "/>" } else { ">" });
    }

    /// Opens again, in the current place, inline elements a block ended.
    fn reopen(&mut self, carried: &[Carried]) {
        for c in carried {
            let start = self.out.len();
            self.write_start(&c.tag, &c.attrs, false);
            let mut copy = Open::new(Some(c.source.clone()), &c.tag, &c.attrs, c.logical, start);
            copy.droppable_if_empty = true;
            self.open.push(copy);
        }
    }

    fn close_top(&mut self) -> Open {
        let mut o = self.open.pop().expect("an open element");
        // Nothing was written inside when the start tag is the end of the output.
        if o.droppable_if_empty && self.out.len() == o.start + "<>".len() + o.tag.len() + o.attrs.len() {
            self.out.truncate(o.start);
            return o;
        }
        // EPUB's schema wants a `summary` first in every `details`.
        if o.tag == "details" && o.first_child.as_deref() != Some("summary") {
            self.out.replace_range(o.start..o.start + "<details".len(), "<div");
            o.tag = "div".into();
        }
        // …and a definition list ends with a definition.
        if o.tag == "dl" && o.last_child.as_deref() == Some("dt") {
            self.out.push_str("<dd></dd>");
        }
        if o.tag == "ruby"
            && let Some(ruby) = self.rubies.pop()
        {
            if !(ruby.base && ruby.annotated) {
                self.out.push_str("</ruby>");
                unruby(&mut self.out, ruby.start);
            } else if ruby.trailing {
                // The base text after the last annotation goes after the ruby.
                self.out.insert_str(ruby.annotation_end, "</ruby>");
            } else {
                self.out.push_str("</ruby>");
            }
            return o;
        }
        self.out.push_str("</");
        self.out.push_str(&o.tag);
        self.out.push('>');
        if matches!(o.tag.as_str(), "rt" | "rp")
            && self.top() == Some("ruby")
            && let Some(ruby) = self.rubies.last_mut()
        {
            ruby.annotation_end = self.out.len();
        }
        o
    }

    /// Notes base text, or text after the last annotation, in the ruby being written.
    fn note_base(&mut self) {
        let in_annotation =
            self.open.iter().rev().take_while(|o| o.tag != "ruby").any(|o| matches!(o.tag.as_str(), "rt" | "rp"));
        if let Some(r) = self.rubies.last_mut()
            && !in_annotation
        {
            if r.annotated {
                r.trailing = true;
            } else {
                r.base = true;
            }
        }
    }

    /// Keeps count of what a ruby has had, for [`unruby`].
    fn note_ruby(&mut self, tag: &str) {
        match tag {
            "ruby" => self.rubies.push(Ruby {
                start: self.out.len(),
                base: false,
                annotated: false,
                trailing: false,
                annotation_end: 0,
            }),
            "rt" if self.top() == Some("ruby") => {
                if let Some(r) = self.rubies.last_mut() {
                    r.annotated = true;
                    r.trailing = false;
                }
            }
            // Text is base text (see `text`); of elements, only a line break shows
            // something for sure: an empty one is dropped.
            "br" | "wbr" => self.note_base(),
            _ => {}
        }
    }
}

/// What [`Writer::fit`] is asked to find a place for when text arrives.
const TEXT: &str = "#text";

/// EPUB's schema wants a `ruby` to hold base text followed by at least one `rt`, and an
/// `rt` or `rp` only directly inside a `ruby`; HTML lets writers (and the sanitizer) leave
/// either out. A ruby without both, written out already, becomes spans.
fn unruby(out: &mut String, start: usize) {
    let mut fixed = out.split_off(start);
    for (from, to) in [
        ("<ruby", "<span"),
        ("</ruby>", "</span>"),
        ("<rt", "<span"),
        ("</rt>", "</span>"),
        ("<rp", "<span"),
        ("</rp>", "</span>"),
    ] {
        fixed = fixed.replace(from, to);
    }
    out.push_str(&fixed);
}
