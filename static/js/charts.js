// Bar charts drawn from a json_script element (id "chart-data"): a list of {id, label, labels, values}.
// Each chart draws on <canvas id="chart-<id>">; the table next to it gives the same figures with links.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  // A category label longer than the room it gets is shortened with an ellipsis (whole in the tooltip and
  // the table), so that on a 360 px phone no label is cut off at the canvas's edge.
  function shorten(label, room) {
    var text = String(label);
    var most = Math.max(8, Math.floor(room / 7));
    return text.length > most ? text.slice(0, most - 1) + "\u2026" : text;
  }
  JSON.parse(source.textContent).forEach(function (chart) {
    var canvas = document.getElementById("chart-" + chart.id);
    if (!canvas) { return; }
    var horizontal = chart.labels.length > 4;
    // Room for a label: on a horizontal chart at most 40 % of the canvas, on a vertical one a column.
    var room = horizontal ? canvas.parentNode.clientWidth * 0.4 : canvas.parentNode.clientWidth / Math.max(1, chart.labels.length);
    var categoryTicks = { callback: function (value) { return shorten(this.getLabelForValue(value), room); } };
    var valueTicks = { precision: 0 };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: [{ label: chart.label, data: chart.values, backgroundColor: "#0a58ca" }]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        scales: {
          x: { beginAtZero: true, ticks: horizontal ? valueTicks : categoryTicks },
          y: { beginAtZero: true, ticks: horizontal ? categoryTicks : valueTicks }
        },
        plugins: { legend: { display: false } }
      }
    });
  });
})();
