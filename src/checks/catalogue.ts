import { CDN_CHECKS } from './cdn';
import { Check } from './check';
import { CheckInfo, CheckLevel } from './check-info';
import { FARGATE_CHECKS } from './fargate';
import { IAM_CHECKS } from './iam';
import { OPENVPN_CHECKS } from './openvpn';
import { PRIVATELINK_CHECKS } from './privatelink';
import { RECYCLER_CHECKS } from './recycler';
import { VPC_CHECKS } from './vpc';

/** Every check of the library, in the order the README lists them. */
export const ALL_CHECKS: Check[] = [
  ...VPC_CHECKS,
  ...FARGATE_CHECKS,
  ...CDN_CHECKS,
  ...PRIVATELINK_CHECKS,
  ...RECYCLER_CHECKS,
  ...OPENVPN_CHECKS,
  ...IAM_CHECKS,
];

/**
 * The checks `GuardedPatternsChecks` runs over any app: those that read the template, less those
 * another tool already reports the same way.
 */
export const PACK_CHECKS: Check[] = ALL_CHECKS.filter((c) => c.resourceTypes.length > 0 && (c.alsoReportedBy ?? []).length === 0);

const LEVEL_LABEL: Record<CheckLevel, string> = {
  [CheckLevel.ERROR]: 'error',
  [CheckLevel.WARNING]: 'warning',
  [CheckLevel.INFO]: 'info',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * The catalogue as the Markdown table the README shows between its catalogue markers.
 */
export function renderCatalogue(checks: CheckInfo[] = ALL_CHECKS): string {
  const rows = checks.map((c) => {
    const pack = (c.alsoReportedBy ?? []).length > 0 ? `left to ${c.alsoReportedBy!.map((r) => `\`${r}\``).join(', ')}, which report${c.alsoReportedBy!.length === 1 ? 's' : ''} the same`
      : c.resourceTypes.length > 0 ? `${LEVEL_LABEL[c.level]} on ${c.resourceTypes.map((t) => `\`${t}\``).join(', ')}` : 'pattern only';
    return `| \`${c.id}\` | ${cell(c.title)} | ${LEVEL_LABEL[c.patternLevel]} in ${c.patterns.join(', ')} | ${pack} | ${cell(c.reason)} [source](${c.source}) |`;
  });
  return [
    '| ID | What it catches | Embedded | GuardedPatternsChecks | Why |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
