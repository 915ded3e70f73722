import { py, pythonScript, steps, workflow } from "skiff";

export const hera = "use_cases/dask.yaml";

// Each input is written once: its declaration gives the Argo input and the Python variable the script reads.
const daskComputation = pythonScript({
  name: "dask-computation",
  image: "ghcr.io/dask/dask:latest",
  inputs: { namespace: py.str("default"), n_workers: py.int(1) },
  source: `
    import subprocess
    subprocess.run(['pip', 'install', 'dask-kubernetes', 'dask[distributed]'], stdout=subprocess.PIPE, universal_newlines=True)
    import dask.array as da
    from dask.distributed import Client
    from dask_kubernetes.operator import KubeCluster
    cluster = KubeCluster(image='ghcr.io/dask/dask:latest', resources={'requests': {'memory': '2G', 'cpu': '1'}, 'limits': {'memory': '4G', 'cpu': '1'}}, namespace=namespace, n_workers=n_workers)
    client = Client(cluster)
    array = da.ones((1000, 1000, 1000))
    print('Array mean = {array_mean}, expected = 1.0'.format(array_mean=array.mean().compute()))
    client.close()
  `,
});

const s = steps("s", (t) => {
  t.step("dask-computation", daskComputation);
});

export default workflow({ generateName: "dask-", entrypoint: s });
