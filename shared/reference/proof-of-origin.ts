/**
 * Which DE 2/3 document codes prove preferential origin, from the generated document codes alone:
 * the duty calculation needs this and nothing else of the reference data, so the functions that
 * assess duty bundle this small file instead of the HS nomenclature and the other lists
 * (`shared/reference/index.ts`, which builds its own from the same helper).
 */
import documentsJson from '#generated/reference/documents.json' with { type: 'json' };
import type { DocumentsFile } from './types.ts';

export interface ProofOfOrigin {
  /** TARIC certificate type letters whose codes are all proofs of origin (U). */
  readonly certificateTypes: ReadonlySet<string>;
  /** Proof-of-origin document codes known by name (e.g. N954 EUR.1, U088, U112). */
  readonly documentCodes: ReadonlyMap<string, string>;
  /** True for a DE 2/3 code that proves preferential origin (known code or certificate type U). */
  isProofOfOriginDocument(documentCode: string): boolean;
}

export function createProofOfOrigin(documents: DocumentsFile): ProofOfOrigin {
  const certificateTypes: ReadonlySet<string> = new Set(documents.proofOfOrigin.certificateTypes);
  const documentCodes: ReadonlyMap<string, string> = new Map(documents.proofOfOrigin.codes.map((c) => [c.code, c.description]));
  return {
    certificateTypes,
    documentCodes,
    isProofOfOriginDocument: (code) => documentCodes.has(code) || (code.length === 4 && certificateTypes.has(code.charAt(0))),
  };
}

/** The platform's proof-of-origin codes, built once per process (module load). */
export const proofOfOrigin: ProofOfOrigin = createProofOfOrigin(documentsJson as unknown as DocumentsFile);
