/** The `ArtifactReader` port: downloads of the artifacts a run's steps stored in the Skiff bucket. */

/** Where to get an artifact's bytes: a short-lived presigned URL (AWS), or the bytes themselves (locally). */
export type ArtifactDownload =
  | { kind: "url"; url: string; expiresAt: string; size?: number }
  | { kind: "bytes"; body: Uint8Array; size: number; contentType: string };

export interface ArtifactReader {
  /**
   * The artifact stored at `key`: one object, or, for a directory the local engine stored as one object per
   * file under `key/`, those files packed as a tar+gzip archive (Argo's own format: entries under the
   * directory's name, `directoryName`, the base name of the artifact's path). Undefined when absent.
   */
  download(key: string, options?: { directoryName?: string }): Promise<ArtifactDownload | undefined>;
  /** The size in bytes of the one object at `key`; undefined when there is none (absent, or a directory's prefix). */
  sizeOf(key: string): Promise<number | undefined>;
}
