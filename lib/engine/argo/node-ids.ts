// Node and pod naming is engine-neutral; the Argo engine reads pod logs by these names.
export { fnv32a, nodeId, podName, podNameFor } from "../node-ids";
