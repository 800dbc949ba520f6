/// The page served at `/`: choose or drop a JPEG or PNG; the page sends it to
/// `POST /v1/captions?attention=true&n_best=3`, then shows the image, the caption (one
/// element per word), the n-best list with scores, and, while a word is hovered (or after it
/// is clicked), that word's attention map over the image. Errors are shown in plain words.
///
/// Self-contained: no external script, style sheet or font, so it works offline. Element ids
/// (`file`, `drop`, `preview`, `overlay`, `caption`, `nbest`, `error`, `status`, `token`) are
/// what the browser test (scripts/browser-test) drives.
enum WebPage {
    /// The whole page.
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CaptionKit</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f4f2; color: #1d1d1f; }
  main { max-width: 880px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  p.lead { margin: 0 0 16px; color: #555; }
  #drop { border: 2px dashed #999; border-radius: 10px; padding: 22px; text-align: center; background: #fff; cursor: pointer; }
  #drop.over { border-color: #2a6df4; background: #eef3ff; }
  #result { display: flex; gap: 24px; margin-top: 20px; flex-wrap: wrap; }
  #frame { position: relative; display: inline-block; line-height: 0; background: #ddd; min-width: 120px; min-height: 120px; }
  #preview { width: 384px; max-width: 90vw; height: auto; display: block; }
  #overlay { position: absolute; left: 0; top: 0; pointer-events: none; }
  #words { flex: 1 1 260px; min-width: 0; }
  #caption { font-size: 22px; margin: 0 0 12px; }
  .word { padding: 1px 3px; border-radius: 4px; cursor: pointer; }
  .word:hover, .word.active { background: #ffd54a; }
  #nbest { margin: 0; padding-left: 22px; }
  #nbest li { margin: 3px 0; }
  .score { color: #666; font-variant-numeric: tabular-nums; margin-right: 8px; }
  #error { color: #b00020; margin-top: 12px; min-height: 1.2em; }
  #status { color: #555; margin-top: 8px; min-height: 1.2em; }
  .hidden { display: none !important; }
  label.small { font-size: 13px; color: #555; }
  #token { width: 220px; }
</style>
</head>
<body>
<main>
  <h1>CaptionKit</h1>
  <p class="lead">Choose or drop a JPEG or PNG image. Hover a word to see where the model looked.</p>
  <div id="drop" tabindex="0">Drop an image here, or <label><u>choose a file</u>
    <input id="file" type="file" accept="image/jpeg,image/png" class="hidden"></label></div>
  <p><label class="small">Access token (only if the server needs one): <input id="token" type="password" autocomplete="off"></label></p>
  <div id="status"></div>
  <div id="error" role="alert"></div>
  <div id="result" class="hidden">
    <div id="frame"><img id="preview" alt="the uploaded image"><canvas id="overlay"></canvas></div>
    <div id="words">
      <p id="caption"></p>
      <ol id="nbest"></ol>
    </div>
  </div>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
let answer = null;
let pinned = -1;

const friendly = {
  400: "The request was not understood",
  401: "This server needs an access token (enter it above)",
  408: "The upload took too long",
  413: "The image file is too large for this server",
  415: "That file is not a JPEG or PNG image",
  422: "The image could not be read",
  503: "The server is busy; try again in a moment",
};

function showError(text) {
  $("error").textContent = text;
  $("status").textContent = "";
}

async function send(file) {
  if (!file) return;
  answer = null; pinned = -1;
  $("error").textContent = "";
  $("result").classList.add("hidden");
  $("status").textContent = "Captioning " + file.name + "...";
  const preview = $("preview");
  if (preview.src.startsWith("blob:")) URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(file);
  const headers = { "Content-Type": file.type || "application/octet-stream" };
  const token = $("token").value.trim();
  if (token) headers["Authorization"] = "Bearer " + token;
  let response;
  try {
    response = await fetch("/v1/captions?attention=true&n_best=3", { method: "POST", headers, body: file });
  } catch (error) {
    showError("The server could not be reached. Is it still running?");
    return;
  }
  let body = null;
  try { body = await response.json(); } catch (error) { body = null; }
  if (!response.ok) {
    const detail = body && body.error ? body.error.message : "status " + response.status;
    showError((friendly[response.status] || "The server could not caption this image") + ": " + detail + ".");
    return;
  }
  answer = body;
  render();
}

function render() {
  const caption = $("caption");
  caption.textContent = "";
  answer.tokens.forEach((word, index) => {
    if (index > 0) caption.appendChild(document.createTextNode(" "));
    const span = document.createElement("span");
    span.className = "word";
    span.textContent = word;
    span.dataset.index = String(index);
    span.addEventListener("mouseenter", () => drawAttention(index));
    span.addEventListener("mouseleave", () => drawAttention(pinned));
    span.addEventListener("click", () => { pinned = pinned === index ? -1 : index; drawAttention(pinned); });
    caption.appendChild(span);
  });
  const list = $("nbest");
  list.textContent = "";
  // `n_best` (as `caption --json --n-best` writes it) lists every caption, best first.
  (answer.n_best || [answer]).forEach((entry) => {
    const item = document.createElement("li");
    const score = document.createElement("span");
    score.className = "score";
    score.textContent = entry.score === null ? "-" : entry.score.toFixed(3);
    item.appendChild(score);
    item.appendChild(document.createTextNode(entry.caption));
    list.appendChild(item);
  });
  $("result").classList.remove("hidden");
  $("status").textContent = "Captioned in " + Math.round(answer.timings_ms.total) + " ms.";
  drawAttention(-1);
}

function drawAttention(index) {
  const image = $("preview");
  const overlay = $("overlay");
  document.querySelectorAll(".word").forEach((span) => span.classList.toggle("active", Number(span.dataset.index) === index));
  overlay.width = image.clientWidth;
  overlay.height = image.clientHeight;
  const context = overlay.getContext("2d");
  context.clearRect(0, 0, overlay.width, overlay.height);
  if (!answer || !answer.attention || index < 0 || index >= answer.attention.maps.length) return;
  const rows = answer.attention.grid_height, columns = answer.attention.grid_width;
  const map = answer.attention.maps[index];
  const largest = Math.max.apply(null, map) || 1;
  const grid = document.createElement("canvas");
  grid.width = columns; grid.height = rows;
  const gridContext = grid.getContext("2d");
  const pixels = gridContext.createImageData(columns, rows);
  for (let i = 0; i < rows * columns; i++) {
    const weight = map[i] / largest;
    pixels.data[4 * i] = 0; pixels.data[4 * i + 1] = 0; pixels.data[4 * i + 2] = 0;
    pixels.data[4 * i + 3] = Math.round(200 * (1 - weight));
  }
  gridContext.putImageData(pixels, 0, 0);
  context.imageSmoothingEnabled = true;
  context.drawImage(grid, 0, 0, overlay.width, overlay.height);
}

$("file").addEventListener("change", (event) => send(event.target.files[0]));
const drop = $("drop");
drop.addEventListener("click", (event) => { if (event.target === drop) $("file").click(); });
drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  send(event.dataTransfer.files[0]);
});
</script>
</body>
</html>
"""#
}
