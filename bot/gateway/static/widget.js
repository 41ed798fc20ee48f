/*
 * Web chat widget of the LEA intake assistant.
 *
 * Embed with one tag:  <script src="https://GATEWAY/widget.js" data-language="de" defer></script>
 * Everything (styles, API calls, downloads) comes from the script's own origin;
 * nothing is loaded from anywhere else. The UI lives in an open shadow root so the
 * office page's styles cannot break it (and it cannot break theirs).
 * See docs/WIDGET.md for the design and the accessibility decisions.
 */
(function () {
  "use strict";

  if (window.__leaIntakeWidgetLoaded) return; // the tag was included twice
  window.__leaIntakeWidgetLoaded = true;

  const SCRIPT = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const ORIGIN = new URL(SCRIPT ? SCRIPT.src : "/", document.baseURI).origin;
  const STORAGE_KEY = "lea-intake-widget:v1";
  const MAX_ENTRIES = 300; // transcript entries kept in sessionStorage
  const REQUEST_TIMEOUT_MS = 60000;
  const UPLOAD_TIMEOUT_MS = 180000;
  // A confirmation PDF still being rendered (503 pdf_pending) is fetched again after its
  // Retry-After (1 to 10 s): at most DOWNLOAD_TRIES fetches, then the client is told to ask again.
  const DOWNLOAD_TRIES = 3;
  const RETRY_AFTER_MIN_S = 1;
  const RETRY_AFTER_MAX_S = 10;
  const ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

  // Every text the widget itself shows, in German and English.
  const TEXTS = {
    de: {
      launcher: "Online-Assistent",
      launcherHint: "Chat öffnen",
      title: "Online-Assistent des Landesamts für Einwanderung",
      subtitle: "Automatischer Assistent",
      close: "Chat schließen",
      switchLanguage: "English",
      switchLanguageLabel: "Switch to English",
      languageSwitched: "Sprache: Deutsch",
      restart: "Neu beginnen",
      restartLabel: "Unterhaltung löschen und neu beginnen",
      restarted: "Die Unterhaltung wurde gelöscht.",
      log: "Unterhaltung",
      you: "Sie:",
      assistant: "Assistent:",
      welcome: "Guten Tag! Schreiben Sie Ihr Anliegen, zum Beispiel: „Ich möchte meine Aufenthaltserlaubnis verlängern“.",
      inputLabel: "Ihre Nachricht",
      placeholder: "Nachricht …",
      send: "Senden",
      attach: "Datei anhängen (PDF, JPG oder PNG)",
      typing: "Der Assistent schreibt …",
      uploading: "Wird hochgeladen: {name}",
      progressLabel: "Fortschritt beim Hochladen von {name}",
      percent: "{pct} % hochgeladen",
      scanning: "Wird auf Viren geprüft …",
      accepted: "Angenommen",
      acceptedStatus: "Datei angenommen: {name}",
      refused: "Abgelehnt",
      refusedStatus: "Datei abgelehnt: {name}",
      scanUnavailable: "Die Virenprüfung ist gerade nicht verfügbar. Bitte versuchen Sie es später noch einmal.",
      uploadFailed: "Die Datei konnte nicht hochgeladen werden. Bitte versuchen Sie es noch einmal.",
      sendFailed: "Ihre Nachricht konnte nicht gesendet werden. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es noch einmal.",
      retry: "Noch einmal senden",
      download: "Bestätigung herunterladen (PDF)",
      downloadFailed: "Die Bestätigung konnte nicht geladen werden. Bitte versuchen Sie es noch einmal oder schreiben Sie „Bestätigung erneut senden“.",
      pdfPreparing: "Ihre Bestätigung wird erstellt …",
      pdfPending: "Ihre Bestätigung wird gerade erstellt. Bitte fragen Sie in einem Moment noch einmal danach: über den Link oben oder mit „Bestätigung erneut senden“.",
      caseNumber: "Vorgangsnummer: {number}",
      uploadRequest: "Sie können jetzt eine Datei anhängen: Schaltfläche mit der Büroklammer neben dem Eingabefeld.",
      choices: "Antwortmöglichkeiten",
      newWindow: "(öffnet in neuem Fenster)",
      file: "Datei",
    },
    en: {
      launcher: "Online assistant",
      launcherHint: "Open chat",
      title: "Online assistant of the Immigration Office",
      subtitle: "Automated assistant",
      close: "Close chat",
      switchLanguage: "Deutsch",
      switchLanguageLabel: "Auf Deutsch umschalten",
      languageSwitched: "Language: English",
      restart: "Start over",
      restartLabel: "Delete the conversation and start over",
      restarted: "The conversation was deleted.",
      log: "Conversation",
      you: "You:",
      assistant: "Assistant:",
      welcome: "Hello! Tell me what you need, for example: “I want to extend my residence permit”.",
      inputLabel: "Your message",
      placeholder: "Message …",
      send: "Send",
      attach: "Attach a file (PDF, JPG or PNG)",
      typing: "The assistant is typing …",
      uploading: "Uploading: {name}",
      progressLabel: "Upload progress of {name}",
      percent: "{pct} % uploaded",
      scanning: "Checking for viruses …",
      accepted: "Accepted",
      acceptedStatus: "File accepted: {name}",
      refused: "Refused",
      refusedStatus: "File refused: {name}",
      scanUnavailable: "The virus check is not available right now. Please try again later.",
      uploadFailed: "The file could not be uploaded. Please try again.",
      sendFailed: "Your message could not be sent. Please check your connection and try again.",
      retry: "Send again",
      download: "Download confirmation (PDF)",
      downloadFailed: "The confirmation could not be loaded. Please try again or write “send my confirmation again”.",
      pdfPreparing: "Your confirmation is being prepared …",
      pdfPending: "Your confirmation is being prepared. Please ask for it again in a moment: with the link above or by writing “send my confirmation again”.",
      caseNumber: "Case number: {number}",
      uploadRequest: "You can attach a file now: the paper-clip button next to the message field.",
      choices: "Possible answers",
      newWindow: "(opens in a new window)",
      file: "File",
    },
  };
  const LANGUAGES = Object.keys(TEXTS);

  /** Language code if supported, else null ("de-DE" -> "de"). */
  function supported(code) {
    const short = String(code || "").trim().slice(0, 2).toLowerCase();
    return LANGUAGES.includes(short) ? short : null;
  }

  /** A fresh, unguessable conversation id. */
  function newConversationId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // ---- persisted state (sessionStorage: survives a reload, not the browser session)

  let memoryStore = null; // used when sessionStorage is blocked

  /** The saved state, or null. */
  function loadState() {
    try {
      const raw = window.sessionStorage.getItem(STORAGE_KEY);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return memoryStore;
    }
  }

  /** Save the state; fall back to memory when storage is unavailable or full. */
  function saveState() {
    state.entries = state.entries.slice(-MAX_ENTRIES);
    memoryStore = state;
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (e) {
      /* private mode or quota: the conversation lives until the page closes */
    }
  }

  /** A new, empty conversation. */
  function freshState() {
    return { sender: newConversationId(), entries: [], chosenLanguage: null, open: false };
  }

  const loaded = loadState();
  const state = loaded && typeof loaded.sender === "string" && Array.isArray(loaded.entries) ? loaded : freshState();

  /** The page's own language: data-language, else <html lang>, else German. */
  function pageLanguage() {
    return (
      supported(SCRIPT && SCRIPT.getAttribute("data-language")) ||
      supported(document.documentElement.getAttribute("lang")) ||
      "de"
    );
  }

  // An upload cut off by a reload never got its answer: show it as not accepted.
  for (const entry of state.entries) {
    if (entry && entry.kind === "upload" && entry.outcome === "pending") entry.outcome = "refused";
  }

  let language = supported(state.chosenLanguage) || pageLanguage();

  /** Interface text in the current language, with {placeholders} filled. */
  function t(key, params, lang) {
    const text = TEXTS[lang || language][key] || TEXTS.de[key] || key;
    return text.replace(/\{(\w+)\}/g, (m, name) => (params && name in params ? String(params[name]) : m));
  }

  // ---- DOM helpers

  /** Create an element with attributes and children (strings become text). */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children || []) {
      if (child) node.append(child);
    }
    return node;
  }

  /** Visually hidden text for screen readers. */
  function srOnly(text) {
    return el("span", { className: "sr-only", text: text });
  }

  /** Text with http(s) links made clickable; everything stays text, never HTML. */
  function linkified(text) {
    const fragment = document.createDocumentFragment();
    const pattern = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]']/g;
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      fragment.append(text.slice(last, match.index));
      fragment.append(
        el("a", { href: match[0], target: "_blank", rel: "noopener noreferrer" }, [
          match[0],
          srOnly(" " + t("newWindow")),
        ])
      );
      last = match.index + match[0].length;
    }
    fragment.append(text.slice(last));
    return fragment;
  }

  /** Absolute URL on the gateway for a path the gateway sent, or null if unsafe. */
  function gatewayUrl(path) {
    if (typeof path !== "string" || !path) return null;
    try {
      const url = new URL(path, ORIGIN);
      return url.origin === ORIGIN ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function formatSize(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / (1024 * 1024)).toFixed(1) + " MB";
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  // ---- building the UI

  const host = el("div", { id: "lea-intake-widget", "data-lea-widget": "" });
  const root = host.attachShadow({ mode: "open" });
  const stylesheet = el("link", { rel: "stylesheet", href: ORIGIN + "/widget.css" });

  const ui = {};
  ui.launcherText = el("span", { className: "launcher-text" });
  ui.launcher = el(
    "button",
    { type: "button", className: "launcher", "aria-expanded": "false", "aria-controls": "lea-panel" },
    [iconChat(), ui.launcherText]
  );
  ui.title = el("h2", { id: "lea-title", className: "title" });
  ui.subtitle = el("p", { className: "subtitle" });
  ui.switchLanguage = el("button", { type: "button", className: "head-button lang-switch" });
  ui.restart = el("button", { type: "button", className: "head-button restart" });
  ui.close = el("button", { type: "button", className: "head-button close" }, [iconClose()]);
  ui.log = el("div", { className: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
  ui.status = el("p", { className: "status", role: "status", "aria-live": "polite" });
  ui.typing = el("div", { className: "typing", "aria-hidden": "true", hidden: true }, [
    el("span"),
    el("span"),
    el("span"),
  ]);
  ui.fileInput = el("input", { type: "file", accept: ACCEPTED_FILES, className: "file-input", tabindex: "-1", "aria-hidden": "true" });
  ui.attach = el("button", { type: "button", className: "attach" }, [iconClip()]);
  ui.inputLabel = el("label", { for: "lea-input", className: "sr-only" });
  ui.input = el("textarea", { id: "lea-input", className: "input", rows: "1", maxlength: "2000", enterkeyhint: "send", autocomplete: "off" });
  ui.send = el("button", { type: "submit", className: "send" });
  ui.composer = el("form", { className: "composer", novalidate: true }, [
    ui.attach,
    ui.fileInput,
    ui.inputLabel,
    ui.input,
    ui.send,
  ]);
  ui.panel = el("section", { id: "lea-panel", className: "panel", role: "dialog", "aria-labelledby": "lea-title", hidden: true }, [
    el("div", { className: "head" }, [
      el("div", { className: "head-text" }, [ui.title, ui.subtitle]),
      el("div", { className: "head-actions" }, [ui.switchLanguage, ui.restart, ui.close]),
    ]),
    ui.log,
    el("div", { className: "footer" }, [ui.typing, ui.status, ui.composer]),
  ]);
  ui.container = el("div", { className: "widget", hidden: true }, [ui.launcher, ui.panel]);
  // Shown once the stylesheet is in, so nothing flashes unstyled.
  stylesheet.addEventListener("load", () => (ui.container.hidden = false));
  stylesheet.addEventListener("error", () => (ui.container.hidden = false));
  root.append(stylesheet, ui.container);

  function svg(path, className) {
    const ns = "http://www.w3.org/2000/svg";
    const icon = document.createElementNS(ns, "svg");
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("aria-hidden", "true");
    icon.setAttribute("focusable", "false");
    icon.setAttribute("class", "icon " + (className || ""));
    const p = document.createElementNS(ns, "path");
    p.setAttribute("d", path);
    icon.append(p);
    return icon;
  }
  function iconChat() {
    return svg("M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
  }
  function iconClose() {
    return svg("M6 6l12 12M18 6L6 18", "stroke");
  }
  function iconClip() {
    return svg("M16.5 6.5l-7.8 7.8a2 2 0 0 0 2.8 2.8l8-8a4 4 0 0 0-5.6-5.6l-8 8a6 6 0 0 0 8.5 8.5l7-7", "stroke");
  }

  /** Put every interface text in the current language. */
  function applyLanguage() {
    ui.container.setAttribute("lang", language);
    ui.launcherText.textContent = t("launcher");
    ui.launcher.setAttribute("aria-label", t("launcher") + " – " + t("launcherHint"));
    ui.title.textContent = t("title");
    ui.subtitle.textContent = t("subtitle");
    const other = language === "de" ? "en" : "de";
    ui.switchLanguage.textContent = t("switchLanguage");
    ui.switchLanguage.setAttribute("lang", other);
    ui.switchLanguage.setAttribute("aria-label", t("switchLanguageLabel"));
    ui.restart.textContent = t("restart");
    ui.restart.setAttribute("aria-label", t("restartLabel"));
    ui.close.setAttribute("aria-label", t("close"));
    ui.log.setAttribute("aria-label", t("log"));
    ui.inputLabel.textContent = t("inputLabel");
    ui.input.setAttribute("placeholder", t("placeholder"));
    ui.send.textContent = t("send");
    ui.attach.setAttribute("aria-label", t("attach"));
    ui.attach.setAttribute("title", t("attach"));
  }

  // ---- rendering the transcript

  /** The element for one transcript entry. */
  function renderEntry(entry, index) {
    const lang = entry.lang || language;
    switch (entry.kind) {
      case "user":
        return el("div", { className: "msg user", lang: lang }, [srOnly(t("you", null, lang) + " "), el("span", { className: "text", text: entry.text })]);
      case "bot":
        return renderBot(entry, index, lang);
      case "upload":
        return renderUpload(entry, lang);
      case "notice":
        return renderNotice(entry, index, lang);
      default:
        return null;
    }
  }

  function renderBot(entry, index, lang) {
    const node = el("div", { className: "msg bot", lang: lang }, [srOnly(t("assistant", null, lang) + " ")]);
    if (entry.text) node.append(el("span", { className: "text" }, [linkified(entry.text)]));
    const custom = entry.custom || {};
    if (custom.type === "confirmation_pdf") {
      const href = gatewayUrl(custom.url);
      if (href) {
        if (custom.case_number) node.append(caseNumber(String(custom.case_number), lang));
        const link = el("a", { className: "download", href: href, download: custom.filename || "confirmation.pdf" }, [iconDownload(), t("download", null, lang)]);
        link.addEventListener("click", (event) => {
          event.preventDefault();
          downloadConfirmation(href, custom.filename || "confirmation.pdf");
        });
        node.append(link);
      }
    }
    if (Array.isArray(entry.buttons) && entry.buttons.length && !entry.answered) {
      const group = el("div", { className: "choices", role: "group", "aria-label": t("choices", null, lang) });
      for (const button of entry.buttons) {
        const b = el("button", { type: "button", className: "choice", text: String(button.title || button.payload || "") });
        b.addEventListener("click", () => choose(button));
        group.append(b);
      }
      node.append(group);
    }
    return node;
  }

  /** "Case number: LEA-2026-7KQM-XR4W", the number kept on one line when it fits (not split at a hyphen). */
  /**
   * Fetch the PDF with the conversation id in a header (never in the URL: URLs end up in
   * histories and logs) and save it; the server's file name wins, as for a plain link.
   */
  const downloading = new Set(); // links being fetched: a second click waits for the first

  async function downloadConfirmation(href, fallbackName) {
    if (downloading.has(href)) return;
    downloading.add(href);
    try {
      const response = await fetchConfirmation(href);
      if (!response) {
        addEntry({ kind: "notice", key: "pdfPending" });
        return;
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      const disposition = response.headers.get("content-disposition") || "";
      const named = /filename="?([^";]+)"?/i.exec(disposition);
      const blobUrl = URL.createObjectURL(await response.blob());
      const save = el("a", { href: blobUrl, download: named ? named[1] : fallbackName, hidden: true });
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(blobUrl), 60000);
    } catch (error) {
      addEntry({ kind: "notice", key: "downloadFailed" });
    } finally {
      downloading.delete(href);
      if (ui.status.textContent === t("pdfPreparing")) announce("");
    }
  }

  /**
   * The download's response; while the PDF is still being rendered (503 pdf_pending) it is
   * asked for again after Retry-After, at most DOWNLOAD_TRIES times; null if it never got ready.
   */
  async function fetchConfirmation(href) {
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(href, { headers: { "X-Conversation": state.sender }, credentials: "omit", cache: "no-store" });
      if (response.status !== 503) return response;
      const body = await response.json().catch(() => null);
      if (!body || body.error !== "pdf_pending") return response;
      if (attempt >= DOWNLOAD_TRIES) return null;
      announce(t("pdfPreparing"));
      await new Promise((resolve) => setTimeout(resolve, retryAfterSeconds(response, body) * 1000));
    }
  }

  /** Seconds to wait: the Retry-After header (or the body's retry_after), within 1 to 10 s. */
  function retryAfterSeconds(response, body) {
    const stated = Number(response.headers.get("retry-after") || (body && body.retry_after));
    const seconds = Number.isFinite(stated) && stated > 0 ? stated : 2;
    return Math.min(Math.max(seconds, RETRY_AFTER_MIN_S), RETRY_AFTER_MAX_S);
  }

  function caseNumber(number, lang) {
    const [before, after] = t("caseNumber", null, lang).split("{number}");
    return el("span", { className: "case-number" }, [before, el("span", { className: "case-number-value", text: number }), after]);
  }

  function iconDownload() {
    return svg("M12 3v12m-5-5l5 5 5-5M5 21h14", "stroke");
  }

  function renderUpload(entry, lang) {
    const node = el("div", { className: "msg user upload", lang: lang }, [
      srOnly(t("you", null, lang) + " "),
      el("span", { className: "file-name" }, [iconClip(), srOnly(t("file", null, lang) + ": "), entry.name + " (" + formatSize(entry.size) + ")"]),
    ]);
    const outcome = el("span", { className: "upload-state" });
    if (entry.outcome === "pending") {
      const progress = el("progress", { max: "100", value: "0", "aria-label": t("progressLabel", { name: entry.name }, lang) });
      node.append(progress);
      outcome.textContent = t("percent", { pct: 0 }, lang);
    } else if (entry.outcome === "accepted") {
      outcome.textContent = "✓ " + t("accepted", null, lang);
      outcome.classList.add("ok");
    } else {
      outcome.textContent = "✗ " + t("refused", null, lang);
      outcome.classList.add("refused");
    }
    node.append(outcome);
    return node;
  }

  function renderNotice(entry, index, lang) {
    const text = entry.text || t(entry.key, null, lang);
    const node = el("div", { className: "msg notice", lang: lang }, [el("span", { className: "text", text: text })]);
    if (entry.retry && !entry.answered) {
      const b = el("button", { type: "button", className: "choice", text: t("retry", null, lang) });
      b.addEventListener("click", () => {
        entry.answered = true;
        saveState();
        node.replaceWith(renderEntry(entry, index));
        ui.input.focus();
        enqueue(() => deliver(entry.retry));
      });
      node.append(el("div", { className: "choices" }, [b]));
    }
    return node;
  }

  /** Render the whole transcript (used at start and after a language switch). */
  function renderTranscript() {
    const nodes = [el("div", { className: "msg bot welcome", lang: language, text: t("welcome") })];
    state.entries.forEach((entry, index) => nodes.push(renderEntry(entry, index)));
    ui.log.replaceChildren(...nodes.filter(Boolean));
    scrollToEnd();
  }

  /** Add an entry to the transcript and the log; returns its element. */
  function addEntry(entry) {
    entry.lang = entry.lang || language;
    state.entries.push(entry);
    saveState();
    const node = renderEntry(entry, state.entries.length - 1);
    if (node) ui.log.append(node);
    scrollToEnd();
    return node;
  }

  function scrollToEnd() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  /** Remove the answer buttons of earlier bot messages once the client moved on. */
  function retireChoices() {
    let changed = false;
    for (const entry of state.entries) {
      if (!entry.answered && (entry.buttons || entry.retry)) {
        entry.answered = true;
        changed = true;
      }
    }
    if (changed) saveState();
    for (const group of ui.log.querySelectorAll(".choices")) group.remove();
  }

  /** Show the bot's messages (the gateway's list of Rasa messages). */
  function showBotMessages(messages) {
    if (!Array.isArray(messages)) return;
    for (const m of messages) {
      if (!m || typeof m !== "object") continue;
      const entry = { kind: "bot" };
      if (typeof m.text === "string" && m.text) entry.text = m.text;
      if (Array.isArray(m.buttons) && m.buttons.length) entry.buttons = m.buttons.filter((b) => b && (b.title || b.payload));
      const custom = m.custom && typeof m.custom === "object" ? m.custom : null;
      if (custom && custom.type === "upload_request") highlightUpload();
      if (custom && custom.type === "confirmation_pdf" && gatewayUrl(custom.url)) entry.custom = custom;
      if (entry.text || entry.buttons || entry.custom) addEntry(entry);
    }
  }

  function highlightUpload() {
    ui.attach.classList.add("highlight");
    announce(t("uploadRequest"));
  }

  /** Say something through the polite status region. */
  function announce(text) {
    ui.status.textContent = text;
  }

  // ---- talking to the gateway (one request at a time, in order)

  let queue = Promise.resolve();
  let pending = 0;

  function enqueue(job, typing) {
    pending += 1;
    if (typing !== false) setTyping(true);
    queue = queue
      .then(job)
      .catch(() => {})
      .then(() => {
        pending -= 1;
        if (pending === 0) setTyping(false);
      });
    return queue;
  }

  function setTyping(on) {
    ui.typing.hidden = !on;
    if (on) announce(t("typing"));
    else if (ui.status.textContent === t("typing")) announce("");
  }

  /** Send the client's text (or a button's payload) to the assistant. */
  async function deliver(message) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(ORIGIN + "/webhooks/rest/webhook", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: state.sender, message: message, metadata: { language: language, channel: "web" } }),
        signal: controller.signal,
        credentials: "omit",
      });
      const body = await response.json().catch(() => null);
      if (!response.ok && !Array.isArray(body)) throw new Error("HTTP " + response.status);
      showBotMessages(Array.isArray(body) ? body : body && body.messages);
    } catch (error) {
      addEntry({ kind: "notice", key: "sendFailed", retry: message });
    } finally {
      clearTimeout(timer);
    }
  }

  function sendText(text) {
    const clean = text.replace(/\s+$/, "");
    if (!clean.trim()) return;
    retireChoices();
    addEntry({ kind: "user", text: clean });
    enqueue(() => deliver(clean));
  }

  /** A button press: show its title, send its payload. */
  function choose(button) {
    retireChoices();
    addEntry({ kind: "user", text: String(button.title || button.payload) });
    ui.input.focus();
    enqueue(() => deliver(String(button.payload || button.title)));
  }

  /** Upload one file with progress, then show the scan result and the assistant's reply. */
  function uploadFile(file) {
    retireChoices();
    ui.attach.classList.remove("highlight");
    const entry = { kind: "upload", name: file.name, size: file.size, outcome: "pending" };
    const node = addEntry(entry);
    const progress = node.querySelector("progress");
    const state_ = node.querySelector(".upload-state");
    announce(t("uploading", { name: file.name }));
    enqueue(
      () =>
        new Promise((resolve) => {
          const xhr = new XMLHttpRequest();
          xhr.open("POST", ORIGIN + "/api/uploads");
          // Known before the body is read, so even a refused over-size file reaches the conversation.
          xhr.setRequestHeader("X-Conversation", state.sender);
          xhr.timeout = UPLOAD_TIMEOUT_MS;
          xhr.upload.addEventListener("progress", (event) => {
            if (!event.lengthComputable) return;
            const pct = Math.round((event.loaded / event.total) * 100);
            progress.value = pct;
            state_.textContent = t("percent", { pct: pct });
          });
          xhr.upload.addEventListener("load", () => {
            progress.value = 100;
            state_.textContent = t("scanning");
            announce(t("scanning"));
          });
          const finish = (outcome, messages, noticeKey, detail) => {
            entry.outcome = outcome;
            saveState();
            node.replaceWith(renderEntry(entry));
            announce(t(outcome === "accepted" ? "acceptedStatus" : "refusedStatus", { name: file.name }));
            // No message from the assistant: the gateway's own explanation, else ours.
            if (noticeKey && !(Array.isArray(messages) && messages.length)) {
              addEntry(typeof detail === "string" && detail ? { kind: "notice", text: detail } : { kind: "notice", key: noticeKey });
            }
            showBotMessages(messages);
            resolve();
          };
          xhr.addEventListener("load", () => {
            let body = null;
            try {
              body = JSON.parse(xhr.responseText);
            } catch (e) {
              /* not JSON: treated as a failed upload below */
            }
            const messages = body && body.messages;
            const detail = body && body.detail;
            if (xhr.status === 503) finish("refused", messages, "scanUnavailable", detail);
            else if (body && body.accepted === true) finish("accepted", messages);
            else finish("refused", messages, "uploadFailed", detail);
          });
          const failed = () => finish("refused", null, "uploadFailed");
          xhr.addEventListener("error", failed);
          xhr.addEventListener("timeout", failed);
          xhr.addEventListener("abort", failed);
          const form = new FormData();
          form.append("sender", state.sender);
          form.append("language", language);
          form.append("file", file, file.name);
          xhr.send(form);
        }),
      false
    );
  }

  // ---- opening, closing, language, keyboard

  function setOpen(open, moveFocus) {
    state.open = open;
    saveState();
    ui.panel.hidden = !open;
    ui.launcher.hidden = open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    host.classList.toggle("is-open", open);
    if (open) {
      scrollToEnd();
      if (moveFocus) ui.input.focus();
    } else if (moveFocus) {
      ui.launcher.focus();
    }
  }

  function switchLanguage() {
    language = language === "de" ? "en" : "de";
    state.chosenLanguage = language;
    saveState();
    applyLanguage();
    const welcome = ui.log.querySelector(".welcome");
    if (welcome) {
      welcome.textContent = t("welcome");
      welcome.setAttribute("lang", language);
    }
    announce(t("languageSwitched"));
  }

  function restart() {
    const open = state.open;
    Object.assign(state, freshState(), { open: open, chosenLanguage: state.chosenLanguage });
    saveState();
    renderTranscript();
    announce(t("restarted"));
    ui.input.focus();
  }

  /** Grow the message field with its text, up to the CSS max-height. */
  function autosize() {
    ui.input.style.height = "auto";
    ui.input.style.height = ui.input.scrollHeight + 2 + "px";
  }

  ui.launcher.addEventListener("click", () => setOpen(true, true));
  ui.close.addEventListener("click", () => setOpen(false, true));
  ui.switchLanguage.addEventListener("click", switchLanguage);
  ui.restart.addEventListener("click", restart);
  ui.panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      setOpen(false, true);
    }
  });
  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = ui.input.value;
    ui.input.value = "";
    autosize();
    sendText(text);
    ui.input.focus();
  });
  ui.input.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter makes a new line; never while an IME is composing.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.composer.requestSubmit();
    }
  });
  ui.input.addEventListener("input", autosize);
  ui.attach.addEventListener("click", () => ui.fileInput.click());
  ui.fileInput.addEventListener("change", () => {
    const file = ui.fileInput.files && ui.fileInput.files[0];
    ui.fileInput.value = "";
    ui.attach.focus();
    if (file) uploadFile(file);
  });

  function mount() {
    document.body.append(host);
    applyLanguage();
    renderTranscript();
    setOpen(Boolean(state.open), false);
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
