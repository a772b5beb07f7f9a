// Radar chart of the life domains: baseline against the latest screening.
(function () {
  "use strict";
  var canvas = document.getElementById("radar");
  var source = document.getElementById("radar-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var lang = document.documentElement.lang;
  // On a phone the domains' names would run off the canvas: on lines of a few words, in a smaller font.
  var narrow = (canvas.parentNode.clientWidth || 400) < 480;
  function wrap(label, width) {
    var lines = [], line = "";
    label.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }
  new Chart(canvas, {
    type: "radar",
    data: {
      labels: narrow ? data.labels.map(function (label) { return wrap(label, 12); }) : data.labels,
      datasets: [
        { label: lang === "en" ? "Baseline" : "Nulmeting", data: data.baseline,
          borderColor: "#6c757d", backgroundColor: "rgba(108,117,125,0.15)", borderDash: [6, 4] },
        { label: lang === "en" ? "Latest" : "Laatste", data: data.latest,
          borderColor: "#0a58ca", backgroundColor: "rgba(10,88,202,0.2)" }
      ].concat(data.client && data.client.some(function (v) { return v !== null; }) ? [
        { label: lang === "en" ? "Client's own view" : "Eigen inschatting hulpvrager", data: data.client,
          borderColor: "#a3470f", backgroundColor: "rgba(163,71,15,0.1)", borderDash: [2, 3] }
      ] : [])
    },
    options: {
      animation: false,
      scales: { r: { min: 0, max: 5, ticks: { stepSize: 1 }, pointLabels: { font: { size: narrow ? 10 : 12 } } } },
      plugins: { legend: { position: "bottom" } }
    }
  });
})();
