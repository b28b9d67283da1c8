//! `flourish dev score-corpus DIR`: every annotated real text of the development corpus
//! (`corpus/`, issue 17) read as `flourish import` reads a file, and scored against its
//! annotation (see `flourish_text::corpus`).

use anyhow::Context;
use flourish_core::{Limits, PseudId};
use flourish_text::corpus::{Annotation, TextScore, score};
use flourish_text::lexicon::Lexicon;
use flourish_text::pipeline::{FileRequest, Suggestions, read_work};
use std::io::Read;
use std::path::Path;

/// Scores every text in `dir/annotations` (or the ones named in `only`), in name order.
pub fn score_corpus(dir: &Path, only: &[String]) -> anyhow::Result<Vec<TextScore>> {
    let lexicons = Lexicon::bundled_and_dir(None).map_err(anyhow::Error::msg)?;
    let limits = Limits::default();
    let mut names: Vec<String> = std::fs::read_dir(dir.join("annotations"))
        .with_context(|| format!("cannot read {}/annotations", dir.display()))?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".json").map(str::to_owned))
        .filter(|n| only.is_empty() || only.contains(n))
        .collect();
    names.sort();
    let mut scores = Vec::with_capacity(names.len());
    for name in names {
        let path = dir.join("annotations").join(format!("{name}.json"));
        let annotation: Annotation = serde_json::from_slice(&std::fs::read(&path)?)
            .with_context(|| format!("{} is not an annotation", path.display()))?;
        let bytes = read_text(&dir.join(&annotation.file))?;
        // The name the file had where it was published, else its name here without the
        // .gz: a hint to its format (and a last resort for its title), as for any import.
        let stored = annotation.file.rsplit('/').next().unwrap_or(&annotation.file).trim_end_matches(".gz");
        let file_name = annotation.published_name.as_deref().unwrap_or(stored);
        let request = FileRequest {
            name: Some(file_name),
            creator: PseudId(1),
            fandoms: &[],
            rating: None,
            suggestions: Suggestions::Offer,
            lexicons: &lexicons,
            limits: &limits,
        };
        let work = read_work(&bytes, &request).with_context(|| format!("cannot read {}", annotation.file))?;
        scores.push(score(&name, &annotation, &work));
    }
    Ok(scores)
}

/// A corpus file's bytes, gunzipped when it ends in `.gz`.
fn read_text(path: &Path) -> anyhow::Result<Vec<u8>> {
    let raw = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .with_context(|| format!("{} is not gzip", path.display()))?;
        return Ok(out);
    }
    Ok(raw)
}
