/**
 * The demo region's partner agencies and permit rules (the `permit-rules` reference document,
 * docs/single-window.md), loaded by the local seed. Modelled on Great Britain's import controls;
 * the rules are a demo selection, not the full legal lists.
 */
import type { z } from 'zod';
import type { permitRulesSchema } from '#shared/domain/permits.ts';

/** The plant health inspectorate of the demo region, and its demo user's agency. */
export const plantHealthAgency = 'GB-PHSI';
/** The CITES management authority of the demo region. */
export const citesAgency = 'GB-CITES';

export const demoPermitRules: z.input<typeof permitRulesSchema> = {
  agencies: [
    { id: plantHealthAgency, name: 'Animal and Plant Health Agency, Plant Health and Seeds Inspectorate' },
    { id: citesAgency, name: 'Animal and Plant Health Agency, Centre for International Trade (CITES)' },
  ],
  permitTypes: [
    {
      code: 'PLANT_HEALTH',
      name: 'phytosanitary certificate',
      agencyId: plantHealthAgency,
      // N851: phytosanitary certificate (CDS Appendix 5A document codes).
      documentCode: 'N851',
      // A phytosanitary certificate is issued for a consignment shortly before export (ISPM 12).
      maxValidityDays: 90,
    },
    {
      code: 'CITES',
      name: 'CITES import permit',
      agencyId: citesAgency,
      // C400: CITES certificate (CDS Appendix 5A).
      documentCode: 'C400',
      // An import permit is valid at most 12 months (Regulation (EC) No 865/2006 Art. 10, as retained).
      maxValidityDays: 365,
    },
  ],
  rules: [
    {
      id: 'plant-health-fresh-produce',
      permitType: 'PLANT_HEALTH',
      // Live plants and cut flowers, vegetables, fruit and nuts, seeds for sowing.
      commodityPrefixes: ['06', '07', '08', '1209'],
      // Fruits exempt from a phytosanitary certificate: pineapples, coconuts, durians, bananas and dates.
      exceptCommodityPrefixes: ['080430', '080111', '080112', '080119', '081060', '0803', '080410'],
      // Goods of the territory itself and the Crown Dependencies are not imported under these controls.
      exceptOrigins: ['GB', 'IM', 'JE', 'GG'],
      declarationTypes: ['IM'],
      description: 'plants and plant products of chapters 06 to 08 and seeds for sowing need a phytosanitary certificate',
      legalBasis:
        'Regulation (EU) 2019/2072 Annex XI Parts A and B and Art. 72, as retained in GB; The Plant Health (Amendment etc.) (EU Exit) Regulations 2020',
    },
    {
      id: 'cites-listed-species',
      permitType: 'CITES',
      // Live primates and reptiles, raw reptile skins, ivory and worked ivory, live orchids.
      commodityPrefixes: ['010611', '010620', '410330', '050710', '960110', '06029050'],
      declarationTypes: ['IM'],
      description: 'specimens of species listed in Annex A or B need a CITES import permit',
      legalBasis: 'Regulation (EC) No 338/97 Art. 4, as retained in GB; The Control of Trade in Endangered Species Regulations 2018',
    },
  ],
};
