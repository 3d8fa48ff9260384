/* auditor workbench: drag and drop, finding <-> box, the parser panel's highlights, tabs. No inline script is
   needed (the Content-Security-Policy allows only this file and htmx). */
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // ------------------------------------------------------------ upload: drop zone, files, folder
  function submitFiles(files, folder) {
    var form = $("#upload");
    if (!form || !files.length) return;
    var dt = new DataTransfer();
    for (var i = 0; i < files.length; i++) {
      if (!folder || /\.pdf$/i.test(files[i].name)) dt.items.add(files[i]);
    }
    if (!dt.files.length) return;
    $("#files").files = dt.files;
    var flag = $("input[name=folder]", form);
    if (!flag) { flag = document.createElement("input"); flag.type = "hidden"; flag.name = "folder"; form.appendChild(flag); }
    flag.value = folder ? "1" : "0";
    var other = $("#folder");
    if (other) other.value = "";
    if (form.requestSubmit) { form.requestSubmit(); } else if (window.htmx) { htmx.trigger(form, "submit"); } else { form.submit(); }
  }

  document.addEventListener("change", function (e) {
    if (e.target.id === "files") submitFiles(e.target.files, false);
    if (e.target.id === "folder") submitFiles(e.target.files, true);
  });

  function filesOfDrop(e) {
    return e.dataTransfer ? e.dataTransfer.files : [];
  }
  document.addEventListener("dragover", function (e) {
    var zone = e.target.closest && e.target.closest(".dropzone");
    if (zone || $(".dropzone")) { e.preventDefault(); }
    if (zone) zone.classList.add("over");
  });
  document.addEventListener("dragleave", function (e) {
    var zone = e.target.closest && e.target.closest(".dropzone");
    if (zone) zone.classList.remove("over");
  });
  document.addEventListener("drop", function (e) {
    var zone = $(".dropzone");
    if (!zone) return;
    e.preventDefault();
    zone.classList.remove("over");
    submitFiles(filesOfDrop(e), false);
  });

  // ------------------------------------------------------------ report: tabs
  function showTab(name) {
    $all(".tab").forEach(function (t) {
      var on = t.getAttribute("data-tab") === name;
      t.classList.toggle("on", on);
      t.setAttribute("aria-selected", on ? "true" : "false");
    });
    $all(".tab-body").forEach(function (b) { b.hidden = b.getAttribute("data-body") !== name; });
  }

  // ------------------------------------------------------------ report: finding <-> box
  var pending = null;   // the finding number to highlight once its page is shown

  function reportId() { var w = $(".workspace"); return w ? w.getAttribute("data-report") : null; }
  function shownPage() { var v = $(".viewer"); return v ? parseInt(v.getAttribute("data-page"), 10) : null; }

  function loadPage(page, n) {
    pending = n || null;
    if (shownPage() === page) { highlightBox(pending); pending = null; return; }
    htmx.ajax("GET", "/report/" + reportId() + "/page/" + page, { target: "#viewer", swap: "innerHTML" });
  }

  function highlightBox(n) {
    $all(".box.active").forEach(function (b) { b.classList.remove("active"); });
    if (!n) return;
    var box = $('.viewer .box[data-n="' + n + '"]');
    if (box) {
      box.classList.add("active");
      box.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }

  function highlightCard(n) {
    showTab("findings");
    $all(".finding.active").forEach(function (c) { c.classList.remove("active"); });
    var card = document.getElementById("f" + n);
    if (card) {
      card.classList.add("active");
      card.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }

  document.addEventListener("click", function (e) {
    var t = e.target;
    var tab = t.closest(".tab");
    if (tab) { showTab(tab.getAttribute("data-tab")); return; }
    var go = t.closest("[data-page-go]");
    if (go) { e.preventDefault(); loadPage(parseInt(go.getAttribute("data-page-go"), 10)); return; }
    var box = t.closest(".viewer .box");
    if (box) {
      e.preventDefault();
      var n = box.getAttribute("data-n");
      $all(".box.active").forEach(function (b) { b.classList.remove("active"); });
      box.classList.add("active");
      highlightCard(n);
      return;
    }
    var goto = t.closest(".goto-card");
    if (goto) { e.preventDefault(); highlightCard(goto.getAttribute("data-n")); return; }
    var where = t.closest("button.where[data-goto]");
    var card = t.closest(".finding");
    if (where || (card && !t.closest("form, details, a, button, textarea, input, summary"))) {
      var c = where ? where.closest(".finding") : card;
      var page = parseInt(c.getAttribute("data-page"), 10);
      $all(".finding.active").forEach(function (x) { x.classList.remove("active"); });
      c.classList.add("active");
      if (page) loadPage(page, c.getAttribute("data-n"));
      return;
    }
    var chip = t.closest(".chipbtn[data-show]");
    if (chip) {
      var show = chip.getAttribute("data-show");
      $all(".chipbtn").forEach(function (x) { x.classList.toggle("on", x === chip); });
      $all(".side-col .finding").forEach(function (f) {
        var ok = show === "all" || (show === "open" && f.getAttribute("data-state") === "open") ||
          (show === "error" && f.getAttribute("data-severity") === "error");
        f.hidden = !ok;
      });
      return;
    }
    if (t.id === "print") { window.print(); }
  });

  // a decision needs the verifier's name: say so before asking the server
  document.addEventListener("htmx:confirm", function (e) {
    var form = e.target.closest && e.target.closest(".finding form");
    if (!form) return;
    var who = $("#verifier");
    if (who && !who.value.trim()) {
      e.preventDefault();
      who.closest(".verifier-bar").classList.add("missing");
      who.focus();
    }
  });
  document.addEventListener("input", function (e) {
    if (e.target.id === "verifier") e.target.closest(".verifier-bar").classList.remove("missing");
  });

  // show the server's refusal (a 4xx fragment) where the request was made
  document.addEventListener("htmx:beforeSwap", function (e) {
    var xhr = e.detail.xhr;
    // the parser panel of a page no longer shown (a slower, earlier request): keep the current one
    if (e.detail.target && e.detail.target.id === "read") {
      var m = /data-page="(\d+)"/.exec(xhr.responseText || "");
      if (m && shownPage() && parseInt(m[1], 10) !== shownPage()) { e.detail.shouldSwap = false; return; }
    }
    if (xhr.status >= 400 && xhr.status < 500) {
      e.detail.shouldSwap = false;
      var holder = e.detail.requestConfig && e.detail.requestConfig.elt;
      var box = document.createElement("div");
      box.className = "alert error";
      box.textContent = (xhr.responseText || "").replace(/<[^>]*>/g, "").trim() || ("HTTP " + xhr.status);
      var where = (holder && holder.closest && (holder.closest("form") || holder)) || document.body;
      var old = where.parentNode && where.parentNode.querySelector(":scope > .alert.error");
      if (old) old.remove();
      where.parentNode.insertBefore(box, where.nextSibling);
    }
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.target && e.target.id === "viewer") {
      var page = shownPage();
      var label = $("#read-page");
      if (label && page) label.textContent = label.textContent.replace(/\d+/, String(page));
      if (pending) { highlightBox(pending); pending = null; }
      var url = new URL(window.location.href);
      url.searchParams.set("page", page);
      history.replaceState(null, "", url);
    }
  });

  // ------------------------------------------------------------ the parser panel: where was it read?
  function geom() {
    var p = $(".viewer .page");
    return p ? JSON.parse(p.getAttribute("data-geom")) : null;
  }
  document.addEventListener("mouseover", function (e) {
    var item = e.target.closest && e.target.closest(".ritem[data-bbox]");
    var old = $(".viewer .hl");
    if (!item) { if (old && !e.target.closest(".viewer")) old.remove(); return; }
    var g = geom();
    if (!g) return;
    var b = JSON.parse(item.getAttribute("data-bbox"));
    var hl = old || document.createElement("div");
    hl.className = "hl";
    hl.style.left = ((b[0] - g.dx) / g.w * 100) + "%";
    hl.style.top = ((b[1] - g.dy) / g.h * 100) + "%";
    hl.style.width = ((b[2] - b[0]) / g.w * 100) + "%";
    hl.style.height = ((b[3] - b[1]) / g.h * 100) + "%";
    if (!old) $(".viewer .page").appendChild(hl);
  });
})();
