// Bar charts drawn from a json_script element (id "chart-data"): a list of {id, label, labels, values}.
// Each chart draws on <canvas id="chart-<id>">; the table next to it gives the same figures with links.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  JSON.parse(source.textContent).forEach(function (chart) {
    var canvas = document.getElementById("chart-" + chart.id);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: [{ label: chart.label, data: chart.values, backgroundColor: "#0a58ca" }]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: chart.labels.length > 4 ? "y" : "x",
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: false } }
      }
    });
  });
})();
