// Small behaviours for every page, bound from data attributes (the Content-Security-Policy allows no inline script).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-pw-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
// A form sent back with errors: its error summary takes the focus, so a screen reader and the keyboard start there.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("form-errors");
  if (summary) summary.focus();
});
// A link of the error summary (templates/includes/form_errors.html) goes to its field, as the GOV.UK error summary
// does: a folded <details> around the field opens, the legend of a radio or checkbox list (or the field's label)
// scrolls into view above it, and the field takes the focus. Without this script the link still goes to the field.
{
  const summaryTarget = (link) => document.getElementById(decodeURIComponent(link.hash.slice(1)));
  document.addEventListener("click", (event) => {
    const link = event.target.closest("#form-errors a[href^='#']");
    const input = link && summaryTarget(link);
    if (!input) return;
    event.preventDefault();
    for (let folded = input.closest("details:not([open])"); folded; folded = folded.closest("details:not([open])")) {
      folded.open = true;
    }
    const choice = input.type === "radio" || input.type === "checkbox";
    const inList = choice && document.getElementsByName(input.name).length > 1;
    const legend = inList ? input.closest("fieldset")?.querySelector("legend") : null;
    (legend || input.labels?.[0] || input).scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
  });
  // A line whose field the page does not show (left out of this step) stays as plain text: no link to nowhere.
  document.addEventListener("DOMContentLoaded", () => {
    for (const link of document.querySelectorAll("#form-errors a[href^='#']")) {
      if (!summaryTarget(link)) link.replaceWith(...link.childNodes);
    }
  });
}
