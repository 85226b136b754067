import { parseArgs, type ParseArgsConfig } from 'node:util'

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * Parses command-line flags; an unknown flag or a bad value ends the command with exit code
 * 2 and a message naming the flag, never a stack trace.
 */
export function parseFlags<T extends Options>(
  options: T, usage: string,
): ReturnType<typeof parseArgs<{ options: T, allowPositionals: false, strict: true }>> {
  try {
    return parseArgs({ options, allowPositionals: false, strict: true })
  } catch (err: unknown) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${usage}\n`)
    process.exit(2)
  }
}

/** Reads a numeric flag, exiting with a clear message when it is not a number. */
export function numberFlag(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const parsed = Number(value)
  if (!Number.isFinite(parsed)) {
    process.stderr.write(`--${name} must be a number, got "${value}"\n`)
    process.exit(2)
  }
  return parsed
}

/** Prints the one-line JSON summary that ends every command run with --json. */
export function printJsonSummary(summary: unknown): void {
  process.stdout.write(`${JSON.stringify(summary)}\n`)
}

/** Ends the process with a readable message for coded errors (exit 1). */
export function exitWithError(err: unknown): never {
  process.stderr.write(`forewarn: ${errorLine(err)}\n`)
  process.exit(1)
}

/**
 * `CODE: message`, followed by the system's own words when a coded error wraps one ("listen
 * EADDRINUSE: address already in use 127.0.0.1:1883"): the code says what failed, the cause why.
 */
export function errorLine(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'FW_ERR_UNKNOWN'
  const message = err instanceof Error ? err.message : String(err)
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined
  return cause === undefined || message.includes(cause) ? `${code}: ${message}` : `${code}: ${message}: ${cause}`
}
