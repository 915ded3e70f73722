/** Where the local engine keeps artifacts and step logs (Argo's artifact repository). Keys are `/`-separated. */
export interface ArtifactStore {
  /** A short description for messages, e.g. `s3://bucket` or a directory. */
  readonly location: string;
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** The object's bytes, or undefined when there is no such key. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Keys under `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
}

/** Thrown when the store cannot be reached or refuses a request. */
export class ArtifactStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ArtifactStoreError";
  }
}
