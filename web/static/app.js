// plansearch: progressive enhancement only. Every page works without this script.
// Adds: "/" focuses the search box; arrow keys move through results; Enter opens one;
// search-as-you-type (debounced) that replaces the results from the server-rendered page.
(function () {
  "use strict";
  var box = document.getElementById("q");
  var selected = -1;

  // Citation copy buttons: hidden in the page, shown when the clipboard can be used.
  Array.prototype.forEach.call(document.querySelectorAll("button.copy[data-copy]"), function (b) {
    var src = document.getElementById(b.getAttribute("data-copy"));
    if (!src || !navigator.clipboard) return;
    b.hidden = false;
    b.addEventListener("click", function () {
      navigator.clipboard.writeText(src.textContent).then(function () { b.textContent = "已复制 Copied"; }, function () {});
    });
  });

  function hits() { return Array.prototype.slice.call(document.querySelectorAll("li.hit")); }

  function select(i) {
    var list = hits();
    if (!list.length) return;
    selected = Math.max(0, Math.min(i, list.length - 1));
    list.forEach(function (li, k) { li.setAttribute("aria-selected", k === selected ? "true" : "false"); });
    var link = list[selected].querySelector("a.hit-link");
    if (link) link.focus();
  }

  document.addEventListener("keydown", function (e) {
    var typing = document.activeElement && (document.activeElement.tagName === "INPUT" || document.activeElement.tagName === "TEXTAREA");
    if (e.key === "/" && !typing) { if (box) { e.preventDefault(); box.focus(); box.select(); } return; }
    if (e.key === "ArrowDown") { if (hits().length) { e.preventDefault(); select(selected + 1); } return; }
    if (e.key === "ArrowUp") { if (hits().length && selected > 0) { e.preventDefault(); select(selected - 1); } return; }
    if (e.key === "Enter" && !typing && selected >= 0) {
      var link = hits()[selected].querySelector("a.hit-link");
      if (link) { e.preventDefault(); window.location.href = link.href; }
    }
  });

  if (!box || !window.fetch || !window.DOMParser) return;
  var timer = null, last = box.value, seq = 0;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = box.value;
      if (q === last || q.trim().length === 0) return;
      last = q;
      var mine = ++seq;
      var form = box.form;
      var params = new URLSearchParams(new FormData(form));
      fetch("/search?" + params.toString(), { headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html || mine !== seq) return;
          var doc = new DOMParser().parseFromString(html, "text/html");
          var main = document.getElementById("main");
          var fresh = doc.getElementById("main");
          if (!main || !fresh) return;
          // Keep the box (and the caret) as it is; replace everything after the form.
          var formEl = main.querySelector("form.search");
          while (formEl && formEl.nextSibling) main.removeChild(formEl.nextSibling);
          var freshForm = fresh.querySelector("form.search");
          var node = freshForm ? freshForm.nextSibling : null;
          while (node) { var next = node.nextSibling; main.appendChild(document.importNode(node, true)); node = next; }
          selected = -1;
          history.replaceState(null, "", "/search?" + params.toString());
        })
        .catch(function () { /* the form still works by submitting */ });
    }, 250);
  });
})();
