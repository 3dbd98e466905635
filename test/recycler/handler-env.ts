/**
 * Runs the Lambda entry point as Lambda would: with its environment variables set (and the others
 * removed), and its console lines captured as JSON.
 */
const VARIABLES = ['CLUSTERS', 'AWS_REGION', 'ACCOUNT_ID', 'DRY_RUN', 'METRICS_NAMESPACE', 'WATCHED_SECRETS'];

export interface HandlerEnvironment {
  /** The JSON lines the handler logged so far. */
  lines(): any[];
  restore(): void;
}

export function withEnvironment(variables: Record<string, string>): HandlerEnvironment {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of VARIABLES) {
    delete process.env[name];
  }
  Object.assign(process.env, variables);
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  return {
    lines: () => log.mock.calls.map(([line]) => JSON.parse(line)),
    restore: () => {
      log.mockRestore();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) {
          delete process.env[name];
        } else {
          process.env[name] = value;
        }
      }
    },
  };
}
