// A running job's page follows the job without reloading itself: it asks the API for the
// job's status (GET /api/v1/jobs/{id}, same origin, the session cookie) every second and
// updates the progress bar and the status line in place (a polite live region); once the
// job has ended, the page loads again to show the results. Without script, the page's
// <noscript> refresh reloads it every 5 seconds instead.
(function () {
  "use strict";
  var bar = document.querySelector("progress[data-job]");
  if (!bar) { return; }
  var status = document.getElementById(bar.getAttribute("data-status"));
  var url = "/api/v1/jobs/" + encodeURIComponent(bar.getAttribute("data-job"));
  var unit = bar.getAttribute("data-unit") || "rows";

  function n(value) { return Number(value || 0).toLocaleString("en-GB"); }

  function say(job) {
    var done = job.progress || 0;
    bar.max = job.rows || 1;
    bar.value = done;
    bar.textContent = n(done) + " of " + n(job.rows);
    if (!status) { return; }
    if (job.status === "queued") { status.textContent = "Waiting to start."; }
    else if (done >= job.rows) { status.textContent = "Screened; writing the results."; }
    else { status.textContent = "Screening: " + n(done) + " of " + n(job.rows) + " " + unit + "."; }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (job) {
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        say(job);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });  // a hiccup: try again later
  }
  window.setTimeout(poll, 1000);
})();
