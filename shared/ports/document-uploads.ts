/**
 * Documents traders upload straight to the archive: an upload URL signed for exactly one object
 * (key, size, media type, SHA-256), and what then arrived, measured (never trusted): its size, its
 * SHA-256 and its stored media type.
 */

export interface UploadGrant {
  key: string;
  contentType: string;
  /** Exact size in bytes. */
  size: number;
  /** Hex SHA-256 of the exact bytes. */
  sha256: string;
  /** How long the URL stays valid. */
  expiresInSeconds: number;
}

export interface UploadUrl {
  /** PUT the bytes here. */
  url: string;
  /** Headers the PUT must carry, as signed (lower-case names). */
  headers: Record<string, string>;
}

/** An object as it arrived: measured from its bytes. */
export interface ArrivedObject {
  size: number;
  /** Hex SHA-256 of the stored bytes. */
  sha256: string;
  contentType: string | undefined;
}

export interface DocumentUploads {
  /** A URL that accepts one PUT of the granted object until it expires. */
  presignPut(grant: UploadGrant): Promise<UploadUrl>;
  /** Reads the object at `key` through, hashing it as it streams; undefined when there is none. */
  inspect(key: string): Promise<ArrivedObject | undefined>;
}
