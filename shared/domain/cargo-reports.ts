/**
 * Cargo reports (docs/single-window.md): the arrival manifest a carrier reports when its vessel,
 * flight or vehicle arrives, one line per transport document. A declaration is matched to its line
 * by transport document (and UCR where both know one) and discharges it: once, by one declaration.
 */
import * as z from 'zod';
import { Dec, HUNDRED, plain, round2 } from '#shared/tariff/money.ts';
import { partySchema, quantityString } from './declaration.ts';
import { plainText } from './text.ts';

/** DE 7/4 mode of transport at the border (the codes of the declaration's consignment). */
const transportMode = z.enum(['1', '2', '3', '4', '5', '7', '8', '9']);
const officeCode = z.string().regex(/^[A-Z]{2}[A-Z0-9]{3,6}$/, 'must be a customs office code such as "GBFXT"');

/** The transport document a line (and a declaration's consignment) names: its document code and reference. */
export const transportDocumentSchema = z.strictObject({
  type: z.string().regex(/^[A-Z0-9]{4}$/, 'must be a 4-character document code such as "N705"'),
  ref: plainText(35),
});
export type TransportDocument = z.infer<typeof transportDocumentSchema>;

/** A positive mass in kg (a zero mass is a keying error). */
const grossMass = quantityString.refine((value) => !/^0(\.0+)?$/.test(value), {
  message: 'must be more than 0',
  params: { code: 'ZERO_MASS' },
});

export const manifestLineSchema = z.strictObject({
  transportDocument: transportDocumentSchema,
  ucr: z
    .string()
    .regex(/^[0-9A-Z][A-Z0-9\-+/.]{2,34}$/, 'must be a WCO UCR of 3 to 35 upper-case characters')
    .optional(),
  packages: z.strictObject({
    count: z.int().min(1).max(99_999_999),
    /** UN/ECE Recommendation 21 package type code, e.g. CT carton, PK package, PX pallet. */
    kind: z.string().regex(/^[A-Z0-9]{2}$/, 'must be a 2-character package type code such as "CT"'),
  }),
  grossMassKg: grossMass,
  goodsDescription: plainText(512),
});
export type ManifestLine = z.infer<typeof manifestLineSchema>;

/** Most lines one manifest may carry: a manifest is one request (and its checks one batch of reads each ten lines). */
export const MAX_MANIFEST_LINES = 999;
/** Largest manifest body (bytes): 999 lines of realistic size fit well under it. */
export const MAX_MANIFEST_BYTES = 1_000_000;

export const manifestInputSchema = z
  .strictObject({
    /** The carrier reporting: must be the party the carrier's token acts for. */
    carrier: partySchema,
    transport: z.strictObject({
      mode: transportMode,
      /** Voyage number or flight number (the conveyance reference), as the carrier knows it. */
      voyage: z.string().regex(/^[A-Z0-9]{2,17}$/, 'must be a voyage or flight number of 2 to 17 upper-case letters and digits'),
    }),
    /** The customs office of arrival. */
    office: officeCode,
    /** When the goods arrived (an ISO time with its offset). */
    arrivedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as "2026-11-20T06:30:00Z"' }),
    lines: z
      .array(manifestLineSchema)
      .min(1, 'must have at least one line')
      .max(MAX_MANIFEST_LINES, `must have at most ${MAX_MANIFEST_LINES} lines`),
  })
  .superRefine((manifest, context) => {
    const seen = new Map<string, number>();
    manifest.lines.forEach((line, index) => {
      const key = transportDocumentKey(line.transportDocument);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else
        context.addIssue({
          code: 'custom',
          path: ['lines', index, 'transportDocument'],
          message: `transport document ${line.transportDocument.type} ${line.transportDocument.ref} is on line ${first + 1} already`,
          params: { code: 'DUPLICATE_TRANSPORT_DOCUMENT' },
          input: line.transportDocument,
        });
    });
  })
  .meta({ id: 'ManifestInput', description: 'An arrival manifest as a carrier reports it' });
