/**
 * The Merkle tree of batch seals (shared/domain/merkle-tree.ts), RFC 9162 §2.1 hashing. The
 * vectors were computed apart from the code under test (Python's hashlib, one line per hash), for
 * leaves d_i = 32 bytes each equal to i:
 *   L_i      = SHA-256(0x00 || d_i)
 *   N(a, b)  = SHA-256(0x01 || a || b)
 *   1 leaf:  root = L0
 *   2 leaves: root = N(L0, L1)
 *   3 leaves: root = N(N(L0, L1), L2)                  (left subtree: 2, the largest power of 2 < 3)
 *   5 leaves: root = N(N(N(L0, L1), N(L2, L3)), L4)    (left subtree: 4)
 */
import { describe, expect, it } from 'vitest';
import { merkleTree, rootFromInclusionProof } from '#shared/domain/merkle-tree.ts';

const leaf = (index: number): string => index.toString(16).padStart(2, '0').repeat(32);
const leaves = (count: number): string[] => Array.from({ length: count }, (_, index) => leaf(index));

const L0 = '7f9c9e31ac8256ca2f258583df262dbc7d6f68f2a03043d5c99a4ae5a7396ce9';
const L1 = 'dcffe786ded16d283c663846ad0c4ff26558fccde36ca9d30b2ea19eade9fc0e';
const L2 = 'cba8c596120bdb69debbd923d92cba948bde7c7d06a465a1bb7d98d3116038fa';
const L3 = 'acaa04663a8547a2f70c60cc18f9378796b13c4f9a08f70d6adae662365b30c6';
const L4 = '1da033bf8927ed69376d91533748494f7f5e88c20603dede2afc9bfd43d46f17';
/** N(L0, L1): also the root of 2 leaves. */
const N01 = '28fb81e496897e0ce886f08602392e9239b65c659041e5202163e58ad898f444';
const N23 = 'fc264939b1ac77b06378c5ece54a7b57b6b6c821eb80627bb674d8785c8dc8ca';
const N0123 = 'fdea52008cdae79fa8bf806261959e23f5e11681646a2fa2bc9b5e56b32030a2';
const ROOT3 = 'ba8d94b7fbcecae7b81c4c80574fe24734a6917bf9c1ecd66ff3e0c34ead4620';
const ROOT5 = '85e20cac1f02fda7bcdb2fc3f908568c57018c77815f1fa361acad13994f08bf';

describe('Merkle tree of a batch seal', () => {
  it('computes the RFC 9162 roots and audit paths of trees of 1, 2, 3 and 5 leaves', () => {
    // Act
    const [one, two, three, five] = [1, 2, 3, 5].map((count) => merkleTree(leaves(count)));

    // Assess
    expect(one?.rootSha256).toBe(L0);
    expect(one?.proofs).toEqual([{ leafIndex: 0, treeSize: 1, auditPath: [] }]);
    expect(two?.rootSha256).toBe(N01);
    expect(two?.proofs.map((proof) => proof.auditPath)).toEqual([[L1], [L0]]);
    expect(three?.rootSha256).toBe(ROOT3);
    expect(three?.proofs.map((proof) => proof.auditPath)).toEqual([[L1, L2], [L0, L2], [N01]]);
    expect(five?.rootSha256).toBe(ROOT5);
    expect(five?.proofs.map((proof) => proof.auditPath)).toEqual([[L1, N23, L4], [L0, N23, L4], [L3, N01, L4], [L2, N01, L4], [N0123]]);
  });

  it('leads every leaf of trees of 1 to 33 leaves back to its root', () => {
    // Prepare
    const trees = Array.from({ length: 33 }, (_, index) => ({ data: leaves(index + 1), tree: merkleTree(leaves(index + 1)) }));

    // Act
    const recomputed = trees.map(({ data, tree }) => tree.proofs.map((proof, index) => rootFromInclusionProof(data[index] ?? '', proof)));

    // Assess
    for (const [index, roots] of recomputed.entries()) expect(new Set(roots)).toEqual(new Set([trees[index]?.tree.rootSha256]));
  });

  it('refuses a tampered audit path, a wrong index, a wrong size and a proof from another tree', () => {
    // Prepare: leaf 2 of the tree of 5, and the same leaf in a tree of 3
    const five = merkleTree(leaves(5));
    const three = merkleTree(leaves(3));
    const proof = five.proofs[2];
    if (!proof) throw new Error('no proof for leaf 2');
    const tampered = {
      ...proof,
      auditPath: [proof.auditPath[0] ?? '', `${(proof.auditPath[1] ?? '').slice(0, -1)}0`, ...proof.auditPath.slice(2)],
    };

    // Act
    const genuine = rootFromInclusionProof(leaf(2), proof);
    const results = {
      tampered: rootFromInclusionProof(leaf(2), tampered),
      wrongIndex: rootFromInclusionProof(leaf(2), { ...proof, leafIndex: 3 }),
      outsideTree: rootFromInclusionProof(leaf(2), { ...proof, leafIndex: 5 }),
      wrongSize: rootFromInclusionProof(leaf(2), { ...proof, treeSize: 4 }),
      shortPath: rootFromInclusionProof(leaf(2), { ...proof, auditPath: proof.auditPath.slice(1) }),
      otherTree: rootFromInclusionProof(leaf(2), three.proofs[2] ?? proof),
      otherLeaf: rootFromInclusionProof(leaf(4), proof),
    };

    // Assess: only the genuine proof leads to the root the seal signed
    expect(genuine).toBe(ROOT5);
    for (const [name, root] of Object.entries(results)) expect({ name, matches: root === ROOT5 }).toEqual({ name, matches: false });
    expect(results.otherTree).toBe(ROOT3);
  });

  it('has no tree without a leaf', () => {
    // Act and Assess
    expect(() => merkleTree([])).toThrow('at least one leaf');
  });
});
