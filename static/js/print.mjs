// The "Print" button on printable pages (the passport, R89; the decision letter). A module file rather
// than an onclick attribute, so the Content Security Policy can keep forbidding inline script. A button
// rendered `hidden` is shown only here, so no one without the script meets a button that does nothing.
for (const button of document.querySelectorAll("[data-beacon-print]")) {
  button.addEventListener("click", () => window.print());
  button.hidden = false;
}
