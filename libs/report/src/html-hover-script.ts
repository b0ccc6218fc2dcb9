/**
 * The page's only script: a hover readout for the charts. It reads the chart
 * data from `<script type="application/json" id="chart-data">` (written by
 * `renderHtml`), and builds the readout with DOM text nodes, never
 * innerHTML, so names from user files cannot inject markup.
 */
export const HOVER_SCRIPT = `
(function () {
  var source = document.getElementById('chart-data');
  var readout = document.getElementById('readout');
  if (!source || !readout) return;
  var data = JSON.parse(source.textContent);
  function nearest(times, t) {
    var lo = 0, hi = times.length - 1;
    if (hi < 0) return -1;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (times[mid] < t) lo = mid + 1; else hi = mid; }
    if (lo > 0 && Math.abs(times[lo - 1] - t) <= Math.abs(times[lo] - t)) lo -= 1;
    return lo;
  }
  function line(color, text, bold) {
    var row = document.createElement('div');
    if (color) { var swatch = document.createElement('span'); swatch.className = 'swatch'; swatch.style.background = color; row.appendChild(swatch); }
    var label = document.createElement(bold ? 'strong' : 'span');
    label.textContent = text;
    row.appendChild(label);
    return row;
  }
  data.charts.forEach(function (chart) {
    var svg = document.getElementById(chart.id);
    if (!svg) return;
    var g = chart.geometry;
    var plotWidth = g.width - g.left - g.right;
    var guide = svg.querySelector('.hover-guide');
    function hide() { readout.style.display = 'none'; guide.setAttribute('visibility', 'hidden'); }
    svg.addEventListener('mouseleave', hide);
    svg.addEventListener('mousemove', function (event) {
      var box = svg.getBoundingClientRect();
      var x = (event.clientX - box.left) * g.width / box.width;
      if (x < g.left || x > g.left + plotWidth) { hide(); return; }
      var tMs = chart.xMinMs + (x - g.left) / plotWidth * (chart.xMaxMs - chart.xMinMs);
      guide.setAttribute('x1', x); guide.setAttribute('x2', x); guide.setAttribute('visibility', 'visible');
      readout.replaceChildren(line(null, 't = ' + (tMs / 1000).toFixed(2) + ' s', true));
      chart.series.forEach(function (series) {
        var index = nearest(series.t, tMs);
        if (index >= 0) readout.appendChild(line(series.color, series.name + ': ' + (series.v[index] * 100).toFixed(1) + ' %', false));
      });
      readout.style.display = 'block';
      var left = event.clientX + 14;
      if (left + readout.offsetWidth > window.innerWidth - 8) left = event.clientX - readout.offsetWidth - 14;
      readout.style.left = left + 'px';
      readout.style.top = (event.clientY + 14) + 'px';
    });
  });
})();
`;
