/*
 * 明白 chat widget. On any page:
 *   <script src="https://HOST/widget.js" data-title="有事问一问" defer></script>
 * gives a chat button and panel that talk to POST HOST/api/chat.
 *
 * Written for old Android WebViews too: ES5 only (var, functions, XMLHttpRequest), no
 * framework, nothing loaded from any other site. Text from the server is only ever
 * inserted with textContent. Any element with a data-mingbai-open attribute opens it.
 */
(function (window, document) {
  "use strict";

  if (window.mingbaiWidget) { return; } // the script was included twice

  var script = ownScript();
  if (!script) { return; }
  var base = script.src.replace(/[?#].*$/, "").replace(/[^\/]*$/, "");
  var title = script.getAttribute("data-title") || "有事问一问";
  var STORAGE_KEY = "mingbai.widget:" + base;
  var MAX_ITEMS = 60; // what a transcript keeps, so that storage never fills up
  var TIMEOUT_MS = 30000;
  // Whole numbers in a text that become tap-to-call links.
  var HOTLINES = ["110", "119", "120", "122", "12315", "12333", "12338", "12345",
    "12348", "12355", "12356", "96110"];
  var ERRORS = {
    empty_text: "请先写下您想问的事。",
    text_too_long: "字太多了，请分几次说。",
    payload_too_large: "字太多了，请分几次说。",
    not_found: "没有查到这个案件，请核对编号和查询码。"
  };

  var storage = openStorage();
  var state = loadState();
  var busy = false;
  var generation = 0; // a new conversation ignores replies still due to the old one
  var ui = null;
  window.mingbaiWidget = { open: open, close: close };
  whenReady(function () {
    ui = build();
    restore();
  });

  // ---- finding itself ----------------------------------------------------------------

  function ownScript() {
    if (document.currentScript) { return document.currentScript; }
    var scripts = document.getElementsByTagName("script");
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (/\/widget\.js([?#]|$)/.test(scripts[i].src)) { return scripts[i]; }
    }
    return null;
  }

  function whenReady(start) {
    if (document.body) {
      start();
    } else {
      document.addEventListener("DOMContentLoaded", start, false);
    }
  }

  // ---- storage: session id and transcript, kept across reloads when possible -------

  function openStorage() {
    try {
      var s = window.localStorage;
      s.setItem("mingbai.widget.probe", "1");
      s.removeItem("mingbai.widget.probe");
      return s;
    } catch (e) {
      return null; // private mode, storage disabled, or a WebView without it
    }
  }

  function loadState() {
    var empty = { session: null, items: [] };
    if (!storage) { return empty; }
    try {
      var saved = JSON.parse(storage.getItem(STORAGE_KEY));
      if (saved && isArray(saved.items)) {
        var items = [];
        for (var i = 0; i < saved.items.length; i++) {
          if (isItem(saved.items[i])) { items.push(saved.items[i]); }
        }
        return { session: typeof saved.session === "string" ? saved.session : null,
          items: items };
      }
    } catch (e) { /* unreadable: start afresh */ }
    return empty;
  }

  /** A transcript item as this script writes it (storage may hold anything). */
  function isItem(item) {
    if (!item) { return false; }
    if (item.kind === "me" || item.kind === "error") { return typeof item.text === "string"; }
    var r = item.kind === "bot" && item.reply;
    return !!r && typeof r.text === "string" && !!r.answer && isArray(r.answer.entries) &&
      isArray(r.questions);
  }

  function saveState() {
    if (!storage) { return; }
    if (state.items.length > MAX_ITEMS) {
      state.items = state.items.slice(state.items.length - MAX_ITEMS);
    }
    try {
      storage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (e) {
      // Full: keep the latest half, else give up keeping anything.
      try {
        state.items = state.items.slice(Math.floor(state.items.length / 2));
        storage.setItem(STORAGE_KEY, JSON.stringify(state));
      } catch (e2) {
        storage = null;
        ui.note.textContent = noteText();
      }
    }
  }

  function forget() {
    state = { session: null, items: [] };
    if (storage) {
      try { storage.removeItem(STORAGE_KEY); } catch (e) { /* nothing kept anyway */ }
    }
  }

  // ---- building the button and the panel ---------------------------------------------

  function build() {
    var n = 0;
    while (document.getElementById("mingbai-title-" + n)) { n++; }
    var titleId = "mingbai-title-" + n;
    var panelId = "mingbai-panel-" + n;

    var css = el("link");
    css.rel = "stylesheet";
    css.href = base + "widget.css";
    (document.head || document.getElementsByTagName("head")[0] || document.body).appendChild(css);

    var root = el("div", "mingbai-widget");
    root.setAttribute("lang", "zh-CN");

    var launcher = el("button", "mb-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-haspopup", "dialog");
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", panelId);
    launcher.appendChild(icon());
    launcher.appendChild(el("span", "mb-launcher-text", title));

    var panel = el("div", "mb-panel");
    panel.id = panelId;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", titleId);
    panel.hidden = true;

    var header = el("div", "mb-header");
    var heading = el("h2", "mb-title", title);
    heading.id = titleId;
    var fresh = el("button", "mb-new", "新对话");
    fresh.type = "button";
    fresh.setAttribute("aria-label", "清除记录，开始新对话");
    var shut = el("button", "mb-close", "×");
    shut.type = "button";
    shut.setAttribute("aria-label", "关闭");
    header.appendChild(heading);
    header.appendChild(fresh);
    header.appendChild(shut);

    var alert = el("div", "mb-alert");
    alert.setAttribute("role", "alert");
    alert.hidden = true;

    var log = el("div", "mb-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-label", "对话");
    log.tabIndex = 0; // scrollable by keyboard

    var form = el("form", "mb-form");
    form.setAttribute("novalidate", "");
    var inputId = "mingbai-input-" + n;
    var label = el("label", "mb-sr-only", "您的问题");
    label.setAttribute("for", inputId);
    var input = el("textarea", "mb-input");
    input.id = inputId;
    input.rows = 2;
    input.maxLength = 2000;
    input.placeholder = "用大白话说说您遇到的事";
    var sendButton = el("button", "mb-send", "发送");
    sendButton.type = "submit";
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(sendButton);

    var note = el("p", "mb-note", "");

    panel.appendChild(header);
    panel.appendChild(alert);
    panel.appendChild(log);
    panel.appendChild(form);
    panel.appendChild(note);
    root.appendChild(launcher);
    root.appendChild(panel);
    document.body.appendChild(root);

    var parts = { root: root, launcher: launcher, panel: panel, alert: alert, log: log,
      form: form, input: input, send: sendButton, note: note };

    launcher.onclick = function () { if (panel.hidden) { open(); } else { close(); } };
    shut.onclick = close;
    fresh.onclick = startOver;
    panel.onkeydown = function (event) {
      if (isKey(event, "Escape", 27)) { event.preventDefault(); close(); }
    };
    form.onsubmit = function (event) {
      event.preventDefault();
      send(input.value);
    };
    input.onkeydown = function (event) {
      // Enter sends, Shift+Enter starts a new line; not while an IME is composing.
      if (isKey(event, "Enter", 13) && !event.shiftKey && !event.isComposing &&
          event.keyCode !== 229) {
        event.preventDefault();
        send(input.value);
      }
    };
    document.addEventListener("click", function (event) {
      var target = event.target;
      while (target && target.nodeType === 1) {
        if (target.hasAttribute("data-mingbai-open")) {
          event.preventDefault();
          open();
          return;
        }
        target = target.parentNode;
      }
    }, false);
    return parts;
  }

  function icon() {
    var ns = "http://www.w3.org/2000/svg";
    if (!document.createElementNS) { return el("span"); }
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "24");
    svg.setAttribute("height", "24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z");
    svg.appendChild(path);
    return svg;
  }

  // ---- opening and closing -----------------------------------------------------------

  function open() {
    if (!ui) { return; }
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    addClass(ui.root, "mb-is-open");
    ui.log.scrollTop = ui.log.scrollHeight;
    ui.input.focus();
  }

  function close() {
    if (!ui || ui.panel.hidden) { return; }
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    removeClass(ui.root, "mb-is-open");
    ui.launcher.focus();
  }

  function startOver() {
    generation++;
    if (busy) { setBusy(false); }
    forget();
    clear(ui.log);
    clear(ui.alert);
    ui.alert.hidden = true;
    ui.log.appendChild(greeting());
    ui.input.value = "";
    ui.input.focus();
  }

  function restore() {
    ui.note.textContent = noteText();
    if (!state.items.length) {
      ui.log.appendChild(greeting());
      return;
    }
    var last = lastBotIndex();
    for (var i = 0; i < state.items.length; i++) {
      ui.log.appendChild(renderItem(state.items[i], i === last));
      if (state.items[i].kind === "bot" && state.items[i].reply.emergency) {
        showEmergency(state.items[i].reply.emergency);
      }
    }
  }

  function noteText() {
    return storage
      ? "对话记录只存在这台设备上，点“新对话”可清除。"
      : "这台设备不能保存记录，关掉页面后对话就没了。";
  }

  // ---- talking to the service --------------------------------------------------------

  function send(raw, shown) {
    var text = trim(raw);
    if (busy) { return; }
    if (!text) {
      ui.input.focus();
      return;
    }
    ui.input.value = "";
    append({ kind: "me", text: shown || text });
    ask(text, true);
  }

  function ask(text, mayRetry) {
    setBusy(true);
    var asked = generation;
    var body = { text: text };
    if (state.session) { body.session = state.session; }
    request("POST", "api/chat", body, function (status, json) {
      if (asked !== generation) { return; }
      if (status === 200 && json && json.session) {
        setBusy(false);
        state.session = json.session;
        var reply = keep(json, lastBotAskedQuestions());
        append({ kind: "bot", reply: reply });
        if (reply.emergency) { showEmergency(reply.emergency); }
        return;
      }
      if (json && json.code === "bad_session" && mayRetry) {
        state.session = null; // a damaged saved session: go on in a new one
        ask(text, false);
        return;
      }
      setBusy(false);
      append({ kind: "error", text: errorText(status, json) });
    });
  }

  /** What a transcript keeps of a reply. */
  function keep(json, answering) {
    var triage = json.triage || {};
    return {
      text: json.text || "",
      emergency: json.emergency || null,
      answer: json.answer || { abstained: true, entries: [] },
      risk: triage.risk,
      questions: triage.questions || [],
      "case": json["case"] || null,
      // The message answered the service's own questions (place, contact): nothing was
      // asked that could go unanswered.
      answering: answering
    };
  }

  function lastBotAskedQuestions() {
    var i = lastBotIndex();
    return i >= 0 && state.items[i].reply.questions.length > 0;
  }

  function errorText(status, json) {
    if (status === 0) { return "网络不通，请稍后再试。有危险请直接打110。"; }
    return (json && ERRORS[json.code]) || "出错了，请再试一次。有危险请直接打110。";
  }

  function request(method, path, body, done) {
    var finished = false;
    var xhr = new XMLHttpRequest();
    function finish(status) {
      if (finished) { return; }
      finished = true;
      var json = null;
      try { json = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      done(status, json);
    }
    xhr.open(method, base + path, true);
    xhr.timeout = TIMEOUT_MS;
    xhr.onreadystatechange = function () {
      if (xhr.readyState === 4) { finish(xhr.status); }
    };
    xhr.ontimeout = function () { finish(0); };
    xhr.onerror = function () { finish(0); };
    if (body) { xhr.setRequestHeader("Content-Type", "application/json"); }
    xhr.send(body ? JSON.stringify(body) : null);
  }

  function setBusy(on) {
    busy = on;
    ui.send.disabled = on;
    ui.log.setAttribute("aria-busy", on ? "true" : "false");
    if (on) {
      ui.waiting = el("p", "mb-waiting", "正在查……");
      ui.log.appendChild(ui.waiting);
      ui.log.scrollTop = ui.log.scrollHeight;
    } else if (ui.waiting) {
      ui.log.removeChild(ui.waiting);
      ui.waiting = null;
    }
  }

  // ---- the transcript ----------------------------------------------------------------

  function append(item) {
    state.items.push(item);
    saveState();
    if (item.kind === "bot") {
      // Only the latest reply's quick replies can still be answered.
      var old = ui.log.querySelectorAll(".mb-chips");
      for (var i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
    }
    var node = renderItem(item, item.kind === "bot");
    ui.log.appendChild(node);
    // The start of a long answer, not its end, comes into view.
    ui.log.scrollTop = item.kind === "bot" ? node.offsetTop - 8 : ui.log.scrollHeight;
  }

  function lastBotIndex() {
    for (var i = state.items.length - 1; i >= 0; i--) {
      if (state.items[i].kind === "bot") { return i; }
    }
    return -1;
  }

  function renderItem(item, latest) {
    if (item.kind === "me") {
      var mine = el("div", "mb-msg mb-me");
      mine.appendChild(el("span", "mb-sr-only", "我说："));
      mine.appendChild(el("p", "", item.text));
      return mine;
    }
    if (item.kind === "error") {
      var error = el("div", "mb-msg mb-error");
      error.appendChild(withCalls(el("p"), item.text));
      return error;
    }
    return renderReply(item.reply, latest);
  }

  function greeting() {
    var node = el("div", "mb-msg mb-bot mb-greeting");
    node.appendChild(withCalls(el("p"),
      "您好！用大白话说说您遇到的事，我们告诉您怎么办、依据哪条法律。遇到危险请直接打110。"));
    return node;
  }

  function renderReply(reply, latest) {
    var node = el("div", "mb-msg mb-bot" + (reply.risk === "red" ? " mb-red" : ""));
    node.appendChild(el("span", "mb-sr-only", "回复："));
    var entries = reply.answer.entries || [];
    if (entries.length && !reply.answer.abstained) {
      node.appendChild(card(entries[0]));
      if (entries.length > 1) { node.appendChild(related(entries.slice(1))); }
    } else if (saysUnknown(reply)) {
      node.appendChild(unknown(reply));
    }
    if (reply["case"]) { node.appendChild(caseBox(reply["case"])); }
    for (var i = 0; i < reply.questions.length; i++) {
      node.appendChild(question(reply.questions[i], latest));
    }
    return node;
  }

  /** The service had no answer and says so (not when the message only answered its questions). */
  function saysUnknown(reply) {
    return reply.answer.abstained && reply.risk !== "red" && !reply["case"] &&
      !reply.answering;
  }

  function card(entry) {
    var box = el("div", "mb-card");
    box.appendChild(el("h3", "mb-card-title", entry.title));
    box.appendChild(withCalls(el("p", "mb-summary"), entry.summary));
    if (entry.steps && entry.steps.length) {
      box.appendChild(el("h4", "mb-sub", "怎么办"));
      var steps = el("ol", "mb-steps");
      for (var i = 0; i < entry.steps.length; i++) {
        steps.appendChild(withCalls(el("li"), entry.steps[i]));
      }
      box.appendChild(steps);
    }
    if (entry.citations && entry.citations.length) {
      box.appendChild(el("h4", "mb-sub", "法律依据"));
      var laws = el("ul", "mb-citations");
      for (var j = 0; j < entry.citations.length; j++) {
        var c = entry.citations[j];
        laws.appendChild(el("li", "mb-citation", "《" + c.law + "》第" + c.article + "条"));
      }
      box.appendChild(laws);
    }
    if (entry.hotlines && entry.hotlines.length) {
      var calls = el("p", "mb-hotlines", "电话：");
      for (var k = 0; k < entry.hotlines.length; k++) {
        calls.appendChild(call(entry.hotlines[k], entry.hotlines[k], "mb-call"));
      }
      box.appendChild(calls);
    }
    return box;
  }

  /** Other entries that may fit: asking for one by its title brings its card. */
  function related(entries) {
    var box = el("div", "mb-related");
    box.appendChild(el("p", "mb-sub", "您可能还想了解："));
    var list = el("ul", "mb-related-list");
    for (var i = 0; i < entries.length; i++) {
      var itemNode = el("li");
      itemNode.appendChild(chip(entries[i].title, entries[i].title, "mb-link"));
      list.appendChild(itemNode);
    }
    box.appendChild(list);
    return box;
  }

  function unknown(reply) {
    var box = el("div", "mb-unknown");
    // The reply's first line is the service's own words for "I do not know".
    box.appendChild(withCalls(el("p"), reply.text.split("\n")[0]));
    var person = el("p", "mb-person");
    person.appendChild(call("12348", "打12348 问法律援助", "mb-call"));
    box.appendChild(person);
    return box;
  }

  function caseBox(info) {
    var box = el("div", "mb-case");
    box.appendChild(el("h3", "mb-card-title", "已为您登记"));
    var number = el("p", "mb-case-id", "案件编号：");
    number.appendChild(el("strong", "", info.id));
    box.appendChild(number);
    box.appendChild(el("p", "mb-case-token", "查询码：" + info.token));
    if (info.handler) {
      var who = el("p", "", "由" + info.handler.name + "负责，电话 ");
      who.appendChild(call(info.handler.phone, info.handler.phone, ""));
      box.appendChild(who);
    }
    var check = el("button", "mb-chip mb-check", "查办理进度");
    check.type = "button";
    var result = el("div", "mb-status");
    result.setAttribute("aria-live", "polite");
    check.onclick = function () { showStatus(info, check, result); };
    box.appendChild(check);
    box.appendChild(result);
    return box;
  }

  function showStatus(info, button, result) {
    button.disabled = true;
    clear(result);
    result.appendChild(el("p", "mb-waiting", "正在查……"));
    var path = "api/cases/" + encodeURIComponent(info.id) + "?token=" +
      encodeURIComponent(info.token);
    request("GET", path, null, function (status, json) {
      button.disabled = false;
      clear(result);
      if (status !== 200 || !json) {
        result.appendChild(el("p", "mb-error-text", errorText(status, json)));
        return;
      }
      result.appendChild(el("p", "mb-status-label", "现在：" + json.status_label));
      var history = el("ol", "mb-history");
      var lines = json.history || [];
      for (var i = 0; i < lines.length; i++) {
        history.appendChild(el("li", "", when(lines[i].at) + "  " + lines[i].what));
      }
      result.appendChild(history);
    });
  }

  function question(q, latest) {
    var box = el("div", "mb-question");
    box.appendChild(withCalls(el("p"), q.text));
    if (latest && q.options && q.options.length) {
      var chips = el("div", "mb-chips");
      chips.setAttribute("role", "group");
      chips.setAttribute("aria-label", q.text);
      for (var i = 0; i < q.options.length; i++) {
        chips.appendChild(chip(q.options[i].label, q.options[i].value, "mb-chip"));
      }
      box.appendChild(chips);
    }
    return box;
  }

  function chip(label, value, className) {
    var b = el("button", className, label);
    b.type = "button";
    b.onclick = function () {
      // The chip goes away with the next reply: focus waits where the reply comes
      // (not in the text box, which would pop up a phone's keyboard).
      ui.log.focus();
      send(value, label);
    };
    return b;
  }

  function showEmergency(emergency) {
    ui.alert.hidden = false;
    clear(ui.alert);
    for (var i = 0; i < emergency.lines.length; i++) {
      ui.alert.appendChild(el("p", "mb-alert-line", emergency.lines[i]));
    }
    var calls = el("p", "mb-alert-calls");
    for (var j = 0; j < emergency.numbers.length; j++) {
      var n = emergency.numbers[j];
      calls.appendChild(call(n.number, n.number + " " + n.label, "mb-call mb-call-urgent"));
    }
    ui.alert.appendChild(calls);
  }

  // ---- small helpers -----------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function call(number, label, className) {
    var a = el("a", className, label);
    a.href = "tel:" + String(number).replace(/[^0-9+]/g, "");
    return a;
  }

  /** Fills node with text, turning whole hotline numbers into tap-to-call links. */
  function withCalls(node, text) {
    var parts = String(text).split(/(\d+)/);
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) { continue; }
      if (i % 2 === 1 && indexOf(HOTLINES, parts[i]) >= 0) {
        node.appendChild(call(parts[i], parts[i], "mb-inline-call"));
      } else {
        node.appendChild(document.createTextNode(parts[i]));
      }
    }
    return node;
  }

  function when(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ""; }
    return pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" +
      pad(d.getMinutes());
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }

  function trim(text) { return String(text || "").replace(/^\s+|\s+$/g, ""); }

  function isArray(x) { return Object.prototype.toString.call(x) === "[object Array]"; }

  function indexOf(list, x) {
    for (var i = 0; i < list.length; i++) { if (list[i] === x) { return i; } }
    return -1;
  }

  function isKey(event, name, code) {
    return event.key === name || event.keyCode === code ||
      (name === "Escape" && event.key === "Esc");
  }

  function addClass(node, name) {
    if ((" " + node.className + " ").indexOf(" " + name + " ") < 0) {
      node.className = trim(node.className + " " + name);
    }
  }

  function removeClass(node, name) {
    node.className = trim((" " + node.className + " ").replace(" " + name + " ", " "));
  }
})(window, document);
