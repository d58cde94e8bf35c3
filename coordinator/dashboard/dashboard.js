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

function showCluster(view) {
  fill(
    "models",
    view.models.flatMap((m) =>
      m.stages.map((
        s,
      ) => [
        m.name,
        m.version,
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

function showRate(metrics) {
  const total = metrics.split("\n").filter((l) => l.startsWith("meshrt_requests_total{"))
    .reduce((a, l) => a + Number(l.split(" ").pop()), 0);
  const now = performance.now();
  if (last) {
    const rate = (total - last.total) / ((now - last.at) / 1000);
    document.getElementById("rate").textContent = `${rate.toFixed(1)} req/s`;
  }
  last = { total, at: now };
}

async function poll() {
  try {
    const [cluster, metrics] = await Promise.all([
      fetch("/v1/cluster", { headers }).then((r) => r.json()),
      fetch("/metrics", { headers }).then((r) => r.text()),
    ]);
    showCluster(cluster);
    showRate(metrics);
    document.getElementById("status").textContent =
      `${cluster.models.length} models, ${cluster.workers.length} workers`;
  } catch (e) {
    document.getElementById("status").textContent = `Cannot reach the server: ${e.message}`;
  }
}

poll();
setInterval(poll, 1000);
