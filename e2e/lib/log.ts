/** Step-by-step progress on stderr, each line with the time since the run began. */
const started = Date.now();

export function step(what: string): void {
    const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
    process.stderr.write(`[e2e ${seconds}s] ${what}\n`);
}

/** Runs `work`, logging its start and how long it took. */
export async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    step(`${what} ...`);
    const result = await work();
    step(`${what}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return result;
}
