// The dashboard: polls /v1/cluster and /metrics each second. A token, when the server
// requires one, is read from the page's hash: /#token=SECRET.
const token = new URLSearchParams(location.hash.slice(1)).get("token");
const headers = token ? { authorization: `Bearer ${token}` } : {};
let last;

function row(cells) {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement("td");
    td.textContent = String(c);
    tr.append(td);
  }
  return tr;
}

function fill(id, rows) {
  document.querySelector(`#${id} tbody`).replaceChildren(...rows.map(row));
}

function showCluster(view, rates) {
  fill(
    "models",
    view.models.flatMap((m) =>
      m.stages.map((
        s,
      ) => [
        m.name,
        m.version,
        (rates.get(`${m.name}/${m.version}`) ?? 0).toFixed(1),
        s.index,
        s.workers.join(", "),
        s.nodes,
        (s.flops / 1e9).toFixed(3),
        s.msAvg.toFixed(2),
      ])
    ),
  );
  fill(
    "workers",
    view.workers.map((
      w,
    ) => [
      w.id,
      w.name,
      w.backends.join(", "),
      Object.entries(w.gflops).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", "),
      w.stages.length,
      `${(w.lastSeenMs / 1000).toFixed(1)} s ago`,
    ]),
  );
}

/** Requests answered so far per "model/version", from the meshrt_requests_total samples. */
function requestTotals(metrics) {
  const totals = new Map();
  for (const line of metrics.split("\n")) {
    const m = line.match(/^meshrt_requests_total\{model="([^"]*)",version="([^"]*)".* (\S+)$/);
    if (m) totals.set(`${m[1]}/${m[2]}`, (totals.get(`${m[1]}/${m[2]}`) ?? 0) + Number(m[3]));
  }
  return totals;
}

/** Requests/s per model since the last poll; shows the sum in the heading. */
function rates(metrics) {
  const totals = requestTotals(metrics);
  const now = performance.now();
  const out = new Map();
  if (last) {
    const seconds = (now - last.at) / 1000;
    for (const [key, total] of totals) {
      out.set(key, (total - (last.totals.get(key) ?? 0)) / seconds);
    }
    const sum = [...out.values()].reduce((a, r) => a + r, 0);
    document.getElementById("rate").textContent = `${sum.toFixed(1)} req/s`;
  }
  last = { totals, at: now };
  return out;
}

async function poll() {
  try {
    const [cluster, metrics] = await Promise.all([
      fetch("/v1/cluster", { headers }).then((r) => r.json()),
      fetch("/metrics", { headers }).then((r) => r.text()),
    ]);
    showCluster(cluster, rates(metrics));
    document.getElementById("status").textContent =
      `${cluster.models.length} models, ${cluster.workers.length} workers`;
  } catch (e) {
    document.getElementById("status").textContent = `Cannot reach the server: ${e.message}`;
  }
}

poll();
setInterval(poll, 1000);
