/** Path and query parameters shared by several operations, checked for shape and length before any use. */
import { z } from 'zod';
import { partyId } from '#shared/domain/declaration.ts';

/** Declaration ids are ULIDs (Crockford base32, 26 characters). */
export const declarationIdParameter = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a declaration id (a 26-character ULID)');

export const declarationPath = z.strictObject({ id: declarationIdParameter });
export const partyPath = z.strictObject({ partyId });
export const customsOfficeCode = z.string().regex(/^[A-Z]{2}[A-Z0-9]{3,6}$/, 'must be a customs office code such as "GBLHR"');
