// Shared by the interop scripts: reading env, collecting checks and printing the one JSON line
// the Java test parses ({"ok":…, "checks":[{name, ok, detail}], …extra}).

export function env(name, fallback) {
  const value = process.env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new Error(`missing env ${name}`);
}

export class Report {
  checks = [];
  extra = {};

  // Records a check; a failed check does not stop the script by itself (see require()).
  check(name, ok, detail = '') {
    this.checks.push({ name, ok: Boolean(ok), detail: typeof detail === 'string' ? detail : JSON.stringify(detail) });
    return Boolean(ok);
  }

  // Records a check and stops the run when it failed: later steps depend on it.
  require(name, ok, detail = '') {
    if (!this.check(name, ok, detail)) throw new StopRun(`${name} failed: ${this.checks.at(-1).detail}`);
  }

  get ok() {
    return this.checks.length > 0 && this.checks.every((c) => c.ok);
  }

  // Prints the single result line and sets the exit code; `error` is an exception that ended the run early.
  finish(error) {
    const line = { ok: this.ok && !error, checks: this.checks, ...this.extra };
    if (error && !(error instanceof StopRun)) line.error = describe(error);
    process.stdout.write(JSON.stringify(line) + '\n');
    process.exitCode = line.ok ? 0 : 1;
  }
}

export class StopRun extends Error {}

// Error text without a stack trace; keeps the cause chain short and readable in the Java test's output.
export function describe(error) {
  if (!(error instanceof Error)) return String(error);
  const parts = [`${error.name}: ${error.message}`];
  if (error.code) parts.push(`code=${error.code}`);
  if (error.cause instanceof Error) parts.push(`cause=${describe(error.cause)}`); // other causes may hold response parameters
  return parts.join(' ');
}

// Runs `main(report)` and always prints the result line, even when main throws.
export async function run(main) {
  const report = new Report();
  try {
    await main(report);
    report.finish();
  } catch (error) {
    report.finish(error);
  }
}
