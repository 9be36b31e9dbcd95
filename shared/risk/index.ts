/**
 * Risk selectivity, the pure domain: profiles (criteria as data), trader profiles, valuation
 * references, random selection and scoring. Storage, the risk worker and the APIs wire it.
 * See docs/risk.md.
 */
export * from './outcome.ts';
export * from './profile.ts';
export * from './trader.ts';
export * from './valuation.ts';
export * from './selection.ts';
export {
  assessCriteria,
  compiledFor,
  defaultThresholds,
  riskThresholdsSchema,
  scoreDeclaration,
  type CriteriaAssessment,
  type RiskThresholds,
  type ScoreInput,
} from './score.ts';
export { compileProfiles, DeclarationFacts, type CompiledProfiles, type CompileOptions } from './compile.ts';
export { dryRun, dryRunResultSchema, DRY_RUN_PROFILE_ID, type DryRunOptions, type DryRunResult, type DryRunSample } from './dry-run.ts';
