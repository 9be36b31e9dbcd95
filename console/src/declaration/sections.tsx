/**
 * The parts of a declaration page, shared by the officer's and the trader's view: what the API
 * gives each audience decides what there is to show (traders get no risk outcome, no findings,
 * no internal notes: those fields are null for them).
 */
import type { ReactNode } from 'react';
import type { Declaration } from '#shared/domain/declaration.ts';
import type { DeclarationView } from '#shared/domain/declaration-record.ts';
import type { Assessment } from '#shared/tariff/assessment.ts';
import { useDeclarationEvents } from '../api/hooks.ts';
import { LaneBadge, StatusBadge } from '../components/badges.tsx';
import { columnsFor, DataTable } from '../components/DataTable.tsx';
import { ErrorPanel, Loading } from '../components/feedback.tsx';
import { Time } from '../components/Time.tsx';
import { date, decimal, decisionLabels, money, taxTypeName, transportModes } from '../format.ts';
import { usePeople } from '../people.ts';

export function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={`${id}-heading`} id={id}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {children}
    </section>
  );
}

function Pairs({ children }: { children: ReactNode }) {
  return <dl className="pairs">{children}</dl>;
}

function Pair({ term, children }: { term: ReactNode; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The amount a declaration owes: the revised assessment once an inspection re-assessed it. */
export function amountDue(view: DeclarationView): { amount: string; currency: string; revised: boolean } | undefined {
  const assessment = view.reassessment ?? view.assessment;
  return assessment ? { amount: assessment.totals.total, currency: assessment.currency, revised: view.reassessment !== null } : undefined;
}

export function Summary({ view, claimLine }: { view: DeclarationView; claimLine?: ReactNode }) {
  const due = amountDue(view);
  return (
    <Pairs>
      <Pair term="Status">
        <StatusBadge status={view.status} />
      </Pair>
      <Pair term="Lane">
        <LaneBadge lane={view.lane} />
      </Pair>
      <Pair term="Amount due">
        {due ? (
          <span>
            <strong>{money(due.amount, due.currency)}</strong>
            {due.revised && <span className="muted"> (after inspection)</span>}
          </span>
        ) : (
          <span className="muted">not assessed yet</span>
        )}
      </Pair>
      <Pair term="LRN">{view.lrn}</Pair>
      <Pair term="UCR">{view.ucr}</Pair>
      <Pair term="Type">{view.type === 'IM' ? 'Import' : 'Export'}</Pair>
      <Pair term="Office">{view.office}</Pair>
      <Pair term="Declarant">{view.declarantId}</Pair>
      <Pair term="Submitted">
        <Time value={view.submittedAt} />
      </Pair>
      <Pair term="Last change">
        <Time value={view.updatedAt} />
      </Pair>
      <Pair term="Version">{view.version}</Pair>
      {view.amendment > 0 && <Pair term="Amendment">{view.amendment}</Pair>}
      {view.releasedAt && (
        <Pair term="Released">
          <Time value={view.releasedAt} />
        </Pair>
      )}
      {claimLine && <Pair term="Claim">{claimLine}</Pair>}
    </Pairs>
  );
}

/** What the trader was told: the officer's decision, requested documents, the cancellation, a failure. */
export function Outcome({ view }: { view: DeclarationView }) {
  const people = usePeople();
  if (!view.decision && !view.cancellation && !view.failure && !(view.validation && view.validation.problems.length > 0)) return null;
  return (
    <Section id="outcome" title="Decision and messages">
      {view.decision && (
        <div>
          <p>
            <strong>{decisionLabels[view.decision.action]}</strong> on <Time value={view.decision.at} />
            {view.decision.officerId ? ` by ${people(view.decision.officerId)}` : ''}.
          </p>
          {view.decision.message && (
            <blockquote className="message">
              <p>{view.decision.message}</p>
            </blockquote>
          )}
          {view.decision.documents && view.decision.documents.length > 0 && (
            <>
              <p>Documents requested:</p>
              <ul>
                {view.decision.documents.map((document) => (
                  <li key={`${document.type}:${document.reason}`}>
                    <code>{document.type}</code>: {document.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      {view.cancellation && (
        <p>
          Cancelled on <Time value={view.cancellation.at} />: {view.cancellation.reason}
        </p>
      )}
      {view.failure && (
        <p>
          Processing failed at {view.failure.stage} on <Time value={view.failure.at} />: {view.failure.reason}
        </p>
      )}
      {view.validation && view.validation.problems.length > 0 && (
        <>
          <p>
            Validation found {view.validation.problemCount ?? view.validation.problems.length} problem
            {(view.validation.problemCount ?? view.validation.problems.length) === 1 ? '' : 's'}:
          </p>
          <ProblemList problems={view.validation.problems} />
        </>
      )}
    </Section>
  );
}

export function Parties({ declaration }: { declaration: Declaration }) {
  const { declarant, importer, exporter, consignment, valuation } = declaration;
  const party = (name: string, id: string | undefined, country?: string) =>
    `${name}${id ? ` (${id})` : ''}${country ? `, ${country}` : ''}`;
  return (
    <Section id="parties" title="Parties and consignment">
      <div className="columns">
        <Pairs>
          <Pair term="Declarant">{party(declarant.name, declarant.id)}</Pair>
          <Pair term="Importer">{party(importer.name, importer.id, importer.country)}</Pair>
          <Pair term="Exporter">{party(exporter.name, exporter.id, exporter.country)}</Pair>
          <Pair term="Procedure">{declaration.procedureCode}</Pair>
        </Pairs>
        <Pairs>
          <Pair term="Transport">
            {transportModes[consignment.transportMode] ?? consignment.transportMode}, {consignment.transportDocument.type}{' '}
            {consignment.transportDocument.ref}
          </Pair>
          <Pair term="Loaded at">{consignment.loadingLocation}</Pair>
          <Pair term="Arrival">{date(consignment.arrivalDate)}</Pair>
          <Pair term="Gross mass">{decimal(consignment.grossMassKg)} kg</Pair>
          <Pair term="Invoice">
            {money(valuation.invoiceTotal, valuation.currency)} {valuation.incoterm}
            {valuation.freight && `, freight ${money(valuation.freight, valuation.currency)}`}
            {valuation.insurance && `, insurance ${money(valuation.insurance, valuation.currency)}`}
          </Pair>
        </Pairs>
      </div>
    </Section>
  );
}

type Item = Declaration['items'][number] & { index: number; currency: string };
const itemColumns = columnsFor<Item>();
const itemTableColumns = itemColumns.columns([
  itemColumns.accessor('index', { header: 'Item', cell: (info) => info.getValue() + 1 }),
  itemColumns.accessor('commodityCode', { header: 'Commodity code', cell: (info) => <code>{info.getValue()}</code> }),
  itemColumns.accessor('description', { header: 'Description', cell: (info) => <span className="wide-text">{info.getValue()}</span> }),
  itemColumns.accessor('origin', { header: 'Origin' }),
  itemColumns.accessor('preference', { header: 'Preference' }),
  itemColumns.accessor((item) => item.quantities.map((quantity) => `${decimal(quantity.value)} ${quantity.unit}`).join(', '), {
    id: 'quantities',
    header: 'Quantities',
  }),
  itemColumns.accessor('netMassKg', { header: 'Net mass', cell: (info) => `${decimal(info.getValue())} kg` }),
  itemColumns.display({
    id: 'invoice',
    header: 'Invoice amount',
    cell: ({ row }) => <span className="number">{money(row.original.invoiceAmount, row.original.currency)}</span>,
  }),
]);

export function Items({ declaration }: { declaration: Declaration }) {
  const items: Item[] = declaration.items.map((item, index) => ({ ...item, index, currency: declaration.valuation.currency }));
  return (
    <Section id="items" title={`Items (${items.length})`}>
      <DataTable
        caption="Goods as declared"
        label="Items as declared"
        columns={itemTableColumns}
        data={items}
        rowId={(item) => String(item.index)}
        empty="No items"
      />
    </Section>
  );
}

export function Risk({ risk }: { risk: NonNullable<DeclarationView['risk']> }) {
  type Reason = (typeof risk.reasons)[number] & { key: string };
  const reasons: Reason[] = risk.reasons.map((reason, index) => ({ ...reason, key: String(index) }));
  const columns = columnsFor<Reason>();
  const reasonColumns = columns.columns([
    columns.accessor('kind', { header: 'Kind' }),
    columns.display({
      id: 'profile',
      header: 'Profile and version',
      cell: ({ row }) =>
        row.original.profileId ? (
          <span>
            <code>{row.original.profileId}</code> v{row.original.profileVersion ?? '?'}
          </span>
        ) : (
          '-'
        ),
    }),
    columns.accessor('lane', { header: 'Lane', cell: (info) => info.getValue() ?? '-' }),
    columns.accessor('scoreDelta', {
      header: 'Score',
      cell: (info) => {
        const value = info.getValue();
        return value === undefined ? '-' : value > 0 ? `+${value}` : String(value);
      },
    }),
    columns.accessor('text', { header: 'What matched', cell: (info) => <span className="wide-text">{info.getValue()}</span> }),
  ]);
  const versions = Object.entries(risk.profileVersions);
  return (
    <Section id="risk" title="Risk">
      <Pairs>
        <Pair term="Lane">
          <LaneBadge lane={risk.lane} />
        </Pair>
        <Pair term="Score">{risk.score}</Pair>
        <Pair term="Scored">
          <Time value={risk.scoredAt} />
        </Pair>
        <Pair term="Post-clearance audit">{risk.postClearanceAudit ? 'yes' : 'no'}</Pair>
        {risk.selection && <Pair term="Lane from criteria">{risk.selection.criteriaLane}</Pair>}
        {risk.selection && <Pair term="Random selection">{risk.selection.randomLane ?? risk.selection.topUpLane ?? 'none'}</Pair>}
      </Pairs>
      <DataTable
        caption="Why it was selected"
        label="Risk reasons"
        columns={reasonColumns}
        data={reasons}
        rowId={(reason) => reason.key}
        empty="No reasons: nothing selected it"
      />
      <h3>Profile versions in force when scored</h3>
      {versions.length === 0 ? (
        <p className="muted">None</p>
      ) : (
        <ul className="inline-list">
          {versions.map(([id, version]) => (
            <li key={id}>
              <code>{id}</code> v{version}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

type Line = Assessment['items'][number]['lines'][number] & { key: string; currency: string };
const lineColumns = columnsFor<Line>();
const lineTableColumns = lineColumns.columns([
  lineColumns.accessor('taxType', {
    header: 'Tax type',
    cell: (info) => (
      <span>
        <code>{info.getValue()}</code> {taxTypeName(info.getValue())}
      </span>
    ),
  }),
  lineColumns.display({
    id: 'base',
    header: 'Base',
    cell: ({ row }) => {
      const { base, currency } = row.original;
      return (
        <span className="number">{base.unit === currency ? money(base.amount, currency) : `${decimal(base.amount)} ${base.unit}`}</span>
      );
    },
  }),
  lineColumns.accessor('rate', { header: 'Rate' }),
  lineColumns.display({
    id: 'amount',
    header: 'Amount',
    cell: ({ row }) => <span className="number">{money(row.original.amount, row.original.currency)}</span>,
  }),
  lineColumns.accessor('calculation', { header: 'Calculation', cell: (info) => <span className="calculation">{info.getValue()}</span> }),
]);

/** Duty per item and tax type with each line's calculation, then the totals. */
export function AssessmentDetail({ assessment, idPrefix }: { assessment: Assessment; idPrefix: string }) {
  const { currency } = assessment;
  return (
    <div className="assessment">
      <Pairs>
        <Pair term="Total">
          <strong>{money(assessment.totals.total, currency)}</strong>
        </Pair>
        {Object.entries(assessment.totals.byTaxType).map(([taxType, amount]) => (
          <Pair key={taxType} term={`${taxTypeName(taxType)} (${taxType})`}>
            {money(amount, currency)}
          </Pair>
        ))}
        <Pair term="Tariff">
          {assessment.tariffPackVersion}, accepted {date(assessment.acceptanceDate)}
        </Pair>
        <Pair term="Exchange rate">
          {assessment.exchangeRate
            ? `1 ${assessment.exchangeRate.from} = ${assessment.exchangeRate.rate} ${assessment.exchangeRate.to} (${assessment.exchangeRate.period})`
            : 'none needed'}
        </Pair>
      </Pairs>
      {assessment.items.map((item) => (
        <div key={`${idPrefix}-${item.itemIndex}`} className="assessment-item">
          <DataTable
            caption={
              <>
                Item {item.itemIndex + 1}: <code>{item.resolvedCommodityCode ?? item.commodityCode}</code>, customs value{' '}
                {money(item.customsValue, currency)}
              </>
            }
            label={`Duty lines of item ${item.itemIndex + 1}${idPrefix === 'revised' ? ' (revised)' : ''}`}
            columns={lineTableColumns}
            data={item.lines.map((line, index) => ({ ...line, key: `${index}`, currency }))}
            rowId={(line) => line.key}
            empty="Nothing due on this item"
          />
          {item.notes && item.notes.length > 0 && (
            <ul className="notes">
              {item.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
        </div>
      ))}
      {assessment.reliefs.length > 0 && <p>Reliefs: {assessment.reliefs.join('; ')}</p>}
    </div>
  );
}

export function Duty({ view }: { view: DeclarationView }) {
  return (
    <Section id="duty" title={view.reassessment ? 'Duty as first assessed' : 'Duty'}>
      {view.assessment ? (
        <AssessmentDetail assessment={view.assessment} idPrefix="original" />
      ) : (
        <p className="muted">Not assessed yet: duties are calculated once risk scoring is done.</p>
      )}
      {view.assessmentProblems && view.assessmentProblems.length > 0 && (
        <>
          <p>The duty calculation stopped on:</p>
          <ProblemList problems={view.assessmentProblems} />
        </>
      )}
    </Section>
  );
}

const correctionFields = ['commodityCode', 'origin', 'netMassKg', 'invoiceAmount', 'quantities'] as const;
const correctionLabels: Record<(typeof correctionFields)[number], string> = {
  commodityCode: 'commodity code',
  origin: 'origin',
  netMassKg: 'net mass (kg)',
  invoiceAmount: 'invoice amount',
  quantities: 'quantities',
};

const outcomeLabels = {
  ADDITIONAL_AMOUNT_DUE: 'Additional amount due',
  AMOUNT_TO_REPAY: 'Amount to repay',
  NO_CHANGE: 'No change',
} as const;

/** The latest inspection: result, corrections, the difference per tax type, and the revised assessment. */
export function InspectionDetail({ view }: { view: DeclarationView }) {
  const people = usePeople();
  const inspection = view.inspection;
  if (!inspection) return null;
  const currency = view.reassessment?.currency ?? view.assessment?.currency ?? '';
  const invoiceCurrency = view.declaration?.valuation.currency ?? currency;
  const difference = inspection.difference;
  return (
    <Section id="inspection" title="Inspection">
      <Pairs>
        <Pair term="Result">{inspection.result === 'DISCREPANCY' ? 'Discrepancy found' : 'No discrepancy'}</Pair>
        <Pair term="Recorded">
          <Time value={inspection.at} />
          {inspection.officerId ? ` by ${people(inspection.officerId)}` : ''}
        </Pair>
        {inspection.findings !== null && <Pair term="Findings (customs only)">{inspection.findings}</Pair>}
      </Pairs>
      {inspection.corrections.length > 0 && (
        <>
          <h3>Corrections</h3>
          <ul>
            {inspection.corrections.map((correction) => (
              <li key={correction.itemIndex}>
                Item {correction.itemIndex + 1}:{' '}
                {correctionFields
                  .filter((field) => correction[field] !== undefined)
                  .map((field) => {
                    const value = correction[field];
                    const shown =
                      field === 'invoiceAmount' && typeof value === 'string'
                        ? money(value, invoiceCurrency)
                        : Array.isArray(value)
                          ? value.map((quantity) => `${decimal(quantity.value)} ${quantity.unit}`).join(', ')
                          : String(value);
                    return `${correctionLabels[field]} ${shown}`;
                  })
                  .join('; ')}
              </li>
            ))}
          </ul>
        </>
      )}
      {difference && (
        <>
          <h3>Difference from the first assessment</h3>
          <p className="hint">Revised minus first assessment: positive is owed in addition, negative is to be repaid.</p>
          <DifferenceTable difference={difference} currency={currency} />
          <p>
            <strong>{outcomeLabels[difference.outcome]}</strong>
            {difference.outcome !== 'NO_CHANGE' && `: ${money(difference.total.replace(/^-/, ''), currency)}`}
          </p>
        </>
      )}
      {inspection.reassessmentProblems && inspection.reassessmentProblems.length > 0 && (
        <>
          <p>The re-assessment stopped on:</p>
          <ul>
            {inspection.reassessmentProblems.map((problem) => (
              <li key={`${problem.pointer}:${problem.code}`}>{problem.message}</li>
            ))}
          </ul>
        </>
      )}
      {view.reassessment && (
        <>
          <h3>New assessment</h3>
          <AssessmentDetail assessment={view.reassessment} idPrefix="revised" />
        </>
      )}
    </Section>
  );
}

type Difference = NonNullable<NonNullable<DeclarationView['inspection']>['difference']>;

function DifferenceTable({ difference, currency }: { difference: Difference; currency: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable by keyboard
    <section className="table-scroll" aria-label="Difference per tax type" tabIndex={0}>
      <table className="difference">
        <caption>Difference per tax type</caption>
        <thead>
          <tr>
            <th scope="col">Tax type</th>
            <th scope="col">Difference</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(difference.byTaxType).map(([taxType, amount]) => (
            <tr key={taxType}>
              <th scope="row">
                <code>{taxType}</code> {taxTypeName(taxType)}
              </th>
              <td className="number">{money(amount, currency, { signed: true })}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td className="number">
              <strong>{money(difference.total, currency, { signed: true })}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

const eventLabels: Record<string, string> = {
  SUBMITTED: 'Submitted',
  VALIDATED: 'Validated',
  REJECTED: 'Rejected',
  SCORED: 'Risk scored',
  ASSESSED: 'Duties assessed',
  RELEASED: 'Released',
  UNDER_REVIEW: 'Sent for review',
  PROCESSING_FAILED: 'Processing failed',
  RETRIED: 'Retried',
  HELD: 'Held',
  DOCUMENTS_REQUESTED: 'Documents requested',
  DOCUMENTS_RECEIVED: 'Document received',
  CANCELLED: 'Cancelled',
  INSPECTED: 'Inspected',
  AMENDED: 'Amended',
  AWAITING_PAYMENT: 'Awaiting payment',
  DUTIES_BOOKED: 'Duties booked',
  DUTIES_REVERSED: 'Duties given back',
  REPAYMENT_CLAIMED: 'Repayment claimed',
  REPAYMENT_APPROVED: 'Repayment approved',
  REPAYMENT_REFUSED: 'Repayment refused',
  REPAYMENT_PAID: 'Repayment paid or payout requested',
  REPAYMENT_PAID_OUT: 'Repayment paid out',
  PAYOUT_FAILED: 'Payout failed',
  PAYOUT_RESENT: 'Payout resent',
};

/** What the trader must pay before release (AWAITING_PAYMENT, or a further amount after an inspection), and how. */
export function PaymentsDue({ view }: { view: DeclarationView }) {
  if (view.paymentsDue.length === 0) return null;
  return (
    <Section id="payments-due" title="Payment due">
      <p>The goods are released once these payments are confirmed:</p>
      <ul>
        {view.paymentsDue.map((due) => (
          <li key={due.reference}>
            <strong>
              {due.amount} {due.currency}
            </strong>
            , reference <code>{due.reference}</code>: {due.instructions}
          </li>
        ))}
      </ul>
    </Section>
  );
}

export function History({ id }: { id: string }) {
  const events = useDeclarationEvents(id);
  const people = usePeople();
  return (
    <Section id="history" title="History">
      {events.isPending && <Loading>Loading the history…</Loading>}
      {events.isError && (
        <ErrorPanel
          title="The history could not be loaded"
          error={events.error}
          onRetry={() => {
            void events.refetch();
          }}
        />
      )}
      {events.data && (
        <ol className="timeline">
          {events.data.items.map((event) => (
            <li key={event.version}>
              <p className="timeline-head">
                <strong>{eventLabels[event.type] ?? event.type}</strong> <Time value={event.at} />
              </p>
              <p className="muted">
                {event.actor.kind === 'system' ? 'by the platform' : `by ${event.actor.kind} ${people(event.actor.id)}`}, version{' '}
                {event.version}
              </p>
              {event.detail && <p>{event.detail}</p>}
              {event.note && (
                <p className="internal-note">
                  <span className="label">Internal note:</span> {event.note}
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

/** Problems as the API reports them: where (JSON pointer) and what. */
function ProblemList({ problems }: { problems: readonly { pointer: string; code: string; message: string }[] }) {
  return (
    <ul>
      {problems.map((problem) => (
        <li key={`${problem.pointer}:${problem.code}`}>
          <code>{problem.pointer || '/'}</code> {problem.message}
        </li>
      ))}
    </ul>
  );
}
