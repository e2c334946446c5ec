// A minimal chat page over POST /api/chat. No framework, nothing loaded from elsewhere.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("ask");
  var input = document.getElementById("text");
  var button = form.querySelector("button");
  var session = null;
  try { session = window.localStorage.getItem("mingbai.session"); } catch (e) { /* private mode */ }

  function add(kind, text) {
    var item = document.createElement("li");
    item.className = kind;
    item.textContent = text;
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  // Quick replies for the questions the service asks back (place, contact).
  function chips(questions) {
    questions.forEach(function (q) {
      if (!q.options || !q.options.length) { return; }
      var item = document.createElement("li");
      item.className = "chips";
      item.setAttribute("aria-label", q.text);
      q.options.forEach(function (o) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = o.label;
        b.addEventListener("click", function () { send(o.value); });
        item.appendChild(b);
      });
      log.appendChild(item);
    });
  }

  function send(text) {
    add("me", text);
    button.disabled = true;
    var body = { text: text };
    if (session) { body.session = session; }
    fetch("api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body)
    })
      .then(function (res) { return res.json().then(function (json) { return { ok: res.ok, json: json }; }); })
      .then(function (r) {
        if (!r.ok) { add("error", r.json.message || "出错了，请再试一次。"); return; }
        session = r.json.session;
        try { window.localStorage.setItem("mingbai.session", session); } catch (e) { /* ignore */ }
        add(r.json.triage.risk === "red" ? "bot danger" : "bot", r.json.text);
        chips(r.json.triage.questions || []);
      })
      .catch(function () { add("error", "网络不通，请稍后再试；有危险请直接打110。"); })
      .then(function () { button.disabled = false; input.focus(); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text);
  });
})();
