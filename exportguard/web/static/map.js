// Eligibility world map: fills each country with the regime's verdict on a date, each
// verdict a colour and a pattern (the <pattern>s of map.html; grey cross-hatch: no data).
// World geometry: Natural Earth via the npm package world-atlas (TopoJSON), converted with
// topojson-client; both are served from this site (no CDN). Projection: equirectangular,
// cropped to 84N..58S, Antarctica left out (it would take a fifth of the map).
(function () {
  const root = document.getElementById("map");
  if (!root) return;
  const regimeSelect = document.getElementById("regime");
  const slider = document.getElementById("day");
  const label = document.getElementById("day-label");
  const table = document.getElementById("map-table");
  const numeric = JSON.parse(root.dataset.numeric);
  const start = new Date(root.dataset.start + "T00:00:00Z");
  const dateField = document.getElementById("day-date");
  const ticks = document.getElementById("day-ticks");
  const changeLinks = document.getElementById("change-links");
  const hover = document.getElementById("map-hover");
  const changes = JSON.parse(root.dataset.changes);
  const words = JSON.parse(root.dataset.words);
  const ANTARCTICA = 10;  // ISO 3166 numeric
  let features = null;
  const names = JSON.parse(root.dataset.names || "{}");  // the server's, every country
  let drawing = 0;

  function dateToDay(text) {
    return Math.round((new Date(text + "T00:00:00Z").getTime() - start.getTime()) / 86400000);
  }

  function dayToDate(days) {
    const d = new Date(start.getTime() + days * 86400000);
    return d.toISOString().slice(0, 10);
  }

  function project(lon, lat) { return [(lon + 180) * 2, (90 - lat) * 2]; }

  // One ring as SVG path commands. A ring that crosses the antimeridian (Russia's Chukotka,
  // Fiji) is unwrapped into continuous longitudes and drawn once more shifted by 360
  // degrees: the viewBox clips each copy, so both sides are filled and no sliver crosses
  // the map. A ring that goes round a pole (Antarctica) is closed along that pole.
  function ringPath(ring) {
    const pts = [];
    let offset = 0;
    let prev = null;
    for (const pt of ring) {
      if (prev !== null && Math.abs(pt[0] - prev) > 180) offset += pt[0] > prev ? -360 : 360;
      pts.push([pt[0] + offset, pt[1]]);
      prev = pt[0];
    }
    if (offset !== 0) {
      const meanLat = pts.reduce(function (sum, p) { return sum + p[1]; }, 0) / pts.length;
      const pole = meanLat < 0 ? -90 : 90;
      pts.push([pts[pts.length - 1][0], pole], [pts[0][0], pole]);
    }
    const lons = pts.map(function (p) { return p[0]; });
    const west = Math.min.apply(null, lons);
    const east = Math.max.apply(null, lons);
    let d = "";
    for (const shift of [-360, 0, 360]) {
      if (east + shift <= -180 || west + shift >= 180) continue;  // this copy is off the map
      d += "M" + pts.map(function (pt) {
        const p = project(pt[0] + shift, pt[1]);
        return p[0].toFixed(1) + "," + p[1].toFixed(1);
      }).join("L") + "Z";
    }
    return d;
  }

  function pathOf(geometry) {
    const polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    let d = "";
    for (const poly of polys) {
      for (const ring of poly) d += ringPath(ring);
    }
    return d;
  }

  function said(verdict) { return verdict ? (words[verdict] || verdict) : "no data"; }

  // Ticks on the slider and buttons for the regime's dated changes.
  function showChanges() {
    const days = (changes[regimeSelect.value] || []);
    ticks.replaceChildren();
    changeLinks.replaceChildren();
    for (const day of days) {
      const option = document.createElement("option");
      option.value = String(dateToDay(day));
      option.label = day;
      ticks.appendChild(option);
      const jump = document.createElement("button");
      jump.type = "button";
      jump.className = "secondary tick";
      jump.dataset.day = option.value;
      jump.textContent = day;
      jump.setAttribute("aria-label", "Jump to the change of " + day);
      jump.addEventListener("click", function () { slider.value = option.value; draw(); });
      changeLinks.append(jump, " ");
    }
    if (!days.length) changeLinks.textContent = "none in this range.";
  }

  async function draw() {
    const seq = ++drawing;
    const date = dayToDate(Number(slider.value));
    label.textContent = date;
    dateField.value = date;
    const response = await fetch("/api/v1/regimes/" + regimeSelect.value + "/map?as_of=" + date,
                                 {credentials: "same-origin"});
    const data = await response.json();
    if (!features && root.dataset.geometry) {
      const topo = await (await fetch(root.dataset.geometry)).json();
      features = topojson.feature(topo, topo.objects.countries).features
        .filter(function (f) { return f.geometry && Number(f.id) !== ANTARCTICA; });
      for (const f of features) {
        const code = numeric[String(Number(f.id))];
        if (code && !names[code]) names[code] = f.properties.name || code;
      }
    }
    if (seq !== drawing) return;  // a later date was asked for meanwhile
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 12 720 284");
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", "World map of verdicts for " + data.regime + " on " + date +
                     " (each country can be reached with Tab; the table below has them all)");
    for (const f of features || []) {
      const code = numeric[String(Number(f.id))];
      const verdict = code ? data.countries[code] : undefined;
      const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", pathOf(f.geometry));
      path.setAttribute("fill", "url(#pat-" + (verdict || "none") + ")");
      const text = (f.properties.name || code || "unknown") + ": " + said(verdict);
      if (code) {
        path.setAttribute("data-country", code);
        path.setAttribute("data-verdict", verdict || "");
        // Reachable by keyboard: Tab moves from country to country, saying each one.
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "img");
        path.setAttribute("aria-label", text);
        path.addEventListener("focus", function () { hover.textContent = text; });
      } else {
        path.setAttribute("aria-hidden", "true");
      }
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = text;
      path.appendChild(title);
      path.addEventListener("mouseenter", function () { hover.textContent = text; });
      svg.appendChild(path);
    }
    root.replaceChildren(svg);
    root.dataset.date = date;
    const groups = {};
    for (const [code, verdict] of Object.entries(data.countries)) {
      (groups[verdict] = groups[verdict] || []).push(code);
    }
    table.replaceChildren();
    for (const [verdict, codes] of Object.entries(groups).sort()) {
      const tr = document.createElement("tr");
      tr.dataset.verdict = verdict;
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = said(verdict) + " (" + codes.length + ")";
      const td = document.createElement("td");
      td.textContent = codes.map(function (c) { return (names[c] || c) + " (" + c + ")"; })
        .sort().join(", ");
      tr.append(th, td);
      table.appendChild(tr);
    }
  }

  slider.addEventListener("input", draw);
  dateField.addEventListener("change", function () {
    if (!dateField.value) return;
    const day = dateToDay(dateField.value);
    slider.value = String(Math.max(0, Math.min(Number(slider.max), day)));
    draw();
  });
  regimeSelect.addEventListener("change", function () { showChanges(); draw(); });
  document.getElementById("map-form").addEventListener("submit", function (e) {
    e.preventDefault();
  });
  showChanges();
  draw();
})();
