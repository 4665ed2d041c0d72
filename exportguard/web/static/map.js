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

  function pathOf(geometry) {
    const polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    let d = "";
    for (const poly of polys) {
      for (const ring of poly) {
        let last = null;
        ring.forEach(function (pt) {
          const p = project(pt[0], pt[1]);
          // A ring crossing the antimeridian jumps across the map: lift the pen there.
          const jump = last !== null && Math.abs(pt[0] - last) > 180;
          d += (last === null || jump ? "M" : "L") + p[0].toFixed(1) + "," + p[1].toFixed(1);
          last = pt[0];
        });
      }
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
