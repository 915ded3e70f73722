import { dag, param, python, workflowTemplate } from "skiff";

export const hera = "misc/volume_mounts_wt.yaml";

const foo = python({
  name: "foo",
  image: "python:3.10",
  inputs: { vol: param() },
  volumeMounts: [{ name: "{{inputs.parameters.vol}}", mountPath: "/mnt/vol" }],
  source: `import os
import sys
sys.path.append(os.getcwd())
import os
import subprocess
print(os.listdir('/mnt'))
print(subprocess.run('cd /mnt && df -h', shell=True, capture_output=True).stdout.decode())`,
});

const volumes = ["v1", "v2", "v3"];
const d = dag("d", (t) => {
  for (const vol of volumes) t.task(vol, foo, { args: { vol } });
});

// A WorkflowTemplate named by the cluster: generateName instead of name.
export default workflowTemplate({
  generateName: "volumes-",
  entrypoint: d,
  volumeClaimTemplates: volumes.map((name, index) => ({
    metadata: { name },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${1 + 2 * index}Gi` } } },
  })),
});
