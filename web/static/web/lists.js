// The list pages (web.common.listing): search as you type, and the queue's bulk selection.
//
// Search: a form marked data-live-search refetches its list ~300 ms after the user stops typing
// in its search box (or at once when a select changes), asks for the results alone (partial=1)
// and swaps them into [data-list-results]; the address follows with history.replaceState, so a
// reload or a shared link shows the same rows. Without script the form simply submits. An older
// answer arriving after a newer one is dropped (each fetch aborts the previous one).
(function () {
  "use strict";
  var DELAY = 300;

  function listUrl(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && value.trim() !== "") params.append(key, value);
    });
    var action = form.getAttribute("action") || window.location.pathname;
    var query = params.toString();
    return action + (query ? "?" + query : "");
  }

  function setup(form) {
    var target = document.querySelector("[data-list-results]");
    if (!target) return;
    var timer = null;
    var inflight = null;
    var last = listUrl(form);

    function refresh() {
      var url = listUrl(form);
      if (url === last) return;
      last = url;
      if (inflight) inflight.abort();
      inflight = new AbortController();
      var partial = url + (url.indexOf("?") >= 0 ? "&" : "?") + "partial=1";
      target.setAttribute("aria-busy", "true");
      fetch(partial, { credentials: "same-origin", signal: inflight.signal, headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          target.innerHTML = html;
          target.removeAttribute("aria-busy");
          window.history.replaceState(null, "", url);
          // what lives outside the swapped results follows: the header's count, the export link
          var count = target.querySelector("[data-list-count]");
          var tally = document.querySelector("[data-list-tally]");
          if (count && tally) tally.textContent = count.getAttribute("data-list-count");
          var search = url.indexOf("?") >= 0 ? url.slice(url.indexOf("?")) : "";
          document.querySelectorAll("a[data-follow-query]").forEach(function (a) {
            a.setAttribute("href", a.getAttribute("href").split("?")[0] + search);
          });
          form.dispatchEvent(new CustomEvent("zeren:list-updated", { bubbles: true }));
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") return;
          target.removeAttribute("aria-busy");
        });
    }

    form.addEventListener("input", function (event) {
      if (!event.target.matches("input[type=search], input[type=text]")) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY);
    });
    form.addEventListener("change", function (event) {
      if (!event.target.matches("select")) return;
      window.clearTimeout(timer);
      refresh();
    });
  }

  // Bulk selection: a checkbox marked data-select-all toggles the boxes named in its value;
  // the bulk form's buttons stay disabled until something is selected, and show how many.
  function bulk(form) {
    var name = form.getAttribute("data-bulk");
    function boxes() {
      return Array.prototype.slice.call(document.querySelectorAll("input[type=checkbox][name='" + name + "'][form='" + form.id + "']"));
    }
    function update() {
      var n = boxes().filter(function (b) { return b.checked; }).length;
      form.querySelectorAll("[data-bulk-count]").forEach(function (el) { el.textContent = String(n); });
      form.querySelectorAll("button").forEach(function (b) { b.disabled = n === 0; });
      form.querySelectorAll("input[data-select-all]").forEach(function (all) {
        var list = boxes();
        all.checked = list.length > 0 && list.every(function (b) { return b.checked; });
      });
    }
    document.addEventListener("change", function (event) {
      var t = event.target;
      if (t.matches && t.matches("input[data-select-all='" + form.id + "']")) {
        document.querySelectorAll("input[type=checkbox][form='" + form.id + "']").forEach(function (b) { b.checked = t.checked; });
      }
      update();
    });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-live-search]").forEach(setup);
    document.querySelectorAll("form[data-bulk]").forEach(bulk);
  });
})();
