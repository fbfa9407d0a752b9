// Rendered from openapi.json by this page itself: nothing is loaded from outside the server.
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const name = (ref) => ref.split("/").pop();
function resolve(schema, doc, depth = 0) {
  if (!schema || depth > 4) return schema;
  if (schema.$ref) return resolve(doc.components.schemas[name(schema.$ref)], doc, depth + 1);
  const out = Array.isArray(schema) ? [] : {};
  for (const [k, v] of Object.entries(schema)) out[k] = typeof v === "object" && v ? resolve(v, doc, depth + 1) : v;
  return out;
}
fetch("openapi.json").then((r) => r.json()).then((doc) => {
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags || ["other"])[0];
      (byTag[tag] ||= []).push({path, method, op});
    }
  }
  let html = `<p>${esc(doc.info.description)}</p><p>Version ${esc(doc.info.version)}, OpenAPI ${esc(doc.openapi)}.</p>`;
  for (const tag of doc.tags || []) {
    html += `<h2>${esc(tag.name)}</h2><p>${esc(tag.description)}</p>`;
    for (const {path, method, op} of byTag[tag.name] || []) {
      const body = op.requestBody?.content?.["application/json"]?.schema;
      const ok = Object.entries(op.responses).find(([s]) => s.startsWith("2"));
      const okSchema = ok?.[1].content?.["application/json"]?.schema;
      html += `<details><summary><span class="m ${method}">${method}</span><code>${esc(path)}</code> — ${esc(op.summary)}</summary><div class="body">`;
      for (const p of op.parameters || []) html += `<div><code>${esc(p.name)}</code> (${esc(p.in)}) ${esc(p.description)}</div>`;
      if (body) html += `<div>Request body:</div><pre>${esc(JSON.stringify(resolve(body, doc), null, 2))}</pre>`;
      if (ok) html += `<div>${esc(ok[0])}: ${esc(ok[1].description)}</div>`;
      if (okSchema) html += `<pre>${esc(JSON.stringify(resolve(okSchema, doc), null, 2))}</pre>`;
      html += `</div></details>`;
    }
  }
  document.getElementById("main").innerHTML = html;
}).catch((e) => { document.getElementById("main").textContent = "Could not load openapi.json: " + e; });
