import { container, workflow } from "skiff";

export const hera = "upstream/sidecar_nginx.yaml";

const example = container({
  name: "sidecar-nginx-example",
  image: "appropriate/curl",
  command: ["sh", "-c"],
  args: ["until `curl -G 'http://127.0.0.1/' >& /tmp/out`; do echo sleep && sleep 1; done && cat /tmp/out"],
  sidecars: [{ name: "nginx", image: "nginx:1.13", command: ["nginx", "-g", "daemon off;"] }],
});

export default workflow({ generateName: "sidecar-nginx-", entrypoint: example });
