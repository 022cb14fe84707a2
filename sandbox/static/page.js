// The sandbox page: shows what the server renders, and sends what people do.
"use strict";

const $ = (id) => document.getElementById(id);
const view = {
  me: "", place: "", thread: "", version: 0, shown: {}, modalKey: "", people: [], commands: [],
  ready: false, pinned: true,
};

function fromHash() {
  const q = new URLSearchParams(location.hash.slice(1));
  return { as: q.get("as"), place: q.get("place"), thread: q.get("thread") };
}

function toHash() {
  const q = new URLSearchParams({ as: view.me, place: view.place });
  if (view.thread) q.set("thread", view.thread);
  history.replaceState(null, "", "#" + q);
}

async function post(path, body) {
  if (!view.ready && path !== "/sandbox/home") {
    toast("partnerbot is still starting: try again in a moment");
    return { ok: false };
  }
  const answer = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ as: view.me, ...body }),
  });
  const result = await answer.json().catch(() => ({ ok: false, error: answer.statusText }));
  if (!result.ok) toast(result.error || "That didn't work");
  return result;
}

function toast(text) {
  const note = document.createElement("div");
  note.className = "toast";
  note.textContent = text;
  $("toasts").append(note);
  setTimeout(() => note.remove(), 6000);
}

function swap(node, html) {
  if (view.shown[node.id] === html) return false;
  view.shown[node.id] = html;
  node.innerHTML = html;
  return true;
}

function apply(screen) {
  view.version = screen.version;
  swap($("workspace"), screen.workspace);
  swap($("sidebar"), screen.sidebar);
  swap($("header"), screen.header);
  const list = $("messages");
  if (swap(list, screen.main) && view.pinned) list.scrollTop = list.scrollHeight;
  const home = view.place === "home";
  $("composer").hidden = home;
  const channel = $("header").querySelector(".h-name");
  $("text").placeholder = channel ? "Message " + channel.textContent.trim() : "Message";
  $("thread").hidden = !screen.thread;
  if (screen.thread && swap($("thread-body"), screen.thread)) {
    $("thread-body").scrollTop = $("thread-body").scrollHeight;
  }
  showModal(screen.modal);
  const status = $("status");
  view.ready = screen.status.ready;
  status.textContent = view.ready ? "partnerbot is running" : screen.status.phase + "…";
  status.classList.toggle("busy", !view.ready);
  $("log").textContent = (screen.log || []).slice(-1).join("");
}

function showModal(modal) {
  const overlay = $("modal");
  if (!modal) {
    overlay.hidden = true;
    view.modalKey = "";
    return;
  }
  const key = modal.id + "/" + modal.hash;
  if (key !== view.modalKey) {
    $("modal-card").innerHTML = modal.html;
    view.modalKey = key;
  }
  overlay.hidden = false;
  let first = null;
  for (const block of $("modal-card").querySelectorAll(".block[data-block-id]")) {
    const error = block.querySelector(".i-error");
    if (!error) continue;
    const text = modal.errors[block.dataset.blockId] || "";
    if (text && error.textContent !== text) first = first || block;
    error.textContent = text;
    error.hidden = !text;
  }
  if (first) first.scrollIntoView({ block: "center" }); // as Slack shows the first error
}

const seeing = () => [view.me, view.place, view.thread].join("|");

async function refresh(wait) {
  const asked = seeing();
  const q = new URLSearchParams({ as: view.me, place: view.place });
  if (view.thread) q.set("thread", view.thread);
  if (wait) q.set("since", view.version);
  const answer = await fetch("/sandbox/screen?" + q);
  const screen = await answer.json();
  // Dropped when the person moved on meanwhile, or a newer screen is already shown.
  if (asked === seeing() && screen.version >= view.version) apply(screen);
}

async function live() {
  for (;;) {
    try {
      await refresh(true);
    } catch (error) {
      await new Promise((done) => setTimeout(done, 1000));
    }
  }
}

