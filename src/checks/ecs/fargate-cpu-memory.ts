import { aws_ecs as ecs } from 'aws-cdk-lib';
import { literalString } from '../../private/resource-index';
import { requiresFargate } from '../../private/template/ecs';
import { defineCheck } from '../check';
import { CheckLevel } from '../check-info';
import { pathOf } from '../embed';

/** Fargate's memory sizes (MiB) for each CPU size (units), as AWS lists them. */
const FARGATE_SIZES: ReadonlyArray<readonly [number, number, number, number]> = [
  // cpu, lowest memory, highest memory, step
  [256, 512, 2048, 0],
  [512, 1024, 4096, 1024],
  [1024, 2048, 8192, 1024],
  [2048, 4096, 16384, 1024],
  [4096, 8192, 30720, 1024],
  [8192, 16384, 61440, 4096],
  [16384, 32768, 122880, 8192],
];

/** The CPU sizes Fargate accepts, in units (1024 = 1 vCPU). */
export const FARGATE_CPUS = FARGATE_SIZES.map(([cpu]) => cpu);

/** The memory sizes (MiB) Fargate accepts with this CPU; empty for a CPU it does not accept. */
export function fargateMemoryFor(cpu: number): number[] {
  const row = FARGATE_SIZES.find(([c]) => c === cpu);
  if (!row) {
    return [];
  }
  const [, low, high, step] = row;
  if (step === 0) {
    return [512, 1024, 2048];
  }
  const values: number[] = [];
  for (let m = low; m <= high; m += step) {
    values.push(m);
  }
  return values;
}

/**
 * What is wrong with a CPU and memory pair, or `undefined` when Fargate accepts it. The text
 * lists what would be accepted.
 */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
  const memories = fargateMemoryFor(cpu);
  if (memories.length === 0) {
    return `cpu ${cpu} is not a Fargate size; use one of ${FARGATE_CPUS.join(', ')} (1024 = 1 vCPU)`;
  }
  if (!memories.includes(memory)) {
    const fitting = FARGATE_CPUS.filter((c) => fargateMemoryFor(c).includes(memory));
    const other = fitting.length > 0 ? `, or cpu ${fitting.join(' or ')} for ${memory} MiB` : '';
    return `memory ${memory} MiB is not a Fargate size for cpu ${cpu}; with cpu ${cpu} use ${formatSizes(memories)} MiB${other}`;
  }
  return undefined;
}

function formatSizes(values: number[]): string {
  return values.length <= 2 ? values.join(' or ') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** CPU units from a task definition's Cpu: `'256'` or `'0.25 vCPU'`. */
function cpuUnits(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(text);
  if (!match) {
    return undefined;
  }
  return match[2] ? Math.round(Number(match[1]) * 1024) : Number(match[1]);
}

/** MiB from a task definition's Memory: `'512'` or `'0.5 GB'`. */
function memoryMiB(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(gb)?\s*$/i.exec(text);
  if (!match) {
    return undefined;
  }
  return match[2] ? Math.round(Number(match[1]) * 1024) : Number(match[1]);
}

/**
 * A Fargate task definition whose CPU and memory pair Fargate does not offer.
 */
export const FargateCpuMemory = defineCheck({
  suffix: 'FargateCpuMemory',
  level: CheckLevel.ERROR,
  title: 'A Fargate task definition whose CPU and memory pair Fargate does not offer.',
  reason: 'Fargate runs only fixed CPU and memory combinations. CloudFormation accepts any pair and the deployment fails when ECS registers the task definition.',
  source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size',
  alsoReportedBy: ['CloudFormation-Validate::E3047'],
  appliesTo: [ecs.CfnTaskDefinition],
  inspect(task) {
    if (!requiresFargate(task)) {
      return [];
    }
    const cpuText = literalString(task, task.cpu);
    const memoryText = literalString(task, task.memory);
    if (cpuText === undefined || memoryText === undefined) {
      return [];
    }
    const cpu = cpuUnits(cpuText);
    const memory = memoryMiB(memoryText);
    if (cpu === undefined || memory === undefined) {
      return [`Task definition '${pathOf(task)}': Cpu '${cpuText}' and Memory '${memoryText}' are not CPU units and MiB; use numbers such as Cpu '256' and Memory '512'.`];
    }
    const problem = fargateSizeProblem(cpu, memory);
    return problem ? [`Task definition '${pathOf(task)}': ${problem}.`] : [];
  },
});
