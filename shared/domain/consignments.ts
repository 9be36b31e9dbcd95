/**
 * One UCR to track a consignment (docs/single-window.md): the carrier's manifest lines that name
 * it, the declarations lodged under it (with their amendments, permits, lane and release), and a
 * timeline of what happened when, each party seeing only its part.
 */
import * as z from 'zod';
import { laneSchema } from '#shared/risk/outcome.ts';
import { arrivalSchema, cargoLineSchema } from './cargo-reports.ts';
import { declarationStatus } from './declaration.ts';
import { historyEventTypes } from './declaration-record.ts';
import { permitCitationSchema } from './permits.ts';

/** A WCO Unique Consignment Reference, as a declaration's consignment and a manifest line name it. */
export const ucrSchema = z.string().regex(/^[0-9A-Z][A-Z0-9\-+/.]{2,34}$/, 'must be a WCO UCR of 3 to 35 upper-case characters');

/** Most declarations, and most manifest lines, one consignment view reads (each one bounded query). */
export const MAX_CONSIGNMENT_ENTRIES = 100;

export const consignmentLineSchema = cargoLineSchema.omit({ dischargedBy: true }).extend({
  dischargedBy: z.object({ declarationId: z.string().nullable(), at: z.string() }).nullable().meta({
    description: 'Which declaration discharged the line (null for the carrier, as on its manifest) and when; null while undeclared',
  }),
});
export type ConsignmentLine = z.infer<typeof consignmentLineSchema>;

/** A declaration the caller may read: as GET /v1/declarations/{id} shows it to them, in summary. */
export const consignmentDeclarationSchema = z.object({
  visibility: z.literal('full'),
  id: z.string(),
  lrn: z.string(),
  declarantId: z.string(),
  type: z.enum(['IM', 'EX']),
  office: z.string(),
  status: declarationStatus,
  version: z.int(),
  lane: laneSchema.nullable(),
  amendment: z.int().meta({ description: 'Which body is current: 0 as first submitted, n after the n-th amendment' }),
  submittedAt: z.string(),
  releasedAt: z.string().nullable(),
  arrival: arrivalSchema.nullable(),
  permits: z
    .array(permitCitationSchema.omit({ pointer: true }).extend({ drawnAt: z.string().nullable() }))
    .meta({ description: 'The permits it cites, what it draws from each and when the release stage drew them (null: not yet)' }),
  links: z.object({ self: z.string(), events: z.string() }),
});

/** Another declaration on the consignment, for the carrier: only that it was declared and released, and when. */
export const declaredFactSchema = z.object({
  visibility: z.literal('declared'),
  submittedAt: z.string(),
  releasedAt: z.string().nullable(),
});

export const consignmentTimelineEntrySchema = z.object({
  at: z.string(),
  event: z.enum([...historyEventTypes, 'ARRIVED', 'DISCHARGED', 'PERMIT_DRAWN']).meta({
    description:
      "A declaration's history event (SUBMITTED, AMENDED, each status change...), a line's arrival or discharge, or a permit drawn at release",
  }),
  /** The declaration it concerns (null: a line's arrival, or for the carrier another party's declaration). */
  declarationId: z.string().nullable(),
  /** The declaration's status after the event. */
  status: declarationStatus.nullable(),
  manifestId: z.string().nullable(),
  line: z.int().nullable(),
  permitId: z.string().nullable(),
  /** What the event's reader may read (as in the declaration's history); null for the carrier. */
  detail: z.string().nullable(),
});
export type ConsignmentTimelineEntry = z.infer<typeof consignmentTimelineEntrySchema>;

export const consignmentViewSchema = z
  .object({
    ucr: z.string(),
    manifestLines: z.array(consignmentLineSchema),
    declarations: z.array(z.discriminatedUnion('visibility', [consignmentDeclarationSchema, declaredFactSchema])),
    /** Everything above that happened, oldest first. */
    timeline: z.array(consignmentTimelineEntrySchema),
  })
  .meta({ id: 'Consignment', description: 'What the caller may see of one consignment, by its UCR' });
export type ConsignmentView = z.infer<typeof consignmentViewSchema>;
export type ConsignmentDeclaration = z.infer<typeof consignmentDeclarationSchema>;
export type DeclaredFact = z.infer<typeof declaredFactSchema>;
