export { LocalDirArtifactStore } from "./artifacts/local-dir";
export { S3ArtifactStore, type S3ArtifactStoreOptions } from "./artifacts/s3";
export { type ArtifactStore, ArtifactStoreError } from "./artifacts/store";
export { LocalEngine } from "./engine";
export { DEFAULT_IMAGE_RULES, type ImageRule } from "./images";
export type { LocalEngineOptions } from "./options";
