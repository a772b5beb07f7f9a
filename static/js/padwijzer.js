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
