// kb serve: small progressive touches; every page works without them.
"use strict";

// Citation style: switch GOST/APA in place (both are in the page) instead of searching again.
document.querySelectorAll("[data-style-switch] input[name=style]").forEach((radio) => {
  radio.addEventListener("change", () => {
    document.querySelectorAll("[data-style]").forEach((el) => { el.dataset.style = radio.value; });
    const url = new URL(window.location.href);
    if (url.searchParams.has("q") || url.pathname !== "/") {
      url.searchParams.set("style", radio.value);
      history.replaceState(null, "", url);
    }
  });
});

// While the model loads, ask the server now and then and say when hybrid search is available.
const badge = document.getElementById("model-status");
if (badge && badge.dataset.state === "loading") {
  const poll = () => fetch("/status").then((r) => r.json()).then((s) => {
    if (s.model === "loading") { setTimeout(poll, 1000); return; }
    badge.dataset.state = s.model;
    badge.className = "model " + s.model;
    badge.textContent = s.model === "ready" ? "model ready" : "model unavailable";
    const note = document.getElementById("model-note");
    if (note && s.model === "ready") {
      note.textContent = "The language model is ready. ";
      const again = document.createElement("a");
      again.href = window.location.href;
      again.textContent = "Search again with " + (new URL(window.location.href).searchParams.get("mode") || "hybrid") + " mode";
      note.appendChild(again);
    }
  }).catch(() => setTimeout(poll, 3000));
  setTimeout(poll, 1000);
}

// Bibliography: all / none buttons for each list of checkboxes.
document.querySelectorAll("[data-toggle]").forEach((span) => {
  const name = span.dataset.toggle;
  for (const [label, value] of [["all", true], ["none", false]]) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", () => {
      document.querySelectorAll(`input[type=checkbox][name=${name}]`).forEach((c) => { c.checked = value; });
    });
    span.appendChild(b);
  }
});

// Search: leave empty filters out of the URL, so it stays short and readable.
document.querySelectorAll("form.search").forEach((form) => {
  form.addEventListener("submit", () => {
    form.querySelectorAll("input, select").forEach((el) => {
      if (el.name && el.value === "" && el.type !== "radio") { el.disabled = true; }
    });
    setTimeout(() => form.querySelectorAll(":disabled").forEach((el) => { el.disabled = false; }), 0);
  });
});
