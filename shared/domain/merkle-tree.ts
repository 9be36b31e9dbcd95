/**
 * A Merkle tree over documents' SHA-256 digests, hashed as RFC 9162 §2.1 hashes a log (with
 * domain separation, so that a leaf can never pass for a node): leaf = SHA-256(0x00 || data),
 * node = SHA-256(0x01 || left || right), the left subtree of n leaves holding the largest power
 * of two smaller than n. One seal signs the root of a batch; each document carries its inclusion
 * proof (its leaf index and audit path, RFC 9162 §2.1.3) to recompute that root alone.
 */
import { createHash } from 'node:crypto';
import type { InclusionProof } from './sealed-document-schemas.ts';

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

const sha256 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** The leaf hash of one document: SHA-256(0x00 || the 32 bytes of its SHA-256). */
export const leafHash = (documentSha256: string): Buffer => sha256(LEAF_PREFIX, Buffer.from(documentSha256, 'hex'));

const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(NODE_PREFIX, left, right);

/** The largest power of two smaller than n (n > 1): the size of the left subtree (RFC 9162 §2.1.1). */
const split = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** MTH(D[n]) over leaf hashes (RFC 9162 §2.1.1). */
function treeHead(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = split(leaves.length);
  return nodeHash(treeHead(leaves.slice(0, k)), treeHead(leaves.slice(k)));
}

/** PATH(m, D[n]) over leaf hashes (RFC 9162 §2.1.3.1): the sibling hashes from the leaf up to the root. */
function auditPath(index: number, leaves: readonly Buffer[]): Buffer[] {
  if (leaves.length === 1) return [];
  const k = split(leaves.length);
  return index < k
    ? [...auditPath(index, leaves.slice(0, k)), treeHead(leaves.slice(k))]
    : [...auditPath(index - k, leaves.slice(k)), treeHead(leaves.slice(0, k))];
}

/** The tree over documents' SHA-256 digests (hex), in order: its root (hex) and each document's inclusion proof. */
export function merkleTree(documentSha256s: readonly string[]): { rootSha256: string; proofs: InclusionProof[] } {
  if (documentSha256s.length === 0) throw new Error('a Merkle tree needs at least one leaf');
  const leaves = documentSha256s.map(leafHash);
  return {
    rootSha256: treeHead(leaves).toString('hex'),
    proofs: leaves.map((_, leafIndex) => ({
      leafIndex,
      treeSize: leaves.length,
      auditPath: auditPath(leafIndex, leaves).map((hash) => hash.toString('hex')),
    })),
  };
}

/**
 * The root (hex) a document's SHA-256 and its inclusion proof lead to, or undefined when the proof
 * cannot belong to a tree of its size (RFC 9162 §2.1.3.2: the index is outside the tree, or the
 * path is too short or too long). The caller compares the root with the one the seal signed.
 */
export function rootFromInclusionProof(documentSha256: string, proof: InclusionProof): string | undefined {
  const { leafIndex, treeSize } = proof;
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let root = leafHash(documentSha256);
  for (const sibling of proof.auditPath) {
    if (sn === 0) return undefined;
    const hash = Buffer.from(sibling, 'hex');
    if (fn % 2 === 1 || fn === sn) {
      root = nodeHash(hash, root);
      // A right edge with no sibling at this level: climb until the node is a right child again.
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      root = nodeHash(root, hash);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? root.toString('hex') : undefined;
}
