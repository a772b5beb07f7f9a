// Small behaviours for every page, bound from data attributes (the Content-Security-Policy allows no inline script).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-pw-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
