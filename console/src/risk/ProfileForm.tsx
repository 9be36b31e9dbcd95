/**
 * Creates or edits a risk profile: the common fields, the outcome, and the criteria as JSON.
 * "Dry run" checks the draft with the same schema and asks the API how many recent declarations
 * it would select, before anything is saved. Problems the API answers are shown at their fields.
 */
import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import type { RiskProfileInput } from '#shared/risk/profile.ts';
import { useDryRun } from '../api/risk.ts';
import { Field } from '../components/Field.tsx';
import { ErrorPanel } from '../components/feedback.tsx';
import { laneLabels } from '../format.ts';
import { showProblemsAtFields } from '../forms.ts';
import { DryRunResult } from './DryRunResult.tsx';
import { messageAt, type ProfileFormValues, profileFieldOf, profileResolver } from './profile-form-values.ts';

const outcomeLanes = ['RED', 'YELLOW', 'BLUE'] as const;

export interface ProfileFormProps {
  defaultValues: ProfileFormValues;
  /** The accessible name of the form. */
  label: string;
  saveLabel: string;
  /** Saves; a rejection with an ApiError puts its problems at the fields. */
  onSave: (input: RiskProfileInput) => Promise<unknown>;
  saving: boolean;
}

export function ProfileForm({ defaultValues, label, saveLabel, onSave, saving }: ProfileFormProps) {
  const form = useForm<ProfileFormValues, unknown, RiskProfileInput>({ resolver: profileResolver, defaultValues });
  const dryRun = useDryRun();
  const { errors } = form.formState;
  const outcomeKind = form.watch('outcomeKind');
  const { reset: clearDryRun } = dryRun;
  useEffect(() => {
    // A dry run speaks for the draft it ran on: any change to the draft takes it away.
    const subscription = form.watch(() => clearDryRun());
    return () => subscription.unsubscribe();
  }, [form, clearDryRun]);

  // The API's problems go to their fields too; the error panel lists them all.
  const placeProblem = (error: unknown) =>
    showProblemsAtFields(
      error,
      (pointer) => profileFieldOf(pointer, form.getValues('outcomeKind')),
      (field, problem, pointer) => form.setError(field, { type: problem.type, message: messageAt(field, pointer, problem.message) }),
    );

  return (
    <form aria-label={label} noValidate onSubmit={form.handleSubmit((input) => onSave(input).catch(placeProblem))}>
      <div className="field-grid">
        <Field label="Name" error={errors.name?.message}>
          {(control) => <input autoComplete="off" {...control} {...form.register('name')} />}
        </Field>
        <Field label="Owner (optional)" hint="The team or officer responsible" error={errors.owner?.message}>
          {(control) => <input autoComplete="off" {...control} {...form.register('owner')} />}
        </Field>
      </div>
      <Field label="Reason" hint="Officers read this on every declaration the profile selects." error={errors.reason?.message}>
        {(control) => <textarea rows={3} {...control} {...form.register('reason')} />}
      </Field>
      <div className="field-grid">
        <Field label="Valid from" hint="YYYY-MM-DD (UTC), or a date-time with an offset" error={errors.validFrom?.message}>
          {(control) => <input className="code-input" autoComplete="off" {...control} {...form.register('validFrom')} />}
        </Field>
        <Field label="Valid to (optional)" hint="A date includes that whole day (UTC)" error={errors.validTo?.message}>
          {(control) => <input className="code-input" autoComplete="off" {...control} {...form.register('validTo')} />}
        </Field>
      </div>
      <div className="field checkbox-field">
        <input type="checkbox" id="profile-enabled" {...form.register('enabled')} />
        <label htmlFor="profile-enabled">Enabled: scoring uses it while it is valid</label>
      </div>
      <fieldset>
        <legend>Outcome when it matches</legend>
        <ul className="choice-list inline-choices">
          <li className="choice">
            <input type="radio" id="outcome-lane" value="lane" {...form.register('outcomeKind')} />
            <label htmlFor="outcome-lane">
              <span className="choice-name">Send to a lane</span>
            </label>
          </li>
          <li className="choice">
            <input type="radio" id="outcome-score" value="score" {...form.register('outcomeKind')} />
            <label htmlFor="outcome-score">
              <span className="choice-name">Add to the score</span>
            </label>
          </li>
        </ul>
        {outcomeKind === 'lane' ? (
          <Field label="Lane" error={errors.lane?.message}>
            {(control) => (
              <select {...control} {...form.register('lane')}>
                {outcomeLanes.map((lane) => (
                  <option key={lane} value={lane}>
                    {laneLabels[lane]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : (
          <Field label="Score points" hint="A whole number from -100 to 100, not 0" error={errors.score?.message}>
            {(control) => <input type="number" inputMode="numeric" className="code-input" {...control} {...form.register('score')} />}
          </Field>
        )}
      </fieldset>
      <Field
        label="Criteria (JSON)"
        hint={
          <>
            A criterion such as <code>{'{"kind": "origin", "countries": ["CN"]}'}</code>, or <code>and</code> / <code>or</code> of several (
            <code>{'{"kind": "and", "of": [...]}'}</code>) and <code>not</code>. A profile matches when one item meets the whole tree.
          </>
        }
        error={errors.criteria?.message}
        className="wide-field"
      >
        {(control) => <textarea rows={12} spellCheck={false} className="json-input" {...control} {...form.register('criteria')} />}
      </Field>
      <div className="button-row">
        <button
          type="button"
          disabled={dryRun.isPending}
          onClick={() => {
            void form.handleSubmit((input) => dryRun.mutateAsync(input).catch(placeProblem))();
          }}
        >
          {dryRun.isPending ? 'Running…' : 'Dry run'}
        </button>
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : saveLabel}
        </button>
      </div>
      {dryRun.isError && <ErrorPanel title="The dry run could not be made" error={dryRun.error} />}
      {dryRun.data && <DryRunResult result={dryRun.data} />}
    </form>
  );
}
