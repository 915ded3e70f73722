// One implementation of Argo's node-name hash for both engines.
export { fnv32a } from "../../node-ids";
