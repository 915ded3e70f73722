import { param, python, workflow } from "skiff";

// A Python step with dependencies. At run time Skiff installs only what the image lacks, into a venv that
// also sees the image's packages; when everything is already importable it runs offline, without pip.
const summarise = python({
  name: "summarise",
  inputs: { config: param("name: skiff\nsteps: 3\n") },
  dependencies: ["pyyaml"],
  requirements: "packaging>=20  # version parsing\n",
  source: `
import yaml
from packaging.version import Version
config = yaml.safe_load("""{{inputs.parameters.config}}""")
print(f"{config['name']} has {config['steps']} steps; packaging ok: {Version('1.2') < Version('1.10')}")
`,
});

export default workflow({ generateName: "python-deps-", entrypoint: summarise });
