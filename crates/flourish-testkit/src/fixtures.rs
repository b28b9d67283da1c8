//! Fixtures written by the team in the style of the archive's first story (a first-person
//! chapter with a point-of-view banner and a flashback). Never real stories.

use flourish_core::{ArchiveWarning, Category, ChapterDraft, Pseud, Rating, WorkDraft};
use flourish_store::{AccountStore, Store};

/// A chapter with a POV banner, a flashback and dialogue, as sanitized-ready HTML.
pub const POV_CHAPTER: &str = r#"<section class="pov" data-label="Neville"><p class="section-label">Neville's Point of View</p>
<p>I had not set foot in the greenhouse since the spring the roof came down, but the mandrakes still knew my voice.</p>
<section class="flashback" data-label="Flashback"><p class="section-label">Flashback</p>
<p>"You're late, Longbottom," Luna said, though she was smiling, and the lantern made her hair look like spun sugar.</p>
</section>
<p>I shut the door behind me and told myself I was only here for the seedlings.</p></section>"#;

/// Creates a user whose default pseud is `name`.
pub async fn writer(store: &Store, name: &str) -> Pseud {
    store.create_user(name).await.expect("create writer").1
}

/// A complete, posted one-chapter work in the Harry Potter fandom, credited to `pseud`.
pub fn work(title: &str, pseud: &Pseud) -> WorkDraft {
    let mut draft = WorkDraft::new(title, "Harry Potter - J. K. Rowling", pseud.id, POV_CHAPTER);
    draft.rating = Rating::TeenAndUp;
    draft.warnings = vec![ArchiveWarning::NoneApply];
    draft.categories = vec![Category::FM];
    draft.relationships = vec!["Neville Longbottom/Luna Lovegood".into()];
    draft.characters = vec!["Neville Longbottom".into(), "Luna Lovegood".into()];
    draft.freeforms = vec!["Post-War".into(), "Greenhouses".into()];
    draft.summary = "<p>The mandrakes remember. So does Neville.</p>".into();
    draft
}

/// A chapter draft with the given title and a line of text.
pub fn chapter(title: &str, text: &str) -> ChapterDraft {
    ChapterDraft { title: title.into(), content: format!("<p>{text}</p>"), ..Default::default() }
}
