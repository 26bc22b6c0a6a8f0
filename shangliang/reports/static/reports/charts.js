// Draws the statistics page's charts from the JSON in #chart-data. Each chart has its table on the
// page (the charts are hidden from screen readers and not printed).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (node) {
      var part = data[node.getAttribute("data-chart")];
      if (!part) {
        node.hidden = true;
        return;
      }
      var bars = node.getAttribute("data-chart") === "groups";
      var chart = echarts.init(node, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 56, bottom: 48 },
        xAxis: { type: "category", data: part.categories, axisLabel: { rotate: bars ? 30 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: part.series.map(function (s) {
          return { name: s.name, type: bars ? "bar" : "line", data: s.data };
        }),
      });
      node.setAttribute("data-drawn", JSON.stringify(part.series.map(function (s) { return s.data; })));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
