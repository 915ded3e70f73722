import { container, workflow } from "skiff";

export const hera = "upstream/volumes_emptydir.yaml";

const example = container({
  name: "volumes-emptydir-example",
  image: "debian:latest",
  command: ["/bin/bash", "-c"],
  args: [
    ' vol_found=`mount | grep /mnt/vol` && if [[ -n $vol_found ]]; then echo "Volume mounted and found"; else echo "Not found"; fi ',
  ],
  volumeMounts: [{ name: "workdir", mountPath: "/mnt/vol" }],
});

export default workflow({
  generateName: "volumes-emptydir-",
  entrypoint: example,
  volumes: [{ name: "workdir", emptyDir: {} }],
});
