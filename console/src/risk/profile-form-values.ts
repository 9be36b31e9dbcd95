/**
 * The profile form's values and the request they make. The common fields are form fields; the
 * criteria tree is JSON in a textarea. Validation is `riskProfileInputSchema` itself: each issue
 * (and each problem the API answers) goes to the field its JSON pointer names, criteria issues
 * with their pointer, since the textarea holds a whole tree.
 */
import type { FieldErrors, Resolver } from 'react-hook-form';
import { type RiskProfile, type RiskProfileInput, riskProfileInputSchema } from '#shared/risk/profile.ts';
import { fieldAt, optionalText, pathToPointer } from '../forms.ts';

export interface ProfileFormValues {
  name: string;
  reason: string;
  owner: string;
  validFrom: string;
  validTo: string;
  enabled: boolean;
  outcomeKind: 'lane' | 'score';
  lane: string;
  score: string;
  /** The criteria tree as JSON. */
  criteria: string;
}

export type ProfileField = Exclude<keyof ProfileFormValues, 'outcomeKind'>;
const fields: readonly ProfileField[] = ['name', 'reason', 'owner', 'validFrom', 'validTo', 'enabled', 'lane', 'score', 'criteria'];

const today = (): string => new Date().toISOString().slice(0, 10);

export function formValuesOf(profile: RiskProfile | undefined): ProfileFormValues {
  if (!profile) {
    return {
      name: '',
      reason: '',
      owner: '',
      validFrom: today(),
      validTo: '',
      enabled: true,
      outcomeKind: 'lane',
      lane: 'YELLOW',
      score: '',
      criteria: JSON.stringify(
        {
          kind: 'and',
          of: [
            { kind: 'commodityCode', prefixes: ['7202'] },
            { kind: 'origin', countries: ['CN'] },
          ],
        },
        null,
        2,
      ),
    };
  }
  return {
    name: profile.name,
    reason: profile.reason,
    owner: profile.owner ?? '',
    validFrom: profile.validFrom,
    validTo: profile.validTo ?? '',
    enabled: profile.enabled,
    outcomeKind: 'lane' in profile.outcome ? 'lane' : 'score',
    lane: 'lane' in profile.outcome ? profile.outcome.lane : 'YELLOW',
    score: 'score' in profile.outcome ? String(profile.outcome.score) : '',
    criteria: JSON.stringify(profile.criteria, null, 2),
  };
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : 'not JSON' };
  }
}

/** The request the form makes (unchecked: the schema checks it). */
export function toRequest(values: ProfileFormValues, criteria: unknown): unknown {
  const score = values.score.trim();
  return {
    name: values.name,
    reason: values.reason,
    ...(optionalText(values.owner) ? { owner: optionalText(values.owner) } : {}),
    validFrom: values.validFrom.trim(),
    ...(optionalText(values.validTo) ? { validTo: optionalText(values.validTo) } : {}),
    enabled: values.enabled,
    criteria,
    outcome: values.outcomeKind === 'lane' ? { lane: values.lane } : score === '' ? {} : { score: Number(score) },
  };
}

/** The form field a problem's pointer (into the request) is about. */
export function profileFieldOf(pointer: string, outcomeKind: ProfileFormValues['outcomeKind']): ProfileField | undefined {
  if (pointer === '/criteria' || pointer.startsWith('/criteria/')) return 'criteria';
  if (pointer === '/outcome' || pointer.startsWith('/outcome/')) return outcomeKind === 'lane' ? 'lane' : 'score';
  return fieldAt(pointer, fields);
}

/** A problem's message as its field shows it: criteria problems say where in the tree. */
export const messageAt = (field: ProfileField, pointer: string, message: string): string =>
  field === 'criteria' ? `${pointer.replace(/^\/criteria/, '') || 'criteria'}: ${message}` : message;

/** react-hook-form's resolver: riskProfileInputSchema, its issues put at the fields. */
export const profileResolver: Resolver<ProfileFormValues, unknown, RiskProfileInput> = async (values) => {
  const criteria = parseJson(values.criteria);
  const result = riskProfileInputSchema.safeParse(toRequest(values, criteria.ok ? criteria.value : undefined));
  if (result.success && criteria.ok) return { values: result.data, errors: {} };
  const errors: Partial<Record<ProfileField, { type: string; message: string }>> = {};
  for (const issue of result.error?.issues ?? []) {
    const pointer = pathToPointer(issue.path);
    const field = profileFieldOf(pointer, values.outcomeKind);
    if (!field || (field === 'criteria' && !criteria.ok)) continue;
    const message = messageAt(field, pointer, issue.message);
    const seen = errors[field];
    // Every criteria issue (the textarea holds many places); the first for a plain field.
    if (!seen) errors[field] = { type: issue.code, message };
    else if (field === 'criteria') seen.message = `${seen.message}; ${message}`;
  }
  if (!criteria.ok) errors.criteria = { type: 'json', message: `is not valid JSON (${criteria.message})` };
  return { values: {}, errors: errors as FieldErrors<ProfileFormValues> };
};