export type ManifestInput = z.infer<typeof manifestInputSchema>;

/** `<carrier>-<voyage>-<arrival day>`: one manifest per carrier, voyage and day, so a repeat finds the first. */
export const manifestIdPattern = /^[A-Z]{2}[A-Z0-9]{1,15}-[A-Z0-9]{2,17}-\d{8}$/;
export const manifestIdSchema = z.string().regex(manifestIdPattern, 'must be a manifest id such as "GB555000111000-MAEU123E-20261120"');

export const manifestIdOf = (manifest: Pick<ManifestInput, 'carrier' | 'transport' | 'arrivedAt'>): string =>
  `${manifest.carrier.id}-${manifest.transport.voyage}-${new Date(manifest.arrivedAt).toISOString().slice(0, 10).replaceAll('-', '')}`;

/** How a transport document is named in keys and messages (its code and reference). */
export const transportDocumentKey = (document: TransportDocument): string => `${document.type}#${document.ref}`;

/** A manifest as stored: what the carrier sent (arrival time normalised to UTC), its id, hash and when it was reported. */
export const storedManifestSchema = z.object({
  id: manifestIdSchema,
  carrierId: z.string(),
  carrier: partySchema,
  transport: z.object({ mode: transportMode, voyage: z.string() }),
  office: z.string(),
  arrivedAt: z.string(),
  reportedAt: z.string(),
  /** Hex SHA-256 of the request body: the same body again is the same report, other bytes a conflict. */
  sha256: z.string(),
  lines: z.array(manifestLineSchema),
});
export type StoredManifest = z.infer<typeof storedManifestSchema>;

/** Which declaration discharged a line, and when. */
export const dischargeSchema = z.object({ declarationId: z.string(), at: z.string() });

/** One line of a manifest as stored under its transport document: what matching and discharge read. */
export const cargoLineSchema = z
  .object({
    manifestId: manifestIdSchema,
    /** 1-based position on the manifest. */
    line: z.int().positive(),
    carrierId: z.string(),
    office: z.string(),
    arrivedAt: z.string(),
    transportDocument: transportDocumentSchema,
    ucr: z.string().optional(),
    packages: manifestLineSchema.shape.packages,
    grossMassKg: z.string(),
    goodsDescription: z.string(),
    dischargedBy: dischargeSchema.optional(),
  })
  .meta({ id: 'CargoLine' });
export type CargoLine = z.infer<typeof cargoLineSchema>;

export function cargoLinesOf(manifest: StoredManifest): CargoLine[] {
  return manifest.lines.map((line, index) => ({
    manifestId: manifest.id,
    line: index + 1,
    carrierId: manifest.carrierId,
    office: manifest.office,
    arrivedAt: manifest.arrivedAt,
    transportDocument: line.transportDocument,
    ...(line.ucr ? { ucr: line.ucr } : {}),
    packages: line.packages,
    grossMassKg: line.grossMassKg,
    goodsDescription: line.goodsDescription,
  }));
}

export const manifestReceiptSchema = z
  .object({
    id: manifestIdSchema,
    lines: z.int(),
    /** Declarations that were waiting for these goods, handed back to the release stage. */
    continued: z.int(),
    links: z.object({ self: z.string() }),
  })
  .meta({ id: 'ManifestReceipt' });
export type ManifestReceipt = z.infer<typeof manifestReceiptSchema>;

export const manifestViewSchema = z
  .object({
    id: manifestIdSchema,
    carrier: partySchema,
    transport: z.object({ mode: transportMode, voyage: z.string() }),
    office: z.string(),
    arrivedAt: z.string(),
    reportedAt: z.string(),
    lines: z.array(
      cargoLineSchema.omit({ dischargedBy: true }).extend({
        dischargedBy: z.object({ declarationId: z.string().nullable(), at: z.string() }).optional().meta({
          description: 'Which declaration discharged the line (customs only: null for the carrier) and when; absent while undeclared',
        }),
      }),
    ),
  })
  .meta({ id: 'Manifest' });
