/**
 * The declaration as a trader submits it: WCO Data Model flavoured, money and quantities as
 * decimal strings (never JSON numbers). These zod schemas are the single source of truth for the
 * TypeScript types, request validation, the OpenAPI document and the console's forms.
 */
import * as z from 'zod';
import { plainText } from './text.ts';

/** Non-negative decimal string for quantities and masses: up to 15 integer and 6 fraction digits. */
export const quantityString = z
  .string()
  .regex(/^(0|[1-9]\d{0,14})(\.\d{1,6})?$/, 'must be a non-negative decimal string such as "2000" or "12.5"')
  .meta({ description: 'Non-negative decimal as a string', examples: ['2000', '12.5'] });

/** Non-negative money amount as a decimal string: up to 15 integer and 3 fraction digits (ISO 4217 minor units). */
export const moneyString = z
  .string()
  .regex(/^(0|[1-9]\d{0,14})(\.\d{1,3})?$/, 'must be a non-negative decimal string with at most 3 decimals, such as "5000.00"')
  .meta({ description: 'Money amount as a decimal string', examples: ['5000.00'] });

export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as "CN"');
export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as "USD"');
/** UN/LOCODE: country (2 letters) + location (3 letters or digits 2-9). */
export const unLocode = z.string().regex(/^[A-Z]{2}[A-Z2-9]{3}$/, 'must be a UN/LOCODE such as "CNSZX"');
/** EORI-style party identifier: country prefix + up to 15 alphanumerics. */
export const partyId = z.string().regex(/^[A-Z]{2}[A-Z0-9]{1,15}$/, 'must be an EORI number such as "GB123456789000"');
export const isoDate = z.iso.date({ message: 'must be a date in the form YYYY-MM-DD' });

const text = plainText;

/** A positive mass: goods have weight (a zero mass is a keying error, not a fact). */
const massString = quantityString.refine((value) => !/^0(\.0+)?$/.test(value), {
  message: 'must be more than 0',
  params: { code: 'ZERO_MASS' },
});

