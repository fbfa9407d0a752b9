// tierline's own script: live countdowns, and telling the server the browser's time zone.
// Everything works without it; it only keeps the page current between renders.
(function () {
  "use strict";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && document.cookie.indexOf("tierline_tz=") === -1) {
    document.cookie = "tierline_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
  }
  var words = {
    en: { left: "in", over: "overdue", d: "d", h: "h", m: "min", warning: "warning", breached: "breached", ok: "on time" },
    ru: { left: "через", over: "просрочено на", d: "д", h: "ч", m: "мин", warning: "предупреждение", breached: "нарушен", ok: "в срок" },
    uk: { left: "через", over: "прострочено на", d: "д", h: "год", m: "хв", warning: "попередження", breached: "порушено", ok: "вчасно" }
  };
  function lang() { return words[document.body.dataset.lang] || words.en; }
  function span(ms) {
    var w = lang(), mins = Math.floor(Math.abs(ms) / 60000);
    var d = Math.floor(mins / 1440), h = Math.floor(mins / 60) % 24, m = mins % 60;
    var parts = [];
    if (d) parts.push(d + " " + w.d);
    if (h) parts.push(h + " " + w.h);
    if (m || !parts.length) parts.push(m + " " + w.m);
    return parts.join(" ");
  }
  // Due and warning instants come from the server's SLA engine; between them only wall time
  // passes, so the state flips exactly when the server would say it does.
  function tick() {
    var now = Date.now(), w = lang();
    document.querySelectorAll(".clock[data-due]").forEach(function (el) {
      if (!el.dataset.due) return;
      var due = Date.parse(el.dataset.due), warn = el.dataset.warn ? Date.parse(el.dataset.warn) : due;
      var state = now >= due ? "breached" : now >= warn ? "warning" : "ok";
      el.classList.remove("ok", "warning", "breached");
      el.classList.add(state);
      var left = el.querySelector(".left");
      if (left) left.textContent = now >= due ? w.over + " " + span(now - due) : w.left + " " + span(due - now);
      var st = el.querySelector(".clock-state");
      if (st) st.textContent = w[state];
    });
  }
  // "Go back" on error pages: the previous page when there is one (a link, as the
  // Content-Security-Policy allows no javascript: URLs), the home page otherwise.
  function backLinks() {
    document.querySelectorAll("a[data-back]").forEach(function (a) {
      if (history.length < 2) return;
      a.addEventListener("click", function (e) { e.preventDefault(); history.back(); });
    });
  }
  document.addEventListener("DOMContentLoaded", backLinks);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
  setInterval(tick, 1000);
})();