export type ManifestView = z.infer<typeof manifestViewSchema>;

export const undeclaredGoodsPageSchema = z
  .object({
    office: z.string(),
    /** Lines that arrived before this time and are still not discharged by a declaration. */
    arrivedBefore: z.string(),
    items: z.array(cargoLineSchema),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'UndeclaredGoodsPage' });
export type UndeclaredGoodsPage = z.infer<typeof undeclaredGoodsPageSchema>;

/** What the release stage recorded when it matched a declaration to its line. */
export const arrivalSchema = z
  .object({
    manifestId: manifestIdSchema,
    line: z.int().positive(),
    /** The carrier that reported the line (absent on declarations matched before it was recorded): its push notifications. */
    carrierId: z.string().optional(),
    arrivedAt: z.string(),
    office: z.string(),
    /** The gross mass the carrier reported, beside the declared one. */
    grossMassKg: z.string(),
    /** Whether this declaration discharged the line (false: another declaration had, a risk fact). */
    discharged: z.boolean(),
  })
  .meta({ id: 'Arrival' });
export type Arrival = z.infer<typeof arrivalSchema>;

/** The region's rules for cargo reports (infra/config/regions.ts). */
export const cargoReportSettingsSchema = z.strictObject({
  /** Every import waits for its goods to be reported arrived; false: only pre-lodged ones (DE 1/2 D) wait. */
  requireArrival: z.boolean(),
  /** Whether declarations may be lodged before the goods arrive (DE 1/2 D); refused at validation otherwise. */
  preLodgement: z.boolean(),
  /** Hours after arrival within which the goods must be declared; later they are listed for officers. */
  declareWithinHours: z
    .int()
    .min(1)
    .max(24 * 90),
  /** Difference between declared and reported gross mass tolerated, in percent of the reported mass (a decimal string). */
  massTolerancePercent: z.string().regex(/^(0|[1-9]\d{0,1})(\.\d{1,2})?$/, 'must be a percentage such as "5"'),
});
export type CargoReportSettings = z.infer<typeof cargoReportSettingsSchema>;

/** A difference between what the declaration says and what the carrier reported: the officer looks at it (a documentary check). */
export interface CargoFact {
  code: 'LINE_ALREADY_DISCHARGED' | 'GROSS_MASS_MISMATCH' | 'UCR_MISMATCH';
  text: string;
}

/**
 * What does not agree between a declaration's consignment and its manifest line: a line another
 * declaration discharged, a gross mass off by more than the region's tolerance (of the reported
 * mass), or two different UCRs (each side naming one).
 */
export function cargoFacts(
  consignment: { grossMassKg: string; ucr?: string | undefined },
  line: CargoLine,
  declarationId: string,
  massTolerancePercent: string,
): CargoFact[] {
  const facts: CargoFact[] = [];
  const where = `line ${line.line} of manifest ${line.manifestId}`;
  if (line.dischargedBy && line.dischargedBy.declarationId !== declarationId)
    facts.push({
      code: 'LINE_ALREADY_DISCHARGED',
      text: `${where} was discharged by declaration ${line.dischargedBy.declarationId} at ${line.dischargedBy.at}`,
    });
  const declared = new Dec(consignment.grossMassKg);
  const reported = new Dec(line.grossMassKg);
  const difference = declared.minus(reported).abs();
  const tolerated = reported.times(massTolerancePercent).dividedBy(HUNDRED);
  if (difference.greaterThan(tolerated))
    facts.push({
      code: 'GROSS_MASS_MISMATCH',
      text: `declared gross mass ${plain(declared)} kg, the carrier reported ${plain(reported)} kg on ${where} (${plain(round2(difference.times(HUNDRED).dividedBy(reported)))}% off; ${massTolerancePercent}% tolerated)`,
    });
  if (consignment.ucr && line.ucr && consignment.ucr !== line.ucr)
    facts.push({ code: 'UCR_MISMATCH', text: `declared UCR ${consignment.ucr}, the carrier reported ${line.ucr} on ${where}` });
  return facts;
}
