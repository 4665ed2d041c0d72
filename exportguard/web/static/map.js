// Eligibility world map: colours each country by the regime's verdict on a date.
// World geometry: Natural Earth via the npm package world-atlas (TopoJSON), converted with
// topojson-client; both are served from this site (no CDN). Projection: equirectangular.
(function () {
  const root = document.getElementById("map");
  if (!root) return;
  const regimeSelect = document.getElementById("regime");
  const slider = document.getElementById("day");
  const label = document.getElementById("day-label");
  const table = document.getElementById("map-table");
  const numeric = JSON.parse(root.dataset.numeric);
  const start = new Date(root.dataset.start + "T00:00:00Z");
  const colours = {not_eligible: "#cf222e", licence_required: "#d4a72c", refer: "#54aeff",
                   licence_exception: "#2da44e", no_licence_required: "#8ddb8c"};
  let features = null;

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

  async function draw() {
    const date = dayToDate(Number(slider.value));
    label.textContent = date;
    const response = await fetch("/api/v1/regimes/" + regimeSelect.value + "/map?as_of=" + date,
                                 {credentials: "same-origin"});
    const data = await response.json();
    if (!features) {
      const topo = await (await fetch(root.dataset.geometry)).json();
      features = topojson.feature(topo, topo.objects.countries).features;
    }
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 720 360");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "World map of verdicts for " + data.regime + " on " + date);
    for (const f of features) {
      if (!f.geometry) continue;
      const code = numeric[String(Number(f.id))];
      const verdict = code ? data.countries[code] : undefined;
      const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", pathOf(f.geometry));
      path.setAttribute("fill", colours[verdict] || "#ccc");
      if (code) {
        path.setAttribute("data-country", code);
        path.setAttribute("data-verdict", verdict || "");
        const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
        title.textContent = (f.properties.name || code) + ": " + (verdict || "n/a");
        path.appendChild(title);
      }
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
      const th = document.createElement("th");
      th.textContent = verdict + " (" + codes.length + ")";
      const td = document.createElement("td");
      td.textContent = codes.sort().join(" ");
      tr.append(th, td);
      table.appendChild(tr);
    }
  }

  slider.addEventListener("input", draw);
  regimeSelect.addEventListener("change", draw);
  draw();
})();
