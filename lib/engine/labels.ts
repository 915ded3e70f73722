/** Labels Skiff puts on every engine workflow. Argo's own labels are in lib/argo/labels.ts. */
export const LABEL_RUN_ID = "skiff.dev/run-id";
export const LABEL_PIPELINE = "skiff.dev/pipeline";
export const LABEL_VERSION = "skiff.dev/version";