function go(place, thread = "") {
  if (place !== view.place) view.pinned = true;
  view.place = place;
  view.thread = thread;
  toHash();
  if (place === "home") post("/sandbox/home", { tab: "home" });
  refresh(false);
}

// -- elements ---------------------------------------------------------------------------
function valueOf(node) {
  if (node.classList.contains("multi")) {
    return [...node.querySelectorAll(".chip")].map((chip) => chip.dataset.value);
  }
  if (node.tagName === "SELECT") {
    return node.multiple ? [...node.selectedOptions].map((o) => o.value) : node.value || null;
  }
  if (node.classList.contains("choices")) {
    const checked = [...node.querySelectorAll("input:checked")].map((i) => i.value);
    return node.querySelector("input[type=radio]") ? checked[0] || null : checked;
  }
  return node.value;
}

function stateOf(root) {
  const values = {};
  for (const node of root.querySelectorAll("[data-input]")) {
    const where = JSON.parse(node.dataset.input);
    values[where.block_id] = { [where.action_id]: valueOf(node) };
  }
  return values;
}

async function act(node, value) {
  const holder = node.closest("[data-container]");
  const container = JSON.parse(holder.dataset.container);
  const where = JSON.parse(node.dataset.el);
  const body = { container, block_id: where.block_id, action_id: where.action_id, value };
  if (container.kind !== "message") body.state = stateOf(holder);
  await post("/sandbox/act", body);
}

function confirmed(node) {
  const template = node.closest(".el-wrap")?.querySelector("template.confirm");
  if (!template) return Promise.resolve(true);
  const card = $("confirm-card");
  card.replaceChildren(template.content.cloneNode(true));
  const buttons = document.createElement("div");
  buttons.className = "actions";
  buttons.append(...card.querySelectorAll("button"));
  card.append(buttons);
  $("confirm").hidden = false;
  return new Promise((done) => {
    card.onclick = (event) => {
      const yes = event.target.closest("[data-confirm]");
      if (!yes && !event.target.closest("[data-deny]")) return;
      $("confirm").hidden = true;
      done(Boolean(yes));
    };
  });
}

document.addEventListener("click", async (event) => {
  const target = event.target;
  const place = target.closest("[data-place]");
  if (place) return go(place.dataset.place);
  const thread = target.closest("[data-thread]");
  if (thread) return go(view.place, thread.dataset.thread);
  if (target.closest("[data-close-thread]")) return go(view.place);
  const dismiss = target.closest("[data-dismiss]");
  if (dismiss) return post("/sandbox/dismiss", { channel: dismiss.dataset.channel, ts: dismiss.dataset.dismiss });
  const hint = target.closest(".hint");
  if (hint) {
    $("text").value = hint.dataset.command + " ";
    $("hints").hidden = true;
    return $("text").focus();
  }
  const remove = target.closest(".chip-x");
  if (remove) {
    const multi = remove.closest(".multi");
    unchip(remove);
    if (multi.dataset.el) act(multi, valueOf(multi));
    return;
  }
  const menuButton = target.closest(".overflow-btn");
  for (const menu of document.querySelectorAll(".overflow .menu")) {
    if (!menuButton || !menuButton.parentElement.contains(menu)) menu.hidden = true;
  }
  if (menuButton) {
    const menu = menuButton.parentElement.querySelector(".menu");
    menu.hidden = !menu.hidden;
    return;
  }
  const item = target.closest(".menu-item");
  if (item) {
    item.parentElement.hidden = true;
    const holder = item.closest(".overflow");
    if (await confirmed(holder)) await act(holder, item.dataset.value);
    return;
  }
  const button = target.closest("button[data-el]");
  if (button) {
    const url = button.dataset.url;
    if (url && /^https?:/i.test(url)) window.open(url, "_blank", "noopener");
    if (await confirmed(button)) await act(button, null);
    return;
  }
  const modal = $("modal-card");
  if (target.closest("[data-submit]")) {
    const id = JSON.parse(modal.querySelector(".m-body").dataset.container).view_id;
    return post("/sandbox/submit", { view_id: id, values: stateOf(modal) });
  }
  if (target.closest("[data-close]")) {
    const id = JSON.parse(modal.querySelector(".m-body").dataset.container).view_id;
    return post("/sandbox/close", { view_id: id });
  }
});

