/** The tariff for officers: a commodity's measures for an origin and date, and a duty estimate. */
import { PageHeading } from '../components/PageHeading.tsx';
import { Section } from '../declaration/sections.tsx';
import { CommodityLookup } from '../tariff/CommodityLookup.tsx';
import { DutyEstimateForm } from '../tariff/DutyEstimateForm.tsx';

export function TariffPage() {
  return (
    <>
      <PageHeading title="Tariff" />
      <Section id="lookup" title="Measures for a commodity">
        <CommodityLookup />
      </Section>
      <Section id="estimate" title="Duty estimate">
        <DutyEstimateForm />
      </Section>
    </>
  );
}