/** Incoterms 2020. */
export const incoterms = ['EXW', 'FCA', 'FAS', 'FOB', 'CFR', 'CIF', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP'] as const;

export const partySchema = z.strictObject({
  id: partyId,
  name: text(70),
});

export const importerSchema = z.strictObject({
  id: partyId.optional(),
  name: text(70),
  country: countryCode,
});

export const exporterSchema = z.strictObject({
  id: partyId.optional(),
  name: text(70),
  country: countryCode,
});

export const documentSchema = z.strictObject({
  /** CDS document code (DE 2/3), e.g. N935 invoice, U112 proof of origin statement. */
  type: z.string().regex(/^[A-Z0-9]{4}$/, 'must be a 4-character document code such as "N935"'),
  ref: text(35),
});

export const quantitySchema = z.strictObject({
  value: quantityString,
  /** Measurement unit code as in the tariff (e.g. KGM, LTR, NAR, HLT). */
  unit: z.string().regex(/^[A-Z0-9]{3}$/, 'must be a 3-character unit code such as "KGM"'),
  qualifier: z
    .string()
    .regex(/^[A-Z]$/, 'must be a 1-letter unit qualifier')
    .optional(),
});

/**
 * What Alcohol Duty needs beyond the tax type (additional code X311 ... X380, as on CDS) and the
 * strength and volume (quantities ASV, and LPA or LTR). See docs/alcohol-duty.md.
 */
export const alcoholFactsSchema = z.strictObject({
  /**
   * Nominal capacity of each container, in litres. Draught relief (tax types 351-360 and 371-380)
   * is only for containers of at least 20 litres (Finance (No. 2) Act 2023, ss. 50-53: a "large
   * draught container").
   */
  containerLitres: quantityString.optional(),
  /**
   * GBP per litre of pure alcohol from the producer's small producer relief calculation (tax types
   * 361-380, which have no fixed rate); declared as CDS declares a tax rate (DE 4/5). More than 0 and
   * at most the full rate of the corresponding standard band (checked against the rate table:
   * SMALL_PRODUCER_RATE_OUT_OF_RANGE, shared/tariff/alcohol-duty.ts).
   */
  smallProducerReliefRate: z
    .string()
    .regex(/^(0|[1-9]\d{0,5})(\.\d{1,4})?$/, 'must be a rate in GBP per litre of pure alcohol such as "18.25"')
    .optional(),
});

export const itemSchema = z
  .strictObject({
    commodityCode: z.string().regex(/^(\d{6}|\d{8}|\d{10})$/, 'must be a commodity code of 6, 8 or 10 digits such as "8510900000"'),
    description: text(512),
    origin: countryCode,
    /** DE 4/17 preference: 100 = third-country duty, 300 = tariff preference (needs proof of origin). */
    preference: z.string().regex(/^\d{3}$/, 'must be a 3-digit preference code such as "100"'),
    additionalCodes: z
      .array(z.string().regex(/^[A-Z0-9]{4}$/, 'must be a 4-character additional code such as "C999"'))
      .max(99, 'must have at most 99 additional codes')
      .default([]),
    quantities: z.array(quantitySchema).max(9, 'must have at most 9 quantities').default([]),
    netMassKg: massString,
    invoiceAmount: moneyString,
    /**
     * DE 4/16 valuation method: 1 transaction value (the default), 2 identical goods, 3 similar
     * goods, 4 deductive, 5 computed, 6 fall-back (UCC Articles 70 and 74). Goods with no price paid
     * (samples, gifts) have no transaction value: a zero invoice amount needs one of 2 to 6.
     */
    valuationMethod: z.enum(['1', '2', '3', '4', '5', '6']).optional(),
    documents: z.array(documentSchema).max(99, 'must have at most 99 documents').default([]),
    /** Alcohol Duty facts for draught and small producer relief bands (docs/alcohol-duty.md). */
    alcohol: alcoholFactsSchema.optional(),
  })
  .superRefine((item, context) => {
    if (/^0(\.0+)?$/.test(item.invoiceAmount) && (item.valuationMethod ?? '1') === '1') {
      context.addIssue({
        code: 'custom',
        path: ['invoiceAmount'],
        message: 'a zero invoice amount has no transaction value: give the valuationMethod (2 to 6) used to value these goods',
        params: { code: 'ZERO_VALUE_WITHOUT_VALUATION_METHOD' },
        input: item.invoiceAmount,
      });
    }
  });

export const consignmentSchema = z.strictObject({
  ucr: z
    .string()
    .regex(/^[0-9A-Z][A-Z0-9\-+/.]{2,34}$/, 'must be a WCO UCR of 3 to 35 upper-case characters')
    .optional(),
  /** DE 7/4 mode of transport at the border: 1 sea, 2 rail, 3 road, 4 air, 5 post, 7 fixed installation, 8 inland waterway, 9 own propulsion. */
  transportMode: z.enum(['1', '2', '3', '4', '5', '7', '8', '9']),
  /**
   * The transport document (a previous document, DE 2/1 in CDS numbering: N705 bill of lading,
   * N740 air waybill, N741 master air waybill, N730 road consignment note): the carrier's arrival
   * manifest names it on the line of these goods, and the declaration is matched to that line by it.
   */
  transportDocument: z.strictObject({
    type: z.string().regex(/^[A-Z0-9]{4}$/, 'must be a 4-character document code such as "N741"'),
    ref: text(35),
  }),
  loadingLocation: unLocode,
  arrivalDate: isoDate,
  grossMassKg: massString,
});

export const valuationSchema = z.strictObject({
  currency: currencyCode,
  incoterm: z.enum(incoterms),
  invoiceTotal: moneyString,
  freight: moneyString.optional(),
  insurance: moneyString.optional(),
});

/**
 * DE 4/8 method of payment, with the codes the UK CDS uses (docs/revenue.md): how the duties and
 * taxes this declaration makes due are paid or secured before the goods are released.
 */
export const paymentMethods = {
  /** Immediate payment by electronic credit transfer: a payment request with a reference. */
  H: 'immediate payment',
  /** Debited from the declarant's cash account (within its balance). */
  P: 'cash account',
  /** Charged to the declarant's duty deferment account (within its monthly limit), collected by direct debit. */
  E: 'duty deferment account',
  /** Secured under the guarantee of the declarant's duty deferment account (security held, not yet paid). */
  M: 'guarantee',
} as const;
export type PaymentMethod = keyof typeof paymentMethods;
/** A trader account number as customs issues it (the deferment approval number style: 7 digits). */
export const accountNumber = z.string().regex(/^\d{7}$/, 'must be a 7-digit account number such as "1234567"');

export const paymentSchema = z.strictObject({
  method: z.enum(Object.keys(paymentMethods) as [PaymentMethod, ...PaymentMethod[]]),
  /** The account drawn on: required for P, E and M, not given for H. */
  account: accountNumber.optional(),
  /**
   * Postponed VAT accounting (DE 4/8 code G on the VAT lines): the importer, VAT-registered,
   * accounts for the import VAT on its VAT return; the VAT lines are recorded, not paid here.
   */
  postponedVat: z.boolean().default(false),
});
export type Payment = z.infer<typeof paymentSchema>;

export const declarationSchema = z
  .strictObject({
    /** Local reference number: unique per declarant. */
    lrn: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9\-_/.]{0,34}$/, 'must be 1 to 35 letters, digits, "-", "_", "/" or "."'),
    type: z.enum(['IM', 'EX']),
    /**
     * DE 1/2 additional declaration type: A standard (the goods are presented, the default), D
     * lodged before the goods are presented (UCC Art. 171): a pre-lodged import is processed at once
     * and released only once the carrier reports its goods arrived (docs/single-window.md).
     */
    additionalType: z.enum(['A', 'D']).optional(),
    /** Requested + previous procedure (DE 1/10), e.g. 4000 release for free circulation. */
    procedureCode: z.string().regex(/^\d{4}$/, 'must be a 4-digit procedure code such as "4000"'),
    office: z.string().regex(/^[A-Z]{2}[A-Z0-9]{3,6}$/, 'must be a customs office code such as "GBLHR"'),
    declarant: partySchema,
    importer: importerSchema,
    exporter: exporterSchema,
    consignment: consignmentSchema,
    valuation: valuationSchema,
    items: z.array(itemSchema).min(1, 'must have at least one item').max(999, 'must have at most 999 items'),
    /** DE 4/8 method of payment: required on an import (a validation rule), absent on an export. */
    payment: paymentSchema.optional(),
  })
  .meta({ id: 'Declaration', description: 'An import or export declaration as submitted by a trader' });

