/** Traders' duty estimate: what a line of goods would owe, before declaring it. */
import { PageHeading } from '../components/PageHeading.tsx';
import { DutyEstimateForm } from '../tariff/DutyEstimateForm.tsx';

export function DutyEstimatePage() {
  return (
    <>
      <PageHeading title="Duty estimate" />
      <p>What one line of goods would owe at today's tariff and exchange rates. Nothing is declared or stored.</p>
      <DutyEstimateForm />
    </>
  );
}
