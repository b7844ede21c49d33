// The offline search box of the beleid report: no network, works from file://.
// The index (search-index.js beside the page) sets window.beleidSearchIndex; this script shows
// the hidden search form and lists the entries whose text holds every word typed.
(function () {
  "use strict";
  var LIMIT = 20;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function item(entry) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = entry.href;
    link.textContent = entry.title;
    var about = document.createElement("span");
    about.className = "search-kind";
    about.textContent = " · " + entry.kind + " · " + entry.theme;
    li.appendChild(link);
    li.appendChild(about);
    return li;
  }

  function search(index, query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    var hits = index.filter(function (entry) {
      return words.every(function (w) { return entry.text.indexOf(w) >= 0; });
    });
    var inTitle = function (entry) {
      var title = fold(entry.title);
      return words.every(function (w) { return title.indexOf(w) >= 0; }) ? 0 : 1;
    };
    return hits.sort(function (a, b) { return inTitle(a) - inTitle(b); });
  }

  function start() {
    var form = document.getElementById("search");
    var index = window.beleidSearchIndex;
    if (!form || !index) return;
    var box = document.getElementById("search-box");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    box.addEventListener("input", function () {
      var hits = search(index, box.value);
      list.textContent = "";
      if (!box.value.trim()) { status.textContent = ""; return; }
      status.textContent = hits.length
        ? form.dataset.count.replace("{count}", hits.length)
        : form.dataset.none;
      hits.slice(0, LIMIT).forEach(function (entry) { list.appendChild(item(entry)); });
      if (hits.length > LIMIT) {
        var more = document.createElement("li");
        more.textContent = form.dataset.more.replace("{count}", hits.length - LIMIT);
        list.appendChild(more);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
