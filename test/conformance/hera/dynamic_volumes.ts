import { dag, python, workflow } from "skiff";

export const hera = "misc/dynamic_volumes.yaml";

const foo = python({
  name: "foo",
  image: "python:3.10",
  volumeMounts: [{ name: "v", mountPath: "/mnt/vol" }],
  source: `import os
import sys
sys.path.append(os.getcwd())
import subprocess
print(subprocess.run('cd && /mnt && df -h', shell=True, capture_output=True).stdout.decode())`,
});

const d = dag("d", (t) => {
  t.task("foo", foo);
});

export default workflow({
  generateName: "dynamic-volumes-",
  entrypoint: d,
  volumeClaimTemplates: [
    {
      metadata: { name: "v" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    },
  ],
});
