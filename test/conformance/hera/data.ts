import { artifact, rawTemplate, workflow } from "skiff";

export const hera = "misc/data.yaml";

// Argo's `data` template has no dedicated builder: the raw escape hatch takes Argo's own shape.
const listLogFiles = rawTemplate(
  {
    name: "list-log-files",
    data: {
      transformation: [{ expression: "filter(data, {# endsWith 'main.log'})" }],
      source: { artifactPaths: { name: "test-bucket", s3: { bucket: "my-bucket" } } },
    },
  },
  { outputs: { file: artifact({ path: "/file" }) } },
);

export default workflow({ generateName: "data-", entrypoint: listLogFiles });
