import * as fc from 'fast-check';

/** Runs per property when FC_NUM_RUNS does not say otherwise: synth is slow, so CI keeps this small. */
const DEFAULT_RUNS = 30;

/**
 * The fast-check parameters every property test uses: a seed printed before the run (and in
 * fast-check's own report on failure) so that a failure can be replayed with `FC_SEED`, and the
 * number of runs, which `FC_NUM_RUNS` widens for a longer local search.
 */
export function propertyParameters<T>(name: string, defaultRuns = DEFAULT_RUNS, examples: T[] = []): fc.Parameters<T> {
  const seed = numberFrom('FC_SEED') ?? ((Date.now() + Math.floor(Math.random() * 2 ** 31)) % 2 ** 31);
  const numRuns = numberFrom('FC_NUM_RUNS') ?? defaultRuns;
  // eslint-disable-next-line no-console
  console.log(`${name}: fast-check seed ${seed}, ${numRuns} runs and ${examples.length} fixed examples (replay with FC_SEED=${seed})`);
  // The fixed examples run first, whatever the seed: the branches that must be reached on every run.
  return { seed, numRuns, examples, verbose: fc.VerbosityLevel.Verbose };
}

function numberFrom(variable: string): number | undefined {
  const text = process.env[variable];
  if (text === undefined || text === '') {
    return undefined;
  }
  const value = Number(text);
  if (!Number.isInteger(value)) {
    throw new Error(`${variable} must be a whole number, not '${text}'`);
  }
  return value;
}

/**
 * What the model says the pattern must do with some props: build a template, or refuse them
 * with an error that names one of `props`.
 */
export type Expected = { readonly ok: true } | {
  readonly ok: false;
  /** Any of these may be named. */
  readonly props: readonly string[];
  /** Each wrong choice, by the first name it was recorded under. */
  readonly faults: readonly string[];
};

/** Collects the props a model finds wrong. */
export class Verdict {
  private readonly wrong: string[][] = [];

  /** Records a wrong choice when `condition` holds: the error must name one of `props`. */
  public refuse(condition: boolean, ...props: string[]): this {
    if (condition) {
      this.wrong.push(props);
    }
    return this;
  }

  public get expected(): Expected {
    return this.wrong.length === 0
      ? { ok: true }
      : { ok: false, props: [...new Set(this.wrong.flat())], faults: [...new Set(this.wrong.map((names) => names[0]))] };
  }
}

/** How often each outcome happened, so that a test can prove its generators reach both. */
export interface Outcomes {
  synthesized: number;
  refused: number;
  /** Refusals where one choice alone was wrong, by its name: the branches the generators reached on their own. */
  soleFaults?: Record<string, number>;
}

/** Fails unless each of `faults` was, at least once, the only thing wrong with the props. */
export function expectReached(outcomes: Outcomes, faults: string[]): void {
  const missed = faults.filter((fault) => !(outcomes.soleFaults?.[fault]));
  if (missed.length > 0) {
    throw new Error(`the generators never made ${missed.join(', ')} the only fault (reached: ${JSON.stringify(outcomes.soleFaults ?? {})}); widen them or run more (FC_NUM_RUNS)`);
  }
}

/**
 * Holds the pattern to the model: `build` constructs the pattern and synthesizes it (strict
 * CloudFormation validation and the embedded checks throw on a bad template). When the model
 * expects a template, nothing may throw; when it expects an error, `build` must throw the
 * library's own error, whose message starts with `subject` (or lists several, each starting with
 * it) and names one of the wrong props.
 * Returns what `build` returned, or `undefined` for a refusal.
 */
export function holdToModel<T>(expected: Expected, subject: string, build: () => T, outcomes: Outcomes): T | undefined {
  let result: T;
  try {
    result = build();
  } catch (e) {
    const error = e as Error;
    if (expected.ok) {
      throw new Error(`the model accepts these props, but the pattern refused them: ${error.name}: ${error.message}`);
    }
    // Wrong state known only once the tree is complete fails synthesis through node.addValidation,
    // which aws-cdk-lib reports with every message; anything else must be the library's own error.
    const inValidation = /Validation failed with the following errors/.test(error.message);
    if (error.name !== 'GuardedPatternsError' && !inValidation) {
      throw new Error(`expected the library's own error naming ${expected.props.join(' or ')}, got ${error.name}: ${error.message}\n${error.stack}`);
    }
    // Several wrong props come as one error, a line each after a count.
    const [first, ...more] = error.message.split('\n');
    const listed = /^\d+ props are wrong:$/.test(first) && more.length > 1 && more.every((line) => line.startsWith(`- ${subject}`));
    const named = inValidation ? error.message.includes(subject) : error.message.startsWith(subject) || listed;
    if (!named || !expected.props.some((prop) => error.message.includes(prop))) {
      throw new Error(`expected an error starting with "${subject}" and naming ${expected.props.join(' or ')}, got: ${error.message}`);
    }
    outcomes.refused++;
    if (expected.faults.length === 1) {
      outcomes.soleFaults = { ...outcomes.soleFaults, [expected.faults[0]]: (outcomes.soleFaults?.[expected.faults[0]] ?? 0) + 1 };
    }
    return undefined;
  }
  if (!expected.ok) {
    throw new Error(`the model refuses these props (${expected.props.join(', ')} wrong), but the pattern built a template`);
  }
  outcomes.synthesized++;
  return result;
}
