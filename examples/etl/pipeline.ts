import { artifact, dag, param, python, shell, workflow, workflowArguments } from "skiff";

// Download → two parallel processing steps → report. "Download" generates its input (no network needed):
// a deterministic CSV of orders, seeded by the `rows` parameter.
const args = workflowArguments({ rows: param({ value: 200, description: "How many orders to generate" }) });

const download = python({
  name: "download",
  inputs: { rows: param() },
  outputs: {
    dataset: artifact({ path: "/tmp/orders.csv", archive: "none" }),
    count: param({ valueFrom: { path: "/tmp/count" } }),
  },
  source: `
import random
rows = int("{{inputs.parameters.rows}}")
rng = random.Random(rows)
with open("/tmp/orders.csv", "w") as out:
    out.write("id,region,amount\\n")
    for i in range(rows):
        out.write(f"{i},{rng.choice(['eu', 'us', 'apac'])},{rng.randint(1, 500)}\\n")
open("/tmp/count", "w").write(str(rows))
print(f"generated {rows} orders")
`,
});

const totals = python({
  name: "totals",
  inputs: { orders: artifact({ path: "/tmp/orders.csv" }) },
  outputs: { total: param({ valueFrom: { path: "/tmp/total" } }) },
  source: `
import csv
total = sum(int(row["amount"]) for row in csv.DictReader(open("/tmp/orders.csv")))
open("/tmp/total", "w").write(str(total))
print(total)
`,
});

const regions = shell({
  name: "regions",
  inputs: { orders: artifact({ path: "/tmp/orders.csv" }) },
  source: "tail -n +2 /tmp/orders.csv | cut -d, -f2 | sort | uniq -c | wc -l",
});

const report = shell({
  name: "report",
  inputs: { count: param(), total: param(), regions: param() },
  source: `echo "{{inputs.parameters.count}} orders, {{inputs.parameters.regions}} regions, total {{inputs.parameters.total}}"`,
});

const etl = dag("etl", (d) => {
  const fetched = d.task("download", download, { args: { rows: args.refs.rows } });
  const summed = d.task("totals", totals, { args: { orders: fetched.outputs.dataset } });
  const grouped = d.task("regions", regions, { args: { orders: fetched.outputs.dataset } });
  const reported = d.task("report", report, {
    args: { count: fetched.outputs.count, total: summed.outputs.total, regions: grouped.result },
  });
  fetched.before([summed, grouped], reported);
});

export default workflow({ generateName: "etl-", entrypoint: etl, arguments: args });
