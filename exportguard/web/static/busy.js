// Long requests (a list diff, an impact analysis): a form marked data-busy="What it does"
// is sent with fetch, says it is working, and offers Cancel, which aborts the request
// (AbortController). The answer's <main> replaces the page's. An external file: the
// Content-Security-Policy forbids inline scripts.
(function () {
  function run(form, submitter) {
    const controller = new AbortController();
    const status = document.createElement("p");
    status.className = "busy";
    status.id = "busy-status";
    status.setAttribute("role", "status");
    const said = document.createElement("span");
    said.textContent = form.dataset.busy + ": working…";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "secondary";
    cancel.id = "busy-cancel";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () { controller.abort(); });
    status.append(said, cancel);
    const old = document.getElementById("busy-status");
    if (old) old.remove();
    form.after(status);
    form.setAttribute("aria-busy", "true");
    const buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    const method = (form.getAttribute("method") || "get").toUpperCase();
    const data = new URLSearchParams(new FormData(form, submitter));
    let url = form.getAttribute("action") || window.location.pathname;
    const init = {method: method, signal: controller.signal, credentials: "same-origin"};
    if (method === "GET") url += "?" + data.toString();
    else init.body = data;
    cancel.focus();
    fetch(url, init).then(async function (response) {
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const main = doc.querySelector("main");
      if (!main || response.url.indexOf("/login") !== -1) {
        window.location.assign(response.url);
        return;
      }
      document.querySelector("main").replaceWith(document.adoptNode(main));
      document.title = doc.title;
      if (method === "GET") window.history.pushState(null, "", response.url);
      const focus = main.querySelector("[role=alert], section[id]") || main;
      if (!focus.hasAttribute("tabindex")) focus.setAttribute("tabindex", "-1");
      focus.focus();
    }).catch(function (error) {
      said.textContent = error.name === "AbortError"
        ? "Cancelled." + (method === "GET" ? "" : " What was sent may still be done: reload to see.")
        : "The request failed: " + error.message;
      cancel.remove();
    }).finally(function () {
      form.removeAttribute("aria-busy");
      buttons.forEach(function (b) { b.disabled = false; });
    });
  }

  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-busy]");
    if (!form || !window.fetch || !window.AbortController) return;
    event.preventDefault();
    run(form, event.submitter);
  });
  window.addEventListener("popstate", function () { window.location.reload(); });
})();
