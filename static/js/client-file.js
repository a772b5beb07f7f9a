// Radar chart of the life domains: baseline against the latest screening.
(function () {
  "use strict";
  var canvas = document.getElementById("radar");
  var source = document.getElementById("radar-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var lang = document.documentElement.lang;
  new Chart(canvas, {
    type: "radar",
    data: {
      labels: data.labels,
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
      scales: { r: { min: 0, max: 5, ticks: { stepSize: 1 } } },
      plugins: { legend: { position: "bottom" } }
    }
  });
})();
