/**
 * Measure selection for one item: among the candidates of a measure type, the ones its
 * additional codes select (declared code, else the residual code, else the only code), and the
 * VAT measure (the declared VAT code, else the standard rate, else the only rate).
 */
import type { CompiledMeasure } from './compile.ts';
import type { Env, ItemRun } from './item-run.ts';
import { isResidualAdditionalCode } from './measure-types.ts';

/**
 * Among the candidates of one measure type: those without an additional code always apply; of
 * those with one, the declared code's, else the residual code's (xx999), else the only code's.
 */
export function selectByAdditionalCode(candidates: readonly CompiledMeasure[], run: ItemRun): CompiledMeasure[] | undefined {
  const plainMeasures = candidates.filter((m) => m.additionalCode === undefined);
  const coded = candidates.filter((m) => m.additionalCode !== undefined);
  if (coded.length === 0) return plainMeasures;
  const declared = coded.filter((m) => run.additionalCodes.has(m.additionalCode!));
  if (declared.length > 0) return [...plainMeasures, ...declared];
  const residual = coded.filter((m) => isResidualAdditionalCode(m.additionalCode!));
  if (residual.length > 0) {
    run.notes.push(`no declared additional code among ${codesOf(coded)}: residual code ${residual[0]!.additionalCode} applies`);
    return [...plainMeasures, ...residual];
  }
  const codes = new Set(coded.map((m) => m.additionalCode));
  if (codes.size === 1) return [...plainMeasures, ...coded];
  run.fail(
    'ADDITIONAL_CODE_REQUIRED',
    `measure type ${coded[0]!.type} depends on an additional code: declare one of ${codesOf(coded)}`,
    '/additionalCodes',
  );
  return undefined;
}

const codesOf = (measures: readonly CompiledMeasure[]): string => [...new Set(measures.map((m) => m.additionalCode))].sort().join(', ');

/**
 * The VAT measure: the declared VAT additional code's (VATZ, VATR...), else the standard rate, else
 * the only rate; chosen from the pack's VAT rates when the commodity has no VAT measure of its own.
 */
export function selectVat(measures: readonly CompiledMeasure[], run: ItemRun, env: Env): CompiledMeasure | undefined {
  const fromPack = measures.length === 0;
  const options = fromPack ? env.compiled.defaultVat : measures;
  const declaredCodes = [...run.additionalCodes].filter((c) => c.startsWith('VAT'));
  if (declaredCodes.length > 0) {
    for (const code of declaredCodes) {
      const match = options.find((m) => m.vatCode === code);
      if (match) return match;
    }
    const offered = [...new Set(options.map((m) => m.vatCode))].sort().join(', ');
    run.fail(
      'VAT_CODE_NOT_APPLICABLE',
      `VAT code ${declaredCodes.join(', ')} is not available for this commodity (available: ${offered})`,
      '/additionalCodes',
    );
    return undefined;
  }
  const standard = options.find((m) => m.vatCode === 'VAT');
  if (standard) return standard;
  const codes = new Set(options.map((m) => m.vatCode));
  if (codes.size === 1) return options[0];
  run.fail('VAT_CODE_REQUIRED', `declare one of the VAT codes ${[...codes].sort().join(', ')}`, '/additionalCodes');
  return undefined;
}
