import * as path from 'path';

/** The package's own code, compiled (lib/) or not (src/): frames a user need not read first. */
const OWN_CODE = [path.join(__dirname, '..') + path.sep, path.join(__dirname, '..', '..', 'src') + path.sep];

/**
 * The error the library throws for input that is wrong whatever the rest of the app holds.
 * Its message names the construct, the prop, the value and the fix. Its stack trace starts at
 * the user's line: the library's own frames above it are dropped.
 */
export class GuardedPatternsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuardedPatternsError';
    const lines = (this.stack ?? '').split('\n');
    const frames = lines.findIndex((line) => /^\s+at /.test(line));
    const user = lines.findIndex((line, i) => i >= frames && !OWN_CODE.some((dir) => line.includes(dir)));
    if (frames >= 0 && user > frames) {
      this.stack = [...lines.slice(0, frames), ...lines.slice(user)].join('\n');
    }
  }
}

/**
 * The wrong props of one construct, collected so that the user sees them all in one error
 * rather than one per synth.
 */
export class PropErrors {
  private readonly messages: string[] = [];

  /** Runs one validation; the GuardedPatternsError it throws is kept, any other error is not. */
  public check(validate: () => void): void {
    try {
      validate();
    } catch (e) {
      if (!(e instanceof GuardedPatternsError)) {
        throw e;
      }
      this.messages.push(e.message);
    }
  }

  /** Adds one message. */
  public add(message: string): void {
    this.messages.push(message);
  }

  /** Throws every message collected, one per line, or nothing if there is none. */
  public throwIfAny(): void {
    if (this.messages.length === 1) {
      throw new GuardedPatternsError(this.messages[0]);
    }
    if (this.messages.length > 1) {
      throw new GuardedPatternsError(`${this.messages.length} props are wrong:\n${this.messages.map((m) => `- ${m}`).join('\n')}`);
    }
  }
}
