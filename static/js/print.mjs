// The "Print" button on printable pages (the passport, R89). A module file rather than an onclick
// attribute, so the Content Security Policy can keep forbidding inline script.
for (const button of document.querySelectorAll("[data-beacon-print]")) {
  button.addEventListener("click", () => window.print());
}
