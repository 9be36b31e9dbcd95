import { z } from 'zod';
import { partyId, declarationStatus } from '../domain/declaration.ts';

export const listDeclarationsQuerySchema = z
  .strictObject({
    status: declarationStatus.optional(),
    cursor: z.string().max(2048, 'must be at most 2048 characters').optional(),
    limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(25),
    declarant: partyId.optional(),
  })
  .meta({ id: 'ListDeclarationsQuery' });

export const reviewQueueQuerySchema = z
  .strictObject({
    lane: z.enum(['RED', 'YELLOW']),
    office: z.string().regex(/^[A-Z]{2}[A-Z0-9]{3,6}$/, 'must be a customs office code such as "GBLHR"'),
    cursor: z.string().max(2048, 'must be at most 2048 characters').optional(),
    limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(25),
  })
  .meta({ id: 'ReviewQueueQuery' });