function chip(menu) {
  const option = menu.selectedOptions[0];
  if (!option || !option.value) return;
  const made = document.createElement("span");
  made.className = "chip";
  made.dataset.value = option.value;
  made.textContent = option.textContent;
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "chip-x";
  remove.setAttribute("aria-label", "Remove " + option.textContent);
  remove.innerHTML = "&times;";
  made.append(remove);
  menu.parentElement.querySelector(".chips").append(made);
  option.remove();
  menu.value = "";
}

function unchip(button) {
  const made = button.closest(".chip");
  const menu = made.closest(".multi").querySelector(".multi-add");
  const option = new Option(made.firstChild.textContent, made.dataset.value);
  menu.append(option);
  made.remove();
}

document.addEventListener("change", (event) => {
  if (event.target.classList.contains("multi-add")) chip(event.target);
  const node = event.target.closest("[data-el]");
  if (!node || node.tagName === "BUTTON" || node.classList.contains("overflow")) return;
  act(node, valueOf(node));
});

// -- typing -----------------------------------------------------------------------------
function send(box, thread) {
  const text = box.value.trim();
  if (!text) return;
  box.value = "";
  $("hints").hidden = true;
  post("/sandbox/say", { place: view.place, text, thread });
}

function hints() {
  const typed = $("text").value;
  const box = $("hints");
  const found = typed.startsWith("/") && !typed.includes(" ")
    ? view.commands.filter((c) => c.startsWith(typed)) : [];
  box.hidden = !found.length;
  box.innerHTML = found.map((c) => `<div class="hint" data-command="${c}"><b>${c}</b></div>`).join("");
}

for (const [form, box, thread] of [["composer", "text", false], ["reply", "reply-text", true]]) {
  $(form).addEventListener("submit", (event) => {
    event.preventDefault();
    send($(box), thread ? view.thread : "");
  });
  $(box).addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send($(box), thread ? view.thread : "");
    }
  });
}
$("text").addEventListener("input", hints);
$("messages").addEventListener("scroll", () => {
  const list = $("messages");
  view.pinned = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
});

$("person").addEventListener("change", () => {
  view.me = $("person").value;
  const person = view.people.find((p) => p.id === view.me);
  view.shown = {};
  view.pinned = true;
  go(person.first);
});

let partnerShares = true;
$("sharing").addEventListener("click", async () => {
  const result = await post("/sandbox/sharing", { channel: "C0ACME", shared: !partnerShares });
  if (result && result.ok) {
    partnerShares = !partnerShares;
    $("sharing").textContent = partnerShares ? "Acme stops sharing" : "Acme shares again";
  }
});

$("scheduler").addEventListener("submit", async (event) => {
  event.preventDefault();
  const at = new Date($("at").value).toISOString();
  const result = await post("/sandbox/scheduler", { at });
  if (result.ok) toast("Scheduler: " + result.report);
});

async function start() {
  const world = await (await fetch("/sandbox/world")).json();
  view.people = world.people;
  view.commands = world.commands;
  $("person").replaceChildren(
    ...world.people.map((p) => new Option(`${p.name} · ${p.title} (${p.org})`, p.id)),
  );
  const wanted = fromHash();
  const person = world.people.find((p) => p.id === wanted.as) || world.people[0];
  view.me = person.id;
  $("person").value = person.id;
  const soon = new Date(Date.now() + 36e5);
  soon.setMinutes(soon.getMinutes() - soon.getTimezoneOffset());
  $("at").value = soon.toISOString().slice(0, 16);
  go(wanted.place || person.first, wanted.thread || "");
  live();
}

start();
