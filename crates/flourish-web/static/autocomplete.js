// Tag autocomplete for inputs marked data-autocomplete="tags": comma-separated names, the
// last one completed from /api/v1/tags/autocomplete. The form works without this script.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("input[data-autocomplete=tags]")) {
    const list = document.createElement("ul");
    list.className = "autocomplete-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.after(list);
    input.setAttribute("aria-autocomplete", "list");
    let timer = null;
    const current = () => input.value.split(/[,，、]/).pop().trim();
    const choose = (name) => {
      const parts = input.value.split(/[,，、]/).slice(0, -1).map((p) => p.trim()).filter(Boolean);
      parts.push(name);
      input.value = parts.join(", ") + ", ";
      list.hidden = true;
      input.focus();
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const term = current();
      if (term.length < 2) { list.hidden = true; return; }
      timer = setTimeout(async () => {
        const response = await fetch("/api/v1/tags/autocomplete?term=" + encodeURIComponent(term) +
          (input.dataset.kind ? "&kind=" + encodeURIComponent(input.dataset.kind) : ""));
        if (!response.ok) return;
        const tags = await response.json();
        list.replaceChildren(...tags.map((tag) => {
          const li = document.createElement("li");
          li.setAttribute("role", "option");
          li.textContent = tag.name;
          li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(tag.name); });
          return li;
        }));
        list.hidden = tags.length === 0;
      }, 150);
    });
    input.addEventListener("keydown", (e) => {
      const items = [...list.children];
      if (list.hidden || items.length === 0) return;
      let at = items.findIndex((li) => li.getAttribute("aria-selected") === "true");
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (at >= 0) items[at].removeAttribute("aria-selected");
        at = e.key === "ArrowDown" ? (at + 1) % items.length : (at - 1 + items.length) % items.length;
        items[at].setAttribute("aria-selected", "true");
      } else if (e.key === "Enter" && at >= 0) {
        e.preventDefault();
        choose(items[at].textContent);
      } else if (e.key === "Escape") {
        list.hidden = true;
      }
    });
    input.addEventListener("blur", () => { list.hidden = true; });
  }
});
