// A member's place inside a chapter. On a page whose reading box has data-position-url,
// sends the paragraph at the top of the view now and then (and when the page is left);
// on a page with data-resume-paragraph, "#resume" brings that paragraph back into view.
// Without this script the archive keeps the chapter alone.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("reading");
  const text = document.querySelector("#chapters .userstuff");
  if (!box || !text) return;
  const paragraphs = Array.from(text.querySelectorAll("p"));
  if (paragraphs.length === 0) return;

  const resume = box.dataset.resumeParagraph;
  const goBack = () => {
    const target = paragraphs[Math.min(Number(resume), paragraphs.length - 1)];
    if (target) target.scrollIntoView({ block: "start" });
  };
  if (resume !== undefined) {
    if (location.hash === "#resume") goBack();
    window.addEventListener("hashchange", () => { if (location.hash === "#resume") goBack(); });
  }

  const url = box.dataset.positionUrl;
  const csrf = box.dataset.csrf;
  if (!url || !csrf) return;
  const inView = () => {
    const i = paragraphs.findIndex((p) => p.getBoundingClientRect().bottom > 0);
    return i < 0 ? paragraphs.length - 1 : i;
  };
  let sent = resume === undefined ? -1 : Number(resume);
  let timer = null;
  const send = () => {
    timer = null;
    const paragraph = inView();
    if (paragraph === sent) return;
    sent = paragraph;
    const body = new URLSearchParams({ csrf, paragraph: String(paragraph) });
    fetch(url, { method: "POST", body, credentials: "same-origin", keepalive: true }).catch(() => {});
  };
  window.addEventListener("scroll", () => { if (!timer) timer = setTimeout(send, 1500); }, { passive: true });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") send(); });
});
