import { artifact, container, workflow } from "skiff";

export const hera = "upstream/input_artifact_raw.yaml";

const rawContents = container({
  name: "raw-contents",
  image: "alpine:latest",
  command: ["sh", "-c"],
  args: ["cat /tmp/file"],
  inputs: { myfile: artifact({ path: "/tmp/file", raw: "this is\nthe raw file\ncontents\n" }) },
});

export default workflow({ generateName: "input-artifact-raw-", entrypoint: rawContents });
