/**
 * In-memory seal: a P-256 key made with node:crypto, a key registry and the issued-document
 * records. The contract suite (tests/contract) holds them to what the KMS and DynamoDB adapters do.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { PublicJwk } from '#shared/domain/sealed-documents.ts';
import type {
  ArchivedPdf,
  DocumentSealer,
  IssuedDocument,
  IssuedDocumentKind,
  IssuedDocuments,
  SealKeyRegistry,
} from '#shared/ports/document-seal.ts';

export class InMemoryDocumentSealer implements DocumentSealer {
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  #jwk: PublicJwk | undefined;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = privateKey;
    this.#publicKey = publicKey;
  }

  async publicKey(): Promise<PublicJwk> {
    if (!this.#jwk) {
      const { kty, crv, x, y } = this.#publicKey.export({ format: 'jwk' });
      const jwk = { kty, crv, x, y } as PublicJwk;
      this.#jwk = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'ES256', use: 'sig' };
    }
    return this.#jwk;
  }

  async sign(input: Uint8Array): Promise<Uint8Array> {
    return sign('sha256', input, { key: this.#privateKey, dsaEncoding: 'ieee-p1363' });
  }
}

export class InMemorySealKeyRegistry implements SealKeyRegistry {
  readonly #keys = new Map<string, PublicJwk>();

  async publish(key: PublicJwk): Promise<void> {
    if (!this.#keys.has(key.kid)) this.#keys.set(key.kid, structuredClone(key));
  }

  async all(): Promise<PublicJwk[]> {
    return [...this.#keys.values()].map((key) => structuredClone(key));
  }
}

export class InMemoryIssuedDocuments implements IssuedDocuments {
  readonly #documents = new Map<string, IssuedDocument>();

  static #key(declarationId: string, kind: IssuedDocumentKind, version: number): string {
    return `${declarationId}/${kind}/${String(version).padStart(6, '0')}`;
  }

  async record(document: IssuedDocument): Promise<boolean> {
    const key = InMemoryIssuedDocuments.#key(document.declarationId, document.kind, document.version);
    if (this.#documents.has(key)) return false;
    this.#documents.set(key, structuredClone(document));
    return true;
  }

  async get(declarationId: string, kind: IssuedDocumentKind, version: number): Promise<IssuedDocument | undefined> {
    const found = this.#documents.get(InMemoryIssuedDocuments.#key(declarationId, kind, version));
    return found ? structuredClone(found) : undefined;
  }

  async list(declarationId: string): Promise<IssuedDocument[]> {
    return [...this.#documents.entries()]
      .filter(([key]) => key.startsWith(`${declarationId}/`))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, document]) => structuredClone(document));
  }

  async requestPrinting(
    declarationId: string,
    kind: IssuedDocumentKind,
    version: number,
    at: string,
    askedBefore: string,
  ): Promise<boolean> {
    const document = this.#documents.get(InMemoryIssuedDocuments.#key(declarationId, kind, version));
    if (!document || document.pdf) return false;
    if (document.printRequestedAt !== undefined && document.printRequestedAt >= askedBefore) return false;
    document.printRequestedAt = at;
    return true;
  }

  async attachPdf(declarationId: string, kind: IssuedDocumentKind, version: number, pdf: ArchivedPdf): Promise<boolean> {
    const document = this.#documents.get(InMemoryIssuedDocuments.#key(declarationId, kind, version));
    if (!document || document.pdf) return false;
    document.pdf = structuredClone(pdf);
    return true;
  }
}
