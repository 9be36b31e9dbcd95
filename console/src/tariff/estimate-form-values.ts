/**
 * The duty estimate form and the request it makes. The estimate route takes a whole declaration
 * body (`declarationSchema`); the form asks only what duty depends on (goods, origin,
 * preference, value with its currency and incoterm, mass, a supplementary quantity, and for
 * alcohol the tax type, strength, litres and relief facts) and fills the rest with neutral stand-ins. Field names follow the request, so the schema's messages and
 * the API's problems land on the fields they are about.
 */
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { fieldAt, optionalText } from '../forms.ts';

export interface EstimateFormValues {
  valuation: { currency: string; incoterm: string; freight: string; insurance: string };
  items: {
    commodityCode: string;
    origin: string;
    preference: string;
    invoiceAmount: string;
    netMassKg: string;
    quantities: { value: string; unit: string }[];
    /** Alcohol Duty (headings 2203-2208): tax type X311 ... X380, strength % vol, litres, relief facts. */
    alcohol: { taxType: string; strength: string; litres: string; containerLitres: string; smallProducerReliefRate: string };
  }[];
}

const noAlcohol = { taxType: '', strength: '', litres: '', containerLitres: '', smallProducerReliefRate: '' };

export const emptyEstimate: EstimateFormValues = {
  valuation: { currency: 'GBP', incoterm: 'CIF', freight: '', insurance: '' },
  items: [
    {
      commodityCode: '',
      origin: '',
      preference: '100',
      invoiceAmount: '',
      netMassKg: '',
      quantities: [{ value: '', unit: '' }],
      alcohol: noAlcohol,
    },
  ],
};

export const estimateFields = [
  'valuation.currency',
  'valuation.incoterm',
  'valuation.freight',
  'valuation.insurance',
  'items.0.commodityCode',
  'items.0.origin',
  'items.0.preference',
  'items.0.invoiceAmount',
  'items.0.netMassKg',
  'items.0.quantities.0.value',
  'items.0.quantities.0.unit',
  'items.0.alcohol.taxType',
  'items.0.alcohol.containerLitres',
  'items.0.alcohol.smallProducerReliefRate',
] as const;
export type EstimateField = (typeof estimateFields)[number];

/** The field an API problem is about; a missing quantity goes to the quantity, a tax type problem to the tax type. */
export function estimateFieldOf(pointer: string): EstimateField | undefined {
  if (pointer.startsWith('/items/0/additionalCodes')) return 'items.0.alcohol.taxType';
  if (pointer.startsWith('/items/0/quantities')) return fieldAt(pointer, estimateFields) ?? 'items.0.quantities.0.value';
  if (pointer === '/valuation/invoiceTotal') return 'items.0.invoiceAmount';
  return fieldAt(pointer, estimateFields);
}

const upper = (value: string) => value.trim().toUpperCase();

/** The declaration the estimate posts (unchecked: `declarationSchema` checks it). `declarant`: the trader's own EORI. */
export function toEstimateRequest(form: EstimateFormValues, declarant: string | null, today: string): DeclarationInput {
  const item = form.items[0] ?? emptyEstimate.items[0]!;
  const origin = upper(item.origin);
  const quantity = item.quantities[0];
  const alcohol = item.alcohol ?? noAlcohol;
  const taxType = upper(alcohol.taxType);
  const containerLitres = optionalText(alcohol.containerLitres);
  const smallProducerReliefRate = optionalText(alcohol.smallProducerReliefRate);
  // Strength and litres first: an alcohol problem about a quantity then names them by their place.
  const quantities = [
    ...(optionalText(alcohol.strength) ? [{ value: alcohol.strength.trim(), unit: 'ASV' }] : []),
    ...(optionalText(alcohol.litres) ? [{ value: alcohol.litres.trim(), unit: 'LTR' }] : []),
    ...(quantity && (optionalText(quantity.value) || optionalText(quantity.unit))
      ? [{ value: quantity.value.trim(), unit: upper(quantity.unit) }]
      : []),
  ];
  const freight = optionalText(form.valuation.freight);
  const insurance = optionalText(form.valuation.insurance);
  const amount = item.invoiceAmount.trim();
  return {
    lrn: 'DUTY-ESTIMATE',
    type: 'IM',
    procedureCode: '4000',
    office: 'GBLHR',
    declarant: { id: declarant ?? 'GB000000000000', name: 'Duty estimate' },
    importer: { name: 'Duty estimate', country: 'GB' },
    exporter: { name: 'Duty estimate', country: origin },
    consignment: {
      transportMode: '1',
      transportDocument: { type: 'N741', ref: 'DUTY-ESTIMATE' },
      loadingLocation: `${origin}ZZZ`,
      arrivalDate: today,
      grossMassKg: item.netMassKg.trim(),
    },
    valuation: {
      currency: upper(form.valuation.currency),
      incoterm: form.valuation.incoterm as DeclarationInput['valuation']['incoterm'],
      invoiceTotal: amount,
      ...(freight ? { freight } : {}),
      ...(insurance ? { insurance } : {}),
    },
    items: [
      {
        commodityCode: item.commodityCode.trim(),
        description: 'Duty estimate',
        origin,
        preference: item.preference,
        netMassKg: item.netMassKg.trim(),
        invoiceAmount: amount,
        additionalCodes: taxType ? [taxType.startsWith('X') ? taxType : `X${taxType}`] : [],
        quantities,
        ...(containerLitres || smallProducerReliefRate
          ? {
              alcohol: {
                ...(containerLitres ? { containerLitres } : {}),
                ...(smallProducerReliefRate ? { smallProducerReliefRate } : {}),
              },
            }
          : {}),
      },
    ],
  };
}
