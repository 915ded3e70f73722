import { artifact, container, workflow } from "skiff";

export const hera = "upstream/arguments_artifacts.yaml";

const kubectl = container({
  name: "kubectl-input-artifact",
  image: "debian:9.4",
  command: ["sh", "-c"],
  args: ["kubectl version"],
  inputs: { kubectl: artifact({ mode: 0o755, path: "/usr/local/bin/kubectl" }) },
});

export default workflow({
  generateName: "arguments-artifacts-",
  entrypoint: kubectl,
  arguments: {
    kubectl: artifact({
      http: "https://storage.googleapis.com/kubernetes-release/release/v1.8.0/bin/linux/amd64/kubectl",
    }),
  },
});
