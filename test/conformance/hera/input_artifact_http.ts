import { artifact, container, workflow } from "skiff";

export const hera = "upstream/input_artifact_http.yaml";

const example = container({
  name: "http-artifact-example",
  image: "debian:9.4",
  command: ["sh", "-c"],
  args: ["kubectl version"],
  inputs: {
    kubectl: artifact({
      mode: 0o755,
      path: "/bin/kubectl",
      http: "https://storage.googleapis.com/kubernetes-release/release/v1.8.0/bin/linux/amd64/kubectl",
    }),
  },
});

export default workflow({ generateName: "input-artifact-http-", entrypoint: example });