export type Declaration = z.infer<typeof declarationSchema>;
export type DeclarationInput = z.input<typeof declarationSchema>;
export type DeclarationItem = z.infer<typeof itemSchema>;

/** Lifecycle of a declaration. Each transition is one conditional write on `version`. */
export const declarationStatuses = [
  'SUBMITTED',
  'VALIDATED',
  'REJECTED',
  /** Risk scored: lane chosen. */
  'SCORED',
  /** Duties and taxes calculated. */
  'ASSESSED',
  'UNDER_REVIEW',
  /** Processed, waiting for the carrier to report the goods arrived (a pre-lodged import): released on arrival. */
  'ARRIVAL_PENDING',
  /** Duties due are neither paid nor secured: a payment request waits for the provider's confirmation. */
  'AWAITING_PAYMENT',
  'RELEASED',
  'HELD',
  'DOCUMENTS_REQUESTED',
  /** A stage could not process it (its message was exhausted, or redrives gave up); an admin may retry. */
  'PROCESSING_FAILED',
  /** Withdrawn by the trader before release. */
  'CANCELLED',
] as const;
export const declarationStatus = z.enum(declarationStatuses);
export type DeclarationStatus = z.infer<typeof declarationStatus>;

/** Largest request body the intake accepts (bytes). 999 items of realistic size fit well under it. */
export const maxDeclarationBytes = 1_000_000;
