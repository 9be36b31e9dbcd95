/**
 * What the engine does with each measure type (TARIC / UK Trade Tariff measure type ids) and the
 * CDS tax type (DE 4/3) its amount is declared under. Types not listed are shown by the lookup and
 * never evaluated (controls, quotas, suspensions subject to authorisation, supplementary units).
 */

export type MeasureRole = 'third-country' | 'preference' | 'additional' | 'anti-dumping' | 'countervailing' | 'excise' | 'vat' | 'listed';

export interface MeasureTypeInfo {
  readonly role: MeasureRole;
  /** CDS tax type; excise takes it from the measure's X-additional code (X611 -> 611). */
  readonly taxType?: string;
}

const info: Readonly<Record<string, MeasureTypeInfo>> = {
  '103': { role: 'third-country', taxType: 'A00' },
  '142': { role: 'preference', taxType: 'A00' },
  '145': { role: 'preference', taxType: 'A00' },
  '695': { role: 'additional', taxType: 'A20' },
  '696': { role: 'additional', taxType: 'A20' },
  '551': { role: 'anti-dumping', taxType: 'A35' },
  '552': { role: 'anti-dumping', taxType: 'A30' },
  '553': { role: 'countervailing', taxType: 'A45' },
  '554': { role: 'countervailing', taxType: 'A40' },
  '306': { role: 'excise' },
  '305': { role: 'vat', taxType: 'B00' },
  // Older national VAT measure types still found in some Trade Tariff documents.
  VTS: { role: 'vat', taxType: 'B00' },
  VTZ: { role: 'vat', taxType: 'B00' },
  VTA: { role: 'vat', taxType: 'B00' },
  VTE: { role: 'vat', taxType: 'B00' },
};

const listed: MeasureTypeInfo = { role: 'listed' };

export const measureTypeInfo = (type: string): MeasureTypeInfo => info[type] ?? listed;

/** VAT code of a VAT measure: its additional code (VATZ, VATR, VATE) or what the old type id means. */
export function vatCodeOf(type: string, additionalCode: string | undefined): string {
  if (additionalCode) return additionalCode;
  switch (type) {
    case 'VTZ':
      return 'VATZ';
    case 'VTA':
      return 'VATR';
    case 'VTE':
      return 'VATE';
    default:
      return 'VAT';
  }
}

/** DE 4/17 preference codes whose first digit claims a tariff preference: 2xx GSP, 3xx agreements. */
export const claimsPreference = (preference: string): boolean => preference.startsWith('3') || preference.startsWith('2');

/** Residual additional codes ("all other companies") end in 999 by TARIC convention (B999, C999). */
export const isResidualAdditionalCode = (code: string): boolean => code.endsWith('999');
